"""MCP servers (official ``mcp`` package, streamable HTTP), one per tool
family, with AssetOpsBench's tool names (``history``, ``get_failure_modes``,
``run_tsad`` ... plus the upstream aliases). Calls go through the same
``runlog.execute`` pipeline as REST, with the same run-scoped state (the
run's work-order writes and clarification; issue 17). In evaluation mode the ASGI wrapper
rejects requests without a known ``X-Run-Token`` (401) before MCP sees them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import mcp.types as mt
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts import tools as T
from contracts import upstream as U
from services.assetdata import upstream
from services.assetdata.runlog import RunRegistry, execute

TOKEN_HEADER = "x-run-token"


def _tools_of(family: str) -> list[tuple[str, str]]:
    """(MCP tool name, qualified tool) pairs of a family, aliases included."""
    out = [(n.split(".", 1)[1], n) for n in T.TOOL_ARGS if T.family_of(n) == family]
    out += [(a.split(".", 1)[1], a) for a in T.TOOL_ALIASES if T.family_of(a) == family]
    return out


class FamilyServer:
    def __init__(self, family: str):
        self.family = family
        self.server: Server = Server(f"assetops-{family}")
        self.session_manager: StreamableHTTPSessionManager | None = None
        self.fastapi_app: Any = None
        self.handler: ASGIApp | None = None
        tools = _tools_of(family)
        self.by_name = dict(tools)

        @self.server.list_tools()
        async def list_tools() -> list[mt.Tool]:
            from services.assetdata.app import TOOL_DOCS

            out = []
            for short, qualified in tools:
                target = T.TOOL_ALIASES.get(qualified, qualified)
                # upstream argument names are part of the schema (issue 20)
                schema = upstream.input_schema(qualified)
                desc = TOOL_DOCS.get(target, "")
                if qualified in U.UPSTREAM_TOOLS:
                    doc = (U.UPSTREAM_TOOLS[qualified][1].__doc__ or "").strip()
                    desc = f"{doc} (AssetOpsBench name; served by {target.split('.', 1)[1]})"
                elif qualified != target:
                    desc = f"{desc} (alias of {target.split('.', 1)[1]})"
                out.append(mt.Tool(name=short, description=desc, inputSchema=schema))
            return out

        @self.server.call_tool(validate_input=False)
        async def call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
            qualified = self.by_name.get(name, f"{family}.{name}")
            app = self.fastapi_app
            registry: RunRegistry | None = app.state.registry
            state = None
            req = self.server.request_context.request
            token = req.headers.get(TOKEN_HEADER) if req is not None else None
            if registry is not None:
                state = registry.get(token)
                if state is None:
                    raise RuntimeError(json.dumps({"code": "unknown_run_token", "status": 401}))
            out = await execute(
                app.state.plant,
                registry,
                state,
                qualified,
                arguments or {},
                writes=app.state.wo_writes,
                token=token,
            )
            if out.error is not None:
                # The low-level server turns an exception into an isError result
                # whose text is this problem JSON.
                raise RuntimeError(json.dumps(out.body))
            return out.body

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """A fresh session manager per app lifespan (a manager runs only once)."""
        manager = StreamableHTTPSessionManager(
            app=self.server, json_response=False, stateless=False
        )
        async with manager.run():
            self.session_manager = manager
            try:
                yield
            finally:
                self.session_manager = None

    def asgi(self, fastapi_app: Any) -> ASGIApp:
        self.fastapi_app = fastapi_app

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and fastapi_app.state.registry is not None:
                headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
                if fastapi_app.state.registry.get(headers.get(TOKEN_HEADER)) is None:
                    resp = JSONResponse(
                        {
                            "type": "https://assetops.arena/problems/unknown_run_token",
                            "title": "unknown_run_token",
                            "status": 401,
                            "code": "unknown_run_token",
                            "detail": "Missing or unknown X-Run-Token header.",
                        },
                        status_code=401,
                        media_type="application/problem+json",
                    )
                    await resp(scope, receive, send)
                    return
            if self.session_manager is None:
                resp = JSONResponse(
                    {"code": "not_ready", "detail": "MCP is starting"},
                    status_code=503,
                    media_type="application/problem+json",
                )
                await resp(scope, receive, send)
                return
            await self.session_manager.handle_request(scope, receive, send)

        return app


def build(family: str) -> FamilyServer:
    return FamilyServer(family)

"""The sidecar's end of the LLM gateway: ``/v1/chat/completions`` and
``/v1/models`` on the asset-data service's loopback port, relayed unchanged
(body + Authorization) to the worker's ``GatewayServer`` over the unix socket
named by ``ARENA_GATEWAY_SOCKET``.

Mount it in the asset-data app with ``include_gateway(app)`` (a no-op when the
variable is unset, e.g. local exploration without a worker).

``httpx`` is imported on the first relayed request, in a thread (issue 22:
with the CLI extras it pulls in, it was a tenth of the sidecar's start-up,
and most agents never call the LLM; the MCP servers, started after the
port is bound, usually import it first anyway).
"""

from __future__ import annotations

import asyncio
import importlib
import os
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response

ENV_SOCKET = "ARENA_GATEWAY_SOCKET"
MAX_BODY_BYTES = 2 * 1024**2
TIMEOUT_SECONDS, CONNECT_SECONDS = (
    300.0,
    5.0,
)  # LLM calls are slow; the run's wall clock bounds them


def _error(status: int, code: str, message: str) -> Response:
    import json

    kind = "invalid_request_error" if status < 500 else "api_error"
    body = {"error": {"message": message, "type": kind, "code": code}}
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def make_router(socket_path: str, max_body_bytes: int = MAX_BODY_BYTES) -> APIRouter:
    router = APIRouter()
    made: dict[str, Any] = {}  # the httpx module and client, made on first use
    lock = asyncio.Lock()

    async def upstream_client() -> tuple[Any, Any]:
        async with lock:
            if not made:
                httpx = await asyncio.to_thread(importlib.import_module, "httpx")
                transport = httpx.AsyncHTTPTransport(uds=socket_path)
                made["httpx"], made["client"] = (
                    httpx,
                    httpx.AsyncClient(
                        transport=transport,
                        base_url="http://gateway",
                        timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS),
                    ),
                )
        return made["httpx"], made["client"]

    async def relay(request: Request, method: str, path: str) -> Response:
        headers: dict[str, Any] = {"Content-Type": "application/json"}
        auth = request.headers.get("authorization")
        if auth:
            headers["Authorization"] = auth
        body = b""
        if method == "POST":
            # bounded before reading: the declared length, then a streamed count
            # (a chunked body declares none)
            declared = request.headers.get("content-length")
            if declared is not None and not (declared.isascii() and declared.isdigit()):
                return _error(400, "bad_content_length", "Content-Length is not a number")
            if declared is not None and int(declared) > max_body_bytes:
                return _error(413, "body_too_large", f"the body exceeds {max_body_bytes} bytes")
            buf = bytearray()
            async for chunk in request.stream():
                buf += chunk
                if len(buf) > max_body_bytes:
                    return _error(413, "body_too_large", f"the body exceeds {max_body_bytes} bytes")
            body = bytes(buf)
        httpx, client = await upstream_client()
        try:
            upstream = await client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError:
            return _error(502, "gateway_unavailable", "the LLM gateway is not reachable")
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/json"),
        )

    @router.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        return await relay(request, "POST", "/v1/chat/completions")

    @router.get("/v1/models")
    async def models(request: Request) -> Response:
        return await relay(request, "GET", "/v1/models")

    return router


def include_gateway(app: FastAPI, socket_path: str | None = None) -> bool:
    """Add the forwarder routes when a gateway socket is configured
    (``settings.gateway_socket``, i.e. ``ARENA_GATEWAY_SOCKET``)."""
    path = socket_path or os.environ.get(ENV_SOCKET)
    if not path:
        return False
    app.include_router(make_router(path), tags=["llm-gateway"])
    return True

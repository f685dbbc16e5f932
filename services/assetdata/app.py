"""The asset-data HTTP service: REST (one router per tool family, typed JSON
bodies in OpenAPI) and MCP (streamable HTTP at ``/mcp/{family}/``), both
running every call through ``runlog.execute`` so faults and the tool-call log
behave the same on both transports.

``create_app(plant=None, seed=DEFAULT_SEED, runs_dir=None, timeout_delay=1.0, limits=None)``
(``limits``: ``runlog.Limits``, default from the ``ARENA_SIDECAR_MAX_*`` settings)
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import logging
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts import tools as T
from contracts import upstream as U
from services.assetdata.plant import DEFAULT_SEED, Plant, load_plant
from services.assetdata.runlog import Limits, RunRegistry, execute
from services.assetdata.tools import ToolError
from services.assetdata.workorder_writes import WriteStore

FAMILIES = ("iot", "utilities", "fmsr", "tsfm", "wo")
FAMILY_DOCS = {
    "iot": "Sites, assets, sensors and telemetry history (with dataset ids for bulk data).",
    "utilities": "The simulated clock, a reader for dataset ids, and the operator who wrote "
    "the task (ask_operator).",
    "fmsr": "Failure modes and their relation to sensors.",
    "tsfm": "Forecasting and anomaly detection on datasets from iot.history.",
    "wo": "Work orders, events (alerts, anomalies, work orders), alert rules and KPIs; "
    "work-order writes (create, update, assign, approve, close, cancel) into the run's own "
    "state, seen by that run's reads only.",
}
try:  # orjson encodes a week of telemetry ~5x faster than the stdlib
    import orjson  # noqa: F401
    from fastapi.responses import ORJSONResponse as FastJSONResponse
except ImportError:  # pragma: no cover - optional speed-up
    FastJSONResponse = JSONResponse  # type: ignore[misc]

TOKEN_HEADER = "X-Run-Token"
PROBLEM = "application/problem+json"


class Problem(BaseModel):
    type: str
    title: str
    status: int
    code: str
    detail: str
    details: dict[str, Any] | None = None


def problem_response(exc: ToolError) -> JSONResponse:
    return JSONResponse(exc.to_problem(), status_code=exc.http_status, media_type=PROBLEM)


def _problem_doc(desc: str) -> dict:
    return {
        "description": desc,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


ERROR_RESPONSES = {
    "401": _problem_doc("Missing or unknown X-Run-Token (evaluation mode only)"),
    "404": _problem_doc(
        "Unknown site/asset/sensor/dataset/work order...; details.valid lists the valid names"
    ),
    "409": _problem_doc("Work-order write not allowed in the order's status (invalid_transition)"),
    "422": _problem_doc("Invalid arguments, dates or ranges"),
    "429": _problem_doc(
        "Run limits: work-order writes per run (write_limit_exceeded), tool log full "
        "(run_limit_exceeded)"
    ),
    "503": _problem_doc("Injected fault: tool unavailable"),
    "504": _problem_doc("Injected fault: tool timeout"),
}


class BodyLimit:
    """ASGI middleware: every request body is bounded before the app reads
    it. A declared ``Content-Length`` over the route's bound is refused
    without reading a byte; a chunked body is counted as it streams in and
    refused at the first byte past the bound (413 ``body_too_large``). The
    body is then replayed to the app. Bodies held at once by all requests in
    flight are bounded too (503 ``sidecar_busy``), so many connections
    cannot add up to the sidecar's memory limit. Bounds: ``/v1/`` (the LLM
    relay, bytes only forwarded) ``max_body_bytes``; tools and MCP (parsed
    here) ``max_tool_body_bytes``."""

    def __init__(self, app: Any, limits: Limits, max_in_flight_bytes: int | None = None) -> None:
        self.app = app
        self.limits = limits
        self.max_in_flight = max_in_flight_bytes or 32 * max(
            limits.max_body_bytes, limits.max_tool_body_bytes
        )
        self.in_flight = 0

    def bound(self, path: str) -> int:
        if path.startswith("/v1/"):
            return self.limits.max_body_bytes
        return self.limits.max_tool_body_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        bound = self.bound(path)
        declared: int | None = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit():
                    await self._refuse(scope, send, 400, "bad_content_length", "Bad length.")
                    return
                declared = int(value)
        if declared is not None and declared > bound:
            await self._refuse(scope, send, 413, "body_too_large", self._too_large(bound))
            return
        buf = bytearray()
        held = 0
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunk = message.get("body", b"")
                if len(buf) + len(chunk) > bound:
                    await self._refuse(scope, send, 413, "body_too_large", self._too_large(bound))
                    return
                if chunk:
                    if self.in_flight + len(chunk) > self.max_in_flight:
                        await self._refuse(
                            scope, send, 503, "sidecar_busy", "Too many request bodies at once."
                        )
                        return
                    self.in_flight += len(chunk)
                    held += len(chunk)
                    buf += chunk
                if not message.get("more_body", False):
                    break
            first: dict[str, Any] | None = {
                "type": "http.request",
                "body": bytes(buf),
                "more_body": False,
            }
            del buf

            async def replay() -> dict[str, Any]:
                nonlocal first
                if first is not None:
                    message, first = first, None
                    return message
                return await receive()

            await self.app(scope, replay, send)
        finally:
            self.in_flight -= held

    @staticmethod
    def _too_large(bound: int) -> str:
        return f"The request body exceeds {bound} bytes."

    async def _refuse(self, scope: Any, send: Any, status: int, code: str, detail: str) -> None:
        if scope.get("path", "").startswith("/v1/"):  # OpenAI clients read this shape
            kind = "invalid_request_error" if status < 500 else "api_error"
            response: JSONResponse = JSONResponse(
                {"error": {"message": detail, "type": kind, "code": code}}, status_code=status
            )
        else:
            response = problem_response(ToolError(status, code, detail))
        response.headers["Connection"] = "close"  # the unread rest must not become a request
        await response(scope, _no_receive, send)


async def _no_receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def _description(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip()


def _make_endpoint(tool: str):
    async def endpoint(request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            args: Any = json.loads(raw) if raw.strip() else None
        except ValueError:
            args = None
        if not isinstance(args, dict):
            # Still a call of the tool (logged in evaluation mode); validation
            # rejects anything but a JSON object with a 422.
            args = raw.decode("utf-8", "replace")[:1000] or "<empty body>"
        return await _run(request, tool, args)

    endpoint.__name__ = tool.replace(".", "_")
    return endpoint


async def _run(request: Request, tool: str, args: Any) -> JSONResponse:
    app = request.app
    registry: RunRegistry | None = app.state.registry
    state = None
    if registry is not None:
        state = registry.get(request.headers.get(TOKEN_HEADER))
        if state is None:
            return problem_response(
                ToolError(401, "unknown_run_token", f"Missing or unknown {TOKEN_HEADER} header.")
            )
    out = await execute(
        app.state.plant,
        registry,
        state,
        tool,
        args,
        writes=app.state.wo_writes,
        token=request.headers.get(TOKEN_HEADER),
    )
    if out.error is not None:
        return problem_response(out.error)
    return FastJSONResponse(out.body)


def _json_body_of(model: type[BaseModel]) -> dict:
    """``openapi_extra`` declaring a required JSON body of ``model`` (the endpoint reads the raw
    body itself, so FastAPI cannot infer it). A fresh dict per route: FastAPI merges into it."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def build_routers() -> list[APIRouter]:
    routers = []
    for family in FAMILIES:
        router = APIRouter(prefix=f"/{family}", tags=[family])
        for name, model in T.TOOL_ARGS.items():
            if T.family_of(name) != family:
                continue
            short = name.split(".", 1)[1]
            router.add_api_route(
                f"/{short}",
                _make_endpoint(name),
                methods=["POST"],
                name=name,
                summary=name,
                description=TOOL_DOCS.get(name, ""),
                responses=ERROR_RESPONSES,
                response_model=None,
                openapi_extra=_json_body_of(model),
            )
        for alias, target in T.TOOL_ALIASES.items():
            if T.family_of(alias) == family:
                # an upstream tool (issue 20) has its own argument model
                model = U.UPSTREAM_TOOLS.get(alias, (target, T.TOOL_ARGS[target]))[1]
                router.add_api_route(
                    f"/{alias.split('.', 1)[1]}",
                    _make_endpoint(alias),
                    methods=["POST"],
                    name=alias,
                    summary=f"{alias} (alias of {target})",
                    description=_description(model),
                    responses=ERROR_RESPONSES,
                    response_model=None,
                    openapi_extra=_json_body_of(model),
                )
        router.add_api_route(
            "/{tool_name}", _make_unknown(family), methods=["POST"], include_in_schema=False
        )
        routers.append(router)
    return routers


def _make_unknown(family: str):
    async def unknown(request: Request, tool_name: str) -> JSONResponse:
        return await _run(request, f"{family}.{tool_name}", {})

    return unknown


TOOL_DOCS = {
    "iot.sites": "List the sites.",
    "iot.assets": "List the assets (chillers, AHUs) of a site.",
    "iot.sensors": "List the sensors of an asset.",
    "iot.get_asset": "Metadata of an asset (maker, model, capacity, sensors, telemetry window).",
    "iot.history": "Telemetry of an asset in [start, final), paginated, optionally aggregated; "
    "returns a dataset_id for TSFM tools and utilities.json_reader.",
    "utilities.current_date_time": "The simulated 'now' of the plant.",
    "utilities.json_reader": "Read the rows of a dataset_id (paginated).",
    "utilities.ask_operator": "Ask the operator who wrote the task what they meant. A question "
    "naming what is ambiguous (which asset, sensor, window, unit, work order, or a candidate) "
    "gets a specific answer, a vague question a vague one; on a clear task the answer is "
    "'the task is clear as stated' (asking then costs credit).",
    "fmsr.get_failure_modes": "Failure modes of an asset or asset type.",
    "fmsr.get_failure_mode_sensor_mapping": "Failure mode <-> sensor relevance, both directions.",
    "tsfm.get_ai_tasks": "Supported analytics tasks.",
    "tsfm.get_tsfm_models": "Available forecasting and anomaly-detection models.",
    "tsfm.run_tsfm_forecasting": "Forecast dataset columns forecast_horizon steps ahead.",
    "tsfm.run_tsad": "Anomaly detection on dataset columns; anomalous windows with scores.",
    "wo.list_workorders": "Filter work orders (site, equipment, status, priority, type, code, "
    "reported-date range), paginated.",
    "wo.get_workorder": "One work order by number.",
    "wo.list_events": "Alert, anomaly and work-order events of one equipment id.",
    "wo.list_alert_rules": "Alert rules (optionally for one equipment id).",
    "wo.get_workorder_kpis": "Work-order KPIs (counts, MTTR, MTBF, PM ratio, costs).",
    "wo.get_failure_code_distribution": "Counts of corrective work orders by failure code.",
    "wo.get_failure_codes": "The failure-code catalog (codes, descriptions, failure modes).",
    "wo.create_workorder": "Create a work order (WAPPR) on an asset, with priority 1-5, work "
    "type CM/PM, optional failure code and a description. Per run: only this run sees it.",
    "wo.update_workorder": "Change priority, failure code and/or description of an open work "
    "order (WAPPR, APPR, INPRG).",
    "wo.assign_workorder": "Assign an open work order to a technician or crew.",
    "wo.approve_workorder": "Approve a work order waiting for approval (WAPPR -> APPR).",
    "wo.close_workorder": "Close an approved, in-progress or completed work order (-> CLOSE), "
    "optionally with resolution notes and the failure code found.",
    "wo.cancel_workorder": "Cancel an open work order (WAPPR, APPR, INPRG -> CAN), optionally "
    "with a reason.",
}


def _flatten_nullable(schema: Any) -> Any:
    """``anyOf: [X, {type: null}]`` -> X with ``type: [t, "null"]`` (same meaning in
    OpenAPI 3.1, and understood by more tools than the anyOf form)."""
    if isinstance(schema, list):
        return [_flatten_nullable(x) for x in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _flatten_nullable(v) for k, v in schema.items()}
    alts = out.get("anyOf")
    if isinstance(alts, list) and len(alts) == 2 and {"type": "null"} in alts:
        other = next(a for a in alts if a != {"type": "null"})
        if isinstance(other.get("type"), str) and "$ref" not in other:
            merged = {**other, "type": [other["type"], "null"]}
            if "enum" in merged:
                merged["enum"] = [*merged["enum"], None]
            del out["anyOf"]
            out = {**merged, **out}
    return out


class McpHub:
    """Starts the MCP servers after the REST side is up (importing ``mcp`` is a
    large part of cold start). An MCP request that arrives earlier waits for
    them instead of failing."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.servers: dict[str, Any] = {}
        self.error: str | None = None

    async def serve(self, app: FastAPI) -> None:
        try:
            module = await asyncio.to_thread(
                importlib.import_module, "services.assetdata.mcp_server"
            )
            async with contextlib.AsyncExitStack() as stack:
                for family in FAMILIES:
                    server = module.build(family)
                    server.handler = server.asgi(app)
                    await stack.enter_async_context(server.run())
                    self.servers[family] = server
                self.ready.set()
                await self.stop.wait()
        except Exception as exc:  # pragma: no cover - surfaced to MCP clients as 503
            logging.getLogger(__name__).exception("MCP servers failed to start")
            self.error = str(exc)
            self.ready.set()

    def endpoint(self, family: str):
        async def asgi(scope, receive, send) -> None:
            if scope["type"] == "http":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.ready.wait(), timeout=30)
                server = self.servers.get(family)
                if server is None or self.error:
                    exc = ToolError(503, "mcp_unavailable", self.error or "MCP is starting.")
                    await problem_response(exc)(scope, receive, send)
                    return
                await server.handler(scope, receive, send)

        return asgi


def _local_swagger_assets() -> str | None:
    """A directory with swagger-ui-bundle.js and swagger-ui.css installed in
    this environment (litellm, a project dependency, ships them), if any."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(next(iter(spec.submodule_search_locations))) / "proxy" / "swagger"
    ok = (d / "swagger-ui-bundle.js").is_file() and (d / "swagger-ui.css").is_file()
    return str(d) if ok else None


def health_facts(app: FastAPI) -> dict[str, Any]:
    """What ``/healthz`` answers (and the ready line prints, ``__main__``):
    the plant the service serves, by seed and content hash."""
    p: Plant = app.state.plant
    return {
        "status": "ok",
        "seed": p.seed,
        "content_hash": p.content_hash,
        "evaluation_mode": app.state.registry is not None,
        "now": p.now.isoformat(),
    }


def create_app(
    plant: Plant | None = None,
    seed: int = DEFAULT_SEED,
    runs_dir: Path | None = None,
    timeout_delay: float = 1.0,
    limits: Limits | None = None,
) -> FastAPI:
    limits = limits or Limits.from_settings()
    registry = RunRegistry(runs_dir, timeout_delay, limits) if runs_dir is not None else None
    hub = McpHub()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if app.state.plant is None:
            app.state.plant = load_plant(seed)
        task = asyncio.create_task(hub.serve(app))
        try:
            yield
        finally:
            hub.stop.set()
            await task

    swagger_dir = _local_swagger_assets()
    app = FastAPI(
        docs_url=None if swagger_dir else "/docs",
        title="AssetOps Arena asset-data service",
        version="1.0",
        description="Simulated chiller/AHU plant exposed as IoT, FMSR, TSFM, WO and utilities "
        "tools (REST here, MCP at /mcp/{family}/). Errors are problem+json with a stable `code`.",
        lifespan=lifespan,
    )
    app.state.plant = plant
    app.state.registry = registry
    app.state.limits = limits
    app.state.wo_writes = WriteStore()  # per-run work-order overlays (issue 17)
    app.add_middleware(BodyLimit, limits=limits)
    for r in build_routers():
        app.include_router(r)
    if os.environ.get("ARENA_GATEWAY_SOCKET"):  # imported only when used (cold start)
        from services.assetdata.gateway_forwarder import include_gateway  # LLM relay

        include_gateway(app)
    app.state.mcp = hub
    for family in FAMILIES:
        app.mount(f"/mcp/{family}", hub.endpoint(family))

    if swagger_dir:
        # Swagger UI from files shipped in the environment, so /docs works offline.
        from fastapi.openapi.docs import get_swagger_ui_html
        from fastapi.staticfiles import StaticFiles

        app.mount("/_swagger", StaticFiles(directory=swagger_dir), name="swagger")

        @app.get("/docs", include_in_schema=False)
        async def docs() -> Any:
            return get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{app.title} - docs",
                swagger_js_url="/_swagger/swagger-ui-bundle.js",
                swagger_css_url="/_swagger/swagger-ui.css",
                swagger_favicon_url="/_swagger/favicon.png",
            )

    @app.get("/", tags=["service"], summary="Index: tools, docs and MCP endpoints")
    async def index() -> dict[str, Any]:
        return {
            "service": app.title,
            "docs": "/docs",
            "openapi": "/openapi.json",
            "rest": {
                f: [f"/{n.replace('.', '/')}" for n in T.TOOL_ARGS if T.family_of(n) == f]
                for f in FAMILIES
            },
            "mcp": {f: f"/mcp/{f}/" for f in FAMILIES},
            "aliases": T.TOOL_ALIASES,
        }

    @app.get("/healthz", tags=["service"], summary="Liveness and plant facts")
    async def healthz() -> dict[str, Any]:
        return health_facts(app)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            ToolError(
                422,
                "invalid_arguments",
                "Invalid request.",
                {"errors": json.loads(json.dumps(exc.errors(), default=str))},
            )
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem_response(ToolError(exc.status_code, code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        # Never a bare 500 page: a problem body the agent can read.
        return problem_response(ToolError(500, "internal_error", "Unexpected server error."))

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        upstream_models = {m for _t, m in U.UPSTREAM_TOOLS.values()}
        for model in {*T.TOOL_ARGS.values(), *upstream_models, Problem}:
            comps[model.__name__] = _flatten_nullable(
                model.model_json_schema(ref_template="#/components/schemas/{model}")
            )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app

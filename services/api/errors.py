"""RFC 9457 problem+json errors with stable machine codes.

Every error the api returns has ``type``, ``title``, ``status``, ``detail``
and ``code``; clients switch on ``code`` (stable), never on wording. The
full list of codes is in docs/api.md.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://assetops-arena.invalid/problems/"
log = logging.getLogger("arena.api.errors")


class Problem(BaseModel):
    """The error body (media type application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("_", " ").capitalize()
        self.headers = headers
        self.extra = extra


def problem_response(
    status: int,
    code: str,
    detail: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    411: "length_required",
    413: "too_large",
    415: "unsupported_media_type",
}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Location and message only: echoing the input back could reflect
    # megabytes or secrets into the response.
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", ""))[:200],
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()[:20]
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return problem_response(
            exc.status, exc.code, exc.detail, exc.title, exc.headers, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            422,
            "invalid_request",
            "The request parameters or body are invalid.",
            errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        detail = exc.detail if isinstance(exc.detail, str) else code
        return problem_response(
            exc.status_code, code, detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"path": request.url.path, "error": type(exc).__name__})
        return problem_response(500, "internal_error", "Unexpected server error.")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entry documenting problem bodies (the media
    type is fixed up by ``problem_openapi``)."""
    return {s: {"model": Problem, "description": "Problem"} for s in statuses}


def problem_openapi(app: FastAPI) -> None:
    """Every 4xx/5xx in the schema is ``application/problem+json`` with the
    Problem body, including FastAPI's built-in 422 (which it documents as
    ``HTTPValidationError`` JSON, not what this api sends)."""
    from fastapi.openapi.utils import get_openapi

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        ref = {"$ref": "#/components/schemas/Problem"}
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                for code, response in op.get("responses", {}).items():
                    if code[:1] in ("4", "5"):
                        response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": ref}}
                        response.setdefault("description", "Problem")
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]

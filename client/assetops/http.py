"""The CLI's only way to the server: a thin httpx client that turns HTTP
errors into ``ApiError`` with a stable exit code and a human sentence.

Errors follow RFC 9457 problem+json (``type``, ``title``, ``status``,
``detail`` and the api's stable ``code``); FastAPI's plain ``{"detail": ...}``
bodies and non-JSON bodies are understood too, so a proxy's HTML 502 still
gives a readable message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import httpx

from client.assetops import __version__

API_PREFIX = "/api/v1"


class ExitCode(IntEnum):
    """Process exit codes, stable for scripts (documented in docs/quickstart.md)."""

    OK = 0
    ERROR = 1  # unexpected
    USAGE = 2  # bad command line (typer/click's own code)
    AUTH = 3  # 401/403, or no token configured
    QUOTA = 4  # 429/409: daily quota, too many running, phase closed
    INVALID = 5  # 400/413/415/422: the server rejected the input (problem+json)
    NOT_FOUND = 6  # 404
    UNAVAILABLE = 7  # connection refused, timeout, 5xx
    SUBMISSION_FAILED = 8  # `status --watch` ended in failed/cancelled
    LOCAL = 9  # local prerequisite missing (docker engine, image not found)


@dataclass
class ApiError(Exception):
    exit_code: ExitCode
    message: str
    status: int | None = None
    code: str | None = None
    detail: Any = None
    hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "error": self.code or self.exit_code.name.lower(),
            "message": self.message,
            "status": self.status,
            "hint": self.hint,
            "exit_code": int(self.exit_code),
        }


def _exit_code_for(status: int) -> ExitCode:
    if status in (401, 403):
        return ExitCode.AUTH
    if status in (409, 429):
        return ExitCode.QUOTA
    if status == 404:
        return ExitCode.NOT_FOUND
    if status >= 500:
        return ExitCode.UNAVAILABLE
    if 400 <= status < 500:
        return ExitCode.INVALID
    return ExitCode.ERROR


_HINTS: dict[ExitCode, str] = {
    ExitCode.AUTH: "check your token: `assetops login --url URL --token TOKEN`",
    ExitCode.QUOTA: "wait for a running submission to finish or for the daily quota "
    "to reset (`assetops list` shows what counts)",
    ExitCode.UNAVAILABLE: "is the server up? `assetops login --url` sets its address",
}


def _validation_summary(detail: Any) -> str | None:
    """FastAPI/pydantic 422 ``detail`` list → "field: message; ..."."""
    if not isinstance(detail, list):
        return None
    parts = []
    for item in detail[:5]:
        if isinstance(item, dict):
            loc = ".".join(str(p) for p in item.get("loc", []) if p not in ("body", "query"))
            parts.append(f"{loc}: {item.get('msg', '')}".strip(": "))
    return "; ".join(parts) or None


def error_from_response(response: httpx.Response) -> ApiError:
    status = response.status_code
    exit_code = _exit_code_for(status)
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    code: str | None = None
    message: str | None = None
    detail: Any = None
    extra: dict[str, Any] = {}
    if isinstance(body, dict):
        code = body.get("code") or None
        if not code and isinstance(body.get("type"), str) and body["type"] != "about:blank":
            code = body["type"].rstrip("/").rsplit("/", 1)[-1] or None
        detail = body.get("detail")
        title = body.get("title")
        if isinstance(detail, str):
            message = f"{title}: {detail}" if title and title not in detail else detail
        else:
            message = _validation_summary(detail) or title
        extra = {
            k: v
            for k, v in body.items()
            if k not in ("type", "title", "status", "detail", "code", "instance")
        }
    if not message:
        text = response.text.strip()
        message = (
            text[:200] if text and not text.lstrip().startswith("<") else response.reason_phrase
        )
    retry_after = response.headers.get("retry-after")
    hint = _HINTS.get(exit_code)
    if retry_after and exit_code is ExitCode.QUOTA:
        hint = f"retry after {retry_after} s; " + (hint or "")
    return ApiError(
        exit_code=exit_code,
        message=f"HTTP {status}: {message}",
        status=status,
        code=code,
        detail=detail,
        hint=hint,
        extra=extra,
    )


def _transport_error(url: str, exc: httpx.TransportError) -> ApiError:
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "unreachable"
    return ApiError(
        exit_code=ExitCode.UNAVAILABLE,
        message=f"server {kind} at {url} ({exc.__class__.__name__})",
        code="unreachable",
        hint=_HINTS[ExitCode.UNAVAILABLE],
    )


class ApiClient:
    """One httpx.Client bound to a server URL and (optionally) a bearer token.

    ``transport`` is injectable so tests can use ``httpx.MockTransport``.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        headers = {"User-Agent": f"assetops-cli/{__version__}", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url
        self.has_token = bool(token)
        self._client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_token(self) -> None:
        if not self.has_token:
            raise ApiError(
                exit_code=ExitCode.AUTH,
                message="not logged in",
                code="no_token",
                hint=_HINTS[ExitCode.AUTH],
            )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise _transport_error(self.base_url, exc) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def get_json(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return self.request("GET", path, params=clean).json()

    def post_json(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = self.request("POST", path, json=payload or {})
        return response.json() if response.content else {}

    def upload(
        self,
        path: str,
        chunks: Iterable[bytes],
        *,
        params: dict[str, Any],
        content_type: str = "application/x-tar",
        timeout: float = 3600.0,
    ) -> Any:
        """POST a streamed body (chunked transfer; nothing buffered here)."""
        response = self.request(
            "POST",
            path,
            content=_as_iterator(chunks),
            params={k: v for k, v in params.items() if v is not None},
            headers={"Content-Type": content_type},
            timeout=httpx.Timeout(timeout, connect=10.0),
        )
        return response.json()


def _as_iterator(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks

"""How the page gets its data: in-process requests to the api's own JSON
endpoints (httpx ASGITransport, no socket).

Going through the public endpoints rather than the service layer keeps the
page a pure client: it sees exactly what any poller sees, access rules
(public vs private phases, a team seeing only its own submissions) are
enforced by the api and nowhere else, and the page cannot drift from
docs/api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp

API = "/api/v1"


@dataclass(frozen=True)
class ApiReply:
    status: int
    body: Any
    etag: str | None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class PageData:
    def __init__(self, app: ASGIApp, authorization: str | None = None) -> None:
        self._app = app
        self._headers = {"Accept": "application/json", "X-Arena-Page": "1"}
        if authorization:
            self._headers["Authorization"] = authorization

    async def _get(self, path: str, **params: Any) -> ApiReply:
        transport = httpx.ASGITransport(app=self._app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://arena.page", headers=self._headers
        ) as client:
            response = await client.get(
                path, params={k: v for k, v in params.items() if v not in (None, "")}
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        return ApiReply(response.status_code, body, response.headers.get("etag"))

    async def leaderboard(self, phase: int | None, track: str | None, page_size: int) -> ApiReply:
        return await self._get(f"{API}/leaderboard", phase=phase, track=track, page_size=page_size)

    async def phases(self) -> ApiReply:
        return await self._get(f"{API}/phases")

    async def failure_catalog(self) -> ApiReply:
        return await self._get(f"{API}/failures/catalog", page_size=200)

    async def my_submissions(self, limit: int = 20) -> ApiReply:
        return await self._get(f"{API}/submissions", limit=limit)

    async def failures_of(self, submission_id: str) -> ApiReply:
        return await self._get(f"{API}/submissions/{submission_id}/failures")

"""The leaderboard's two use cases as the routes call them (one call each):
choose the phase and track, check that the caller may see the board, and
answer from the ETag and body caches, reaching the database only on a miss.

Async on purpose: a revalidation that hits the per-process phase-head cache
answers 304 without a thread hop or a database round trip; misses, auth for
private phases and rendering run in the threadpool."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.api.deps import authenticate, bearer_token
from services.api.errors import ApiError
from services.api.leaderboard import service
from services.store.db import session_factory


def _with_session(request: Request, fn: Callable):  # noqa: ANN202
    def run():  # noqa: ANN202
        with session_factory(request.app.state.settings.database_url)() as session:
            return fn(session)

    return run_in_threadpool(run)


async def _head(request: Request, phase_id: int) -> service.PhaseHead:
    heads: service.HeadCache = request.app.state.phase_heads
    now = time.monotonic()
    head = heads.get(phase_id, now)
    if head is None:
        head = await _with_session(request, lambda s: service.phase_head(s, phase_id))
        heads.put(head, now)
    return head


async def _is_admin(request: Request) -> bool:
    token = bearer_token(request)
    if token is None:
        return False
    principal = await _with_session(request, lambda s: authenticate(request, s, token))
    return principal.is_admin


async def _ensure_visible(request: Request, head: service.PhaseHead) -> None:
    if head.visibility != "public" and not await _is_admin(request):
        # Same answer as a missing phase: private boards are not advertised.
        raise ApiError(404, "phase_not_found", f"No phase {head.id}.")


async def _respond(request: Request, tag: str, public: bool, render: Callable) -> Response:
    max_age = request.app.state.settings.leaderboard_max_age_seconds
    cache = f"public, max-age={max_age}, must-revalidate" if public else "private, no-cache"
    headers = {"ETag": tag, "Cache-Control": cache}
    if service.etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    body = service.CACHE.get(tag)
    if body is None:
        body = await _with_session(request, render)
        service.CACHE.put(tag, body)
    return Response(body, media_type="application/json", headers=headers)


async def board(
    request: Request, phase: int | None, track: str | None, page: int, page_size: int
) -> Response:
    """``GET /api/v1/leaderboard``: without ``phase`` the latest phase the
    caller may see; without ``track`` the phase's default track."""
    if phase is None:
        admin = await _is_admin(request)
        phase = await _with_session(request, lambda s: service.latest_phase_id(s, track, admin))
    head = await _head(request, phase)
    await _ensure_visible(request, head)
    chosen = track or head.default_track or head.tracks[0]
    if chosen not in head.tracks:
        raise ApiError(
            422, "track_not_in_phase", f"Phase {head.id} has tracks {', '.join(head.tracks)}."
        )
    tag = service.etag("lb", head, chosen, page, page_size)
    return await _respond(
        request,
        tag,
        head.visibility == "public",
        lambda s: service.render_board(s, head, chosen, page, page_size),
    )


async def codabench_board(request: Request, phase_id: int, page: int, page_size: int) -> Response:
    """``GET /api/phases/{id}/get_leaderboard/``: every track of the phase."""
    head = await _head(request, phase_id)
    await _ensure_visible(request, head)
    tag = service.etag("cb", head, "all", page, page_size)
    return await _respond(
        request,
        tag,
        head.visibility == "public",
        lambda s: service.render_codabench(s, head, page, page_size),
    )

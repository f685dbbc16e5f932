"""Leaderboard routes (public phases: anonymous; private phases: admins).

Async on purpose: a revalidation that hits the per-process phase-head cache
answers 304 without a thread hop or a database round trip; misses, auth for
private phases and rendering run in the threadpool."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from services.api.deps import authenticate, bearer_token
from services.api.errors import ApiError, responses
from services.api.leaderboard import service
from services.api.leaderboard.schemas import CbLeaderboard, Leaderboard
from services.api.phases.schemas import Track
from services.store.db import session_factory

router = APIRouter(tags=["leaderboard"])


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


OK_304 = {200: {"description": "The board"}, 304: {"description": "Not modified (ETag matched)"}}


@router.get(
    "/api/v1/leaderboard",
    response_model=Leaderboard,
    responses={**OK_304, **responses(401, 404, 422)},
)
async def leaderboard(
    request: Request,
    phase: int | None = Query(
        None, ge=1, le=2**31 - 1, description="default: the latest public phase"
    ),
    track: Track | None = Query(
        None,
        description="default: the phase's track with the most recent finished submission "
        "(none yet: execution if the phase has it, else its first track)",
    ),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> Response:
    """Best finished submission per team; ties go to the earlier submission.
    Without ``track``: the phase's track with the most recent finished
    submission (docs/api.md, "Default board").
    Send the last ``ETag`` as ``If-None-Match`` to get a 304 when unchanged."""
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


@router.get(
    "/api/phases/{phase_id}/get_leaderboard/",
    response_model=CbLeaderboard,
    responses={**OK_304, **responses(401, 404, 422)},
)
async def codabench_leaderboard(
    request: Request,
    phase_id: int = Path(ge=1, le=2**31 - 1),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=500),
) -> Response:
    """Codabench's shape (title, id, submissions[], tasks[], primary_index);
    tasks are the tracks, column index 0 (overall) is primary."""
    head = await _head(request, phase_id)
    await _ensure_visible(request, head)
    tag = service.etag("cb", head, "all", page, page_size)
    return await _respond(
        request,
        tag,
        head.visibility == "public",
        lambda s: service.render_codabench(s, head, page, page_size),
    )

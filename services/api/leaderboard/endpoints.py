"""Leaderboard routes (public phases: anonymous; private phases: admins).

Both boards answer ``If-None-Match`` with 304 after one primary-key read."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from services.api.deps import SessionDep, SettingsDep, bearer_token, resolve_principal
from services.api.errors import ApiError, responses
from services.api.leaderboard import service
from services.api.leaderboard.schemas import CbLeaderboard, Leaderboard
from services.api.phases.schemas import Track

router = APIRouter(tags=["leaderboard"])


def _can_see_private(request: Request, session: Session) -> bool:
    token = bearer_token(request)
    return token is not None and resolve_principal(session, token).is_admin


def _ensure_visible(request: Request, session: Session, head: service.PhaseHead) -> None:
    if head.visibility != "public" and not _can_see_private(request, session):
        # Same answer as a missing phase: private boards are not advertised.
        raise ApiError(404, "phase_not_found", f"No phase {head.id}.")


def _respond(request: Request, tag: str, public: bool, max_age: int, render) -> Response:
    cache = f"public, max-age={max_age}, must-revalidate" if public else "private, no-cache"
    headers = {"ETag": tag, "Cache-Control": cache}
    if service.etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    body = service.CACHE.get(tag)
    if body is None:
        body = render()
        service.CACHE.put(tag, body)
    return Response(body, media_type="application/json", headers=headers)


OK_304 = {200: {"description": "The board"}, 304: {"description": "Not modified (ETag matched)"}}


@router.get(
    "/api/v1/leaderboard",
    response_model=Leaderboard,
    responses={**OK_304, **responses(401, 404, 422)},
)
def leaderboard(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    phase: int | None = Query(None, ge=1, le=2**31 - 1, description="default: latest phase"),
    track: Track | None = Query(None, description="default: the phase's first track"),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> Response:
    """Best finished submission per team; ties go to the earlier submission.
    Send the last ``ETag`` as ``If-None-Match`` to get a 304 when unchanged."""
    if phase is None:
        phase = service.latest_phase_id(session, track, _can_see_private(request, session))
    head = service.phase_head(session, phase)
    _ensure_visible(request, session, head)
    chosen = track or head.tracks[0]
    if chosen not in head.tracks:
        raise ApiError(
            422, "track_not_in_phase", f"Phase {head.id} has tracks {', '.join(head.tracks)}."
        )
    tag = service.etag("lb", head, chosen, page, page_size)
    return _respond(
        request,
        tag,
        head.visibility == "public",
        settings.leaderboard_max_age_seconds,
        lambda: service.render_board(session, head, chosen, page, page_size),
    )


@router.get(
    "/api/phases/{phase_id}/get_leaderboard/",
    response_model=CbLeaderboard,
    responses={**OK_304, **responses(401, 404, 422)},
)
def codabench_leaderboard(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    phase_id: int = Path(ge=1, le=2**31 - 1),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=500),
) -> Response:
    """Codabench's shape (title, id, submissions[], tasks[], primary_index);
    tasks are the tracks, column index 0 (overall) is primary."""
    head = service.phase_head(session, phase_id)
    _ensure_visible(request, session, head)
    tag = service.etag("cb", head, "all", page, page_size)
    return _respond(
        request,
        tag,
        head.visibility == "public",
        settings.leaderboard_max_age_seconds,
        lambda: service.render_codabench(session, head, page, page_size),
    )

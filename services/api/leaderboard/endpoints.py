"""Leaderboard routes (public phases: anonymous; private phases: admins);
each is one call of services/api/leaderboard/reader.py (async: see there)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from services.api.errors import responses
from services.api.leaderboard import reader
from services.api.leaderboard.schemas import CbLeaderboard, Leaderboard
from services.api.phases.schemas import Track

router = APIRouter(tags=["leaderboard"])


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
    return await reader.board(request, phase, track, page, page_size)


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
    return await reader.codabench_board(request, phase_id, page, page_size)

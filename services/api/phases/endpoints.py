from __future__ import annotations

from fastapi import APIRouter, Path, Query

from services.api.deps import CurrentPrincipal, SessionDep
from services.api.errors import responses
from services.api.phases import service
from services.api.phases.schemas import CanSubmitOut, PhaseOut, Track
from services.store.submissions import utcnow

router = APIRouter(tags=["phases"])


@router.get("/api/v1/phases", response_model=list[PhaseOut])
def list_phases(session: SessionDep) -> list[PhaseOut]:
    """All phases (public metadata: dates, tracks, quotas)."""
    return service.list_out(session, utcnow())


@router.get("/api/v1/phases/{phase_id}", response_model=PhaseOut, responses=responses(404))
def get_phase(session: SessionDep, phase_id: int = Path(ge=1, le=2**31 - 1)) -> PhaseOut:
    return service.get_out(session, phase_id, utcnow())


def _can(
    session: SessionDep, principal: CurrentPrincipal, phase_id: int, track: Track | None
) -> CanSubmitOut:
    return service.can_submit_for(session, principal.team_id, phase_id, track, utcnow())


@router.get(
    "/api/v1/phases/{phase_id}/can_make_submission",
    response_model=CanSubmitOut,
    responses=responses(401, 403, 404),
)
def can_make_submission(
    session: SessionDep,
    principal: CurrentPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
    track: Track | None = None,
) -> CanSubmitOut:
    """Would an upload to this phase (and track) be accepted right now?"""
    return _can(session, principal, phase_id, track)


@router.get(
    "/api/can_make_submission/{phase_id}/",
    response_model=CanSubmitOut,
    responses=responses(401, 403, 404),
)
def can_make_submission_codabench(
    session: SessionDep,
    principal: CurrentPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
    track: Track | None = Query(None),
) -> CanSubmitOut:
    """Codabench-compatible alias: ``{"can": bool, "reason": ...}`` plus quota fields."""
    return _can(session, principal, phase_id, track)

from __future__ import annotations

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from services.api.deps import CurrentPrincipal, SessionDep
from services.api.errors import ApiError, responses
from services.api.phases import service
from services.api.phases.schemas import CanSubmitOut, PhaseOut, Track
from services.store.models import Phase
from services.store.submissions import utcnow

router = APIRouter(tags=["phases"])


@router.get("/api/v1/phases", response_model=list[PhaseOut])
def list_phases(session: SessionDep) -> list[PhaseOut]:
    """All phases (public metadata: dates, tracks, quotas)."""
    now = utcnow()
    return [service.to_out(p, now) for p in session.scalars(select(Phase).order_by(Phase.id))]


@router.get("/api/v1/phases/{phase_id}", response_model=PhaseOut, responses=responses(404))
def get_phase(session: SessionDep, phase_id: int = Path(ge=1, le=2**31 - 1)) -> PhaseOut:
    return service.to_out(service.get_phase(session, phase_id), utcnow())


def _can(
    session: SessionDep, principal: CurrentPrincipal, phase_id: int, track: Track | None
) -> CanSubmitOut:
    if principal.team_id is None:
        raise ApiError(403, "team_required", "Only team (participant) tokens can submit.")
    phase = service.get_phase(session, phase_id)
    return service.can_submit(session, principal.team_id, phase, track, utcnow())


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

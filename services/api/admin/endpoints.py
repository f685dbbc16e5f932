"""Admin routes (admin-scope tokens only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Path, Request

from services.api.admin import service
from services.api.admin.schemas import (
    HideIn,
    PackComparisonOut,
    PhaseIn,
    PhasePatch,
    RerunOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from services.api.deps import AdminPrincipal, SessionDep, SettingsDep
from services.api.errors import responses
from services.api.leaderboard.service import invalidate_heads
from services.api.phases.schemas import PhaseOut, Track
from services.api.submissions.schemas import SubmissionOut
from services.store.submissions import utcnow


def _invalidate_board_heads(request: Request) -> Iterator[None]:
    """Admin writes (hide, rerun, phase/team edits) change boards: drop this
    process's cached phase heads so the next poll sees the new version."""
    yield
    invalidate_heads(request.app.state)


router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    responses=responses(401, 403, 422),
    dependencies=[Depends(_invalidate_board_heads)],
)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(session: SessionDep, _: AdminPrincipal) -> list[TeamOut]:
    return service.list_teams(session)


@router.post("/teams", response_model=TeamOut, status_code=201, responses=responses(409))
def create_team(body: TeamIn, session: SessionDep, _: AdminPrincipal) -> TeamOut:
    return service.add_team(session, body)


@router.patch("/teams/{team_id}", response_model=TeamOut, responses=responses(404))
def rename_team(
    body: TeamPatch, session: SessionDep, _: AdminPrincipal, team_id: int = Path(ge=1, le=2**31 - 1)
) -> TeamOut:
    return service.rename_team(session, team_id, body.display_name)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(session: SessionDep, _: AdminPrincipal) -> list[TokenOut]:
    return service.list_tokens(session)


@router.post("/tokens", response_model=TokenCreated, status_code=201, responses=responses(404))
def create_token(body: TokenIn, session: SessionDep, _: AdminPrincipal) -> TokenCreated:
    """Create a token; the plaintext is in this response only."""
    return service.create_token(session, body.scope, body.team, body.label)


@router.delete("/tokens/{key_id}", response_model=TokenOut, responses=responses(404))
def revoke_token(
    session: SessionDep, _: AdminPrincipal, key_id: str = Path(pattern=r"^[0-9a-f]{16}$")
) -> TokenOut:
    return service.revoke_token(session, key_id, utcnow())


@router.post("/phases", response_model=PhaseOut, status_code=201)
def create_phase(body: PhaseIn, session: SessionDep, _: AdminPrincipal) -> PhaseOut:
    return service.add_phase(session, body)


@router.patch("/phases/{phase_id}", response_model=PhaseOut, responses=responses(404))
def patch_phase(
    body: PhasePatch,
    session: SessionDep,
    _: AdminPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
) -> PhaseOut:
    return service.patch_phase(session, phase_id, body)


@router.get(
    "/phases/{phase_id}/pack-comparison",
    response_model=PackComparisonOut,
    responses=responses(404, 422),
)
def pack_comparison(
    session: SessionDep,
    _: AdminPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
    track: Track | None = None,
) -> PackComparisonOut:
    """Public-set score beside the leaderboard score, per team, with the rank
    correlation (phases with ``compare_public_pack``)."""
    return service.pack_comparison(session, phase_id, track)


@router.post(
    "/submissions/{submission_id}/hide", response_model=SubmissionOut, responses=responses(404)
)
def hide_submission(
    body: HideIn, session: SessionDep, _: AdminPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Hide (or unhide) a submission from every leaderboard."""
    return service.set_hidden(session, submission_id, body.hidden)


@router.post(
    "/submissions/{submission_id}/rerun",
    response_model=SubmissionOut,
    responses=responses(404, 409),
)
def rerun_submission(
    session: SessionDep, settings: SettingsDep, _: AdminPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Re-run (= rescore) a final submission from its retained archive."""
    return service.rerun_submission(session, settings, submission_id)


@router.post("/phases/{phase_id}/rerun", response_model=RerunOut, responses=responses(404))
def rerun_phase(
    session: SessionDep,
    settings: SettingsDep,
    _: AdminPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
) -> RerunOut:
    """Re-run every final submission of a phase whose archive is retained."""
    return service.rerun_phase(session, settings, phase_id)

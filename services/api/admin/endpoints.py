"""Admin routes (admin-scope tokens only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import select

from services.api import queue
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
from services.api.errors import ApiError, responses
from services.api.leaderboard.service import invalidate_heads
from services.api.phases import service as phases
from services.api.phases.schemas import PhaseOut, Track
from services.api.submissions import service as submissions
from services.api.submissions.schemas import SubmissionOut
from services.store.models import ApiToken, Submission, Team
from services.store.submissions import mark_queued, utcnow


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


def _team_out(t: Team) -> TeamOut:
    return TeamOut(id=t.id, name=t.name, display_name=t.display_name, created_at=t.created_at)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(session: SessionDep, _: AdminPrincipal) -> list[TeamOut]:
    return [_team_out(t) for t in session.scalars(select(Team).order_by(Team.id))]


@router.post("/teams", response_model=TeamOut, status_code=201, responses=responses(409))
def create_team(body: TeamIn, session: SessionDep, _: AdminPrincipal) -> TeamOut:
    return _team_out(service.create_team(session, body.name, body.display_name))


@router.patch("/teams/{team_id}", response_model=TeamOut, responses=responses(404))
def rename_team(
    body: TeamPatch, session: SessionDep, _: AdminPrincipal, team_id: int = Path(ge=1, le=2**31 - 1)
) -> TeamOut:
    return _team_out(service.rename_team(session, team_id, body.display_name))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(session: SessionDep, _: AdminPrincipal) -> list[TokenOut]:
    return [service.token_out(t) for t in session.scalars(select(ApiToken).order_by(ApiToken.id))]


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
    return phases.to_out(service.create_phase(session, body), utcnow())


@router.patch("/phases/{phase_id}", response_model=PhaseOut, responses=responses(404))
def patch_phase(
    body: PhasePatch,
    session: SessionDep,
    _: AdminPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
) -> PhaseOut:
    phase = phases.get_phase(session, phase_id)
    return phases.to_out(service.patch_phase(session, phase, body), utcnow())


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
    return service.pack_comparison(session, phases.get_phase(session, phase_id), track)


@router.post(
    "/submissions/{submission_id}/hide", response_model=SubmissionOut, responses=responses(404)
)
def hide_submission(
    body: HideIn, session: SessionDep, _: AdminPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Hide (or unhide) a submission from every leaderboard."""
    sub = service.get_submission(session, submission_id)
    return submissions.to_out(service.set_hidden(session, sub, body.hidden))


def _rerun_many(session: SessionDep, settings: SettingsDep, subs: list[Submission]) -> RerunOut:
    now = utcnow()
    out = RerunOut(requeued=[])
    for sub in subs:
        reason = service.rerun_reason(sub, settings)
        if reason:
            out.skipped[str(sub.id)] = reason
            continue
        service.rerun(session, settings, sub, now)
        out.requeued.append(str(sub.id))
    session.commit()
    for sid in out.requeued:
        if queue.enqueue(settings, uuid.UUID(sid)):
            mark_queued(session, uuid.UUID(sid), utcnow())
    session.commit()
    return out


@router.post(
    "/submissions/{submission_id}/rerun",
    response_model=SubmissionOut,
    responses=responses(404, 409),
)
def rerun_submission(
    session: SessionDep, settings: SettingsDep, _: AdminPrincipal, submission_id: uuid.UUID = Path()
) -> SubmissionOut:
    """Re-run (= rescore) a final submission from its retained archive."""
    sub = service.get_submission(session, submission_id)
    reason = service.rerun_reason(sub, settings)
    if reason == "not_final":
        raise ApiError(409, "not_final", "The submission is still in progress.")
    if reason == "archive_gone":
        raise ApiError(
            409,
            "archive_gone",
            "The uploaded archive was already deleted "
            "(raise ARENA_UPLOAD_RETENTION_SECONDS to allow re-runs).",
        )
    _rerun_many(session, settings, [sub])
    session.refresh(sub)
    return submissions.to_out(sub)


@router.post("/phases/{phase_id}/rerun", response_model=RerunOut, responses=responses(404))
def rerun_phase(
    session: SessionDep,
    settings: SettingsDep,
    _: AdminPrincipal,
    phase_id: int = Path(ge=1, le=2**31 - 1),
) -> RerunOut:
    """Re-run every final submission of a phase whose archive is retained."""
    phases.get_phase(session, phase_id)
    subs = list(session.scalars(select(Submission).where(Submission.phase_id == phase_id)))
    return _rerun_many(session, settings, subs)

"""Operator use cases, shared by the admin endpoints and the CLI."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.api import queue
from services.api.admin.schemas import (
    PackComparisonEntry,
    PackComparisonOut,
    PhaseIn,
    PhasePatch,
    RerunOut,
    TeamIn,
    TeamOut,
    TokenCreated,
    TokenOut,
)
from services.api.errors import ApiError
from services.api.phases import service as phases
from services.api.phases.schemas import PhaseOut
from services.api.submissions import service as submissions
from services.api.submissions.schemas import SubmissionOut
from services.settings import Settings
from services.store import admin as writes
from services.store import submissions as store
from services.store import tokens
from services.store.leaderboard import best_per_team, load_rows
from services.store.lifecycle import ACTIVE, Status
from services.store.models import ApiToken, Phase, Submission, Team
from services.store.submissions import bump_leaderboard

log = logging.getLogger("arena.api.admin")


def create_team(session: Session, name: str, display_name: str | None) -> Team:
    try:
        team = writes.insert_team(session, name, display_name or name)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "team_exists", f"Team '{name}' already exists.") from None
    return team


def team_by_name(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise ApiError(404, "team_not_found", f"No team '{name}'.")
    return team


def team_out(t: Team) -> TeamOut:
    return TeamOut(id=t.id, name=t.name, display_name=t.display_name, created_at=t.created_at)


def list_teams(session: Session) -> list[TeamOut]:
    return [team_out(t) for t in session.scalars(select(Team).order_by(Team.id))]


def add_team(session: Session, data: TeamIn) -> TeamOut:
    """``POST /admin/teams``."""
    return team_out(create_team(session, data.name, data.display_name))


def rename_team(session: Session, team_id: int, display_name: str) -> TeamOut:
    team = session.get(Team, team_id) if 0 < team_id < 2**31 else None
    if team is None:
        raise ApiError(404, "team_not_found", f"No team {team_id}.")
    writes.rename_team(session, team, display_name)
    session.commit()
    return team_out(team)


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        key_id=row.key_id,
        scope=row.scope,
        team=row.team.name if row.team else None,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def list_tokens(session: Session) -> list[TokenOut]:
    return [token_out(t) for t in session.scalars(select(ApiToken).order_by(ApiToken.id))]


def create_token(
    session: Session, scope: str, team: str | None, label: str, value: str | None = None
) -> TokenCreated:
    team_row = team_by_name(session, team) if team else None
    if scope == "participant" and team_row is None:
        raise ApiError(422, "team_required", "Participant tokens need a team.")
    plain = value or tokens.generate_token()
    if not tokens.plausible(plain):
        raise ApiError(422, "invalid_token", "Token values need 16-256 printable ASCII chars.")
    token_digest = tokens.digest(plain)
    try:
        row = writes.insert_token(
            session,
            key_id=tokens.key_id_of(token_digest),
            secret_hash=token_digest,
            scope=scope,
            team_id=team_row.id if team_row else None,
            label=label,
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "token_exists", "This token value is already registered.") from None
    session.refresh(row)
    return TokenCreated(token=plain, **token_out(row).model_dump())


def revoke_token(session: Session, key_id: str, now: datetime) -> TokenOut:
    row = session.scalar(select(ApiToken).where(ApiToken.key_id == key_id))
    if row is None:
        raise ApiError(404, "token_not_found", "No such token.")
    writes.revoke_token(row, now)
    session.commit()
    return token_out(row)


def create_phase(session: Session, data: PhaseIn) -> Phase:
    phase = writes.insert_phase(
        session,
        title=data.title,
        visibility=data.visibility,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        tracks=list(data.tracks),
        daily_quota=data.daily_quota,
        max_concurrent=data.max_concurrent,
        compare_public_pack=data.compare_public_pack,
        attempts=data.attempts,
    )
    session.commit()
    return phase


def add_phase(session: Session, data: PhaseIn) -> PhaseOut:
    """``POST /admin/phases``."""
    return phases.to_out(create_phase(session, data), store.utcnow())


def patch_phase(session: Session, phase_id: int, data: PhasePatch) -> PhaseOut:
    phase = phases.get_phase(session, phase_id)
    changes: dict[str, Any] = {}
    for key, value in data.model_dump(exclude_unset=True).items():
        if key in ("opens_at", "closes_at") and value is not None and value.tzinfo is None:
            raise ApiError(422, "invalid_request", "Dates need a timezone.")
        if value is None and key != "closes_at":
            continue
        changes[key] = value
    opens_at = changes.get("opens_at", phase.opens_at)
    closes_at = changes.get("closes_at", phase.closes_at)
    if closes_at is not None and closes_at <= opens_at:
        raise ApiError(422, "invalid_request", "closes_at must be after opens_at.")
    writes.update_phase(phase, changes)
    session.commit()
    return phases.to_out(phase, store.utcnow())


def get_submission(session: Session, submission_id: uuid.UUID) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise ApiError(404, "submission_not_found", "No such submission.")
    return sub


def set_hidden(session: Session, submission_id: uuid.UUID, hidden: bool) -> SubmissionOut:
    """Hide (or unhide) a submission from every leaderboard."""
    sub = get_submission(session, submission_id)
    writes.set_hidden(session, sub, hidden)
    session.commit()
    session.refresh(sub)
    return submissions.to_out(sub)


def rerun_reason(sub: Submission, settings: Settings) -> str | None:
    """Why a submission cannot be re-run (None = it can). Per-scenario data
    is never kept, so a rescore is a re-run of the whole evaluation, which
    needs the uploaded archive (see upload_retention_seconds)."""
    if sub.status in {s.value for s in ACTIVE}:
        return "not_final"
    if (
        sub.archive_deleted_at is not None
        or not sub.archive_name
        or not (settings.data_dir / "uploads" / sub.archive_name).exists()
    ):
        return "archive_gone"
    return None


def rerun(session: Session, settings: Settings, sub: Submission, now: datetime) -> None:
    """Reset one final submission to queued (scores removed in the same
    transaction; the board changes only if it was on it). Caller enqueues."""
    was_on_board = sub.status == Status.FINISHED.value and not sub.hidden
    store.reset_for_rerun(
        session, sub.id, now, timedelta(seconds=settings.submission_deadline_seconds)
    )
    if was_on_board:
        bump_leaderboard(session, sub.phase_id)
    log.info("submission re-run", extra={"submission_id": sub.id})


def rerun_many(session: Session, settings: Settings, subs: list[Submission]) -> RerunOut:
    """Re-run every submission of ``subs`` that can be (the others are
    listed with the reason), then hand them to the queue."""
    now = store.utcnow()
    out = RerunOut(requeued=[])
    for sub in subs:
        reason = rerun_reason(sub, settings)
        if reason:
            out.skipped[str(sub.id)] = reason
            continue
        rerun(session, settings, sub, now)
        out.requeued.append(str(sub.id))
    session.commit()
    for sid in out.requeued:
        if queue.enqueue(settings, uuid.UUID(sid)):
            store.mark_queued(session, uuid.UUID(sid), store.utcnow())
    session.commit()
    return out


def rerun_submission(
    session: Session, settings: Settings, submission_id: uuid.UUID
) -> SubmissionOut:
    """``POST /admin/submissions/{id}/rerun``: re-run (= rescore) one final
    submission from its retained archive."""
    sub = get_submission(session, submission_id)
    reason = rerun_reason(sub, settings)
    if reason == "not_final":
        raise ApiError(409, "not_final", "The submission is still in progress.")
    if reason == "archive_gone":
        raise ApiError(
            409,
            "archive_gone",
            "The uploaded archive was already deleted "
            "(raise ARENA_UPLOAD_RETENTION_SECONDS to allow re-runs).",
        )
    rerun_many(session, settings, [sub])
    session.refresh(sub)
    return submissions.to_out(sub)


def rerun_phase(session: Session, settings: Settings, phase_id: int) -> RerunOut:
    """``POST /admin/phases/{id}/rerun``: every final submission of a phase
    whose archive is retained."""
    phases.get_phase(session, phase_id)
    subs = list(session.scalars(select(Submission).where(Submission.phase_id == phase_id)))
    return rerun_many(session, settings, subs)


def rank_correlation(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho (ties ranked by their average); None below 3 pairs or
    when either side is constant."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    from scipy.stats import spearmanr

    return round(float(spearmanr(xs, ys).statistic), 4)


def pack_comparison(session: Session, phase_id: int, track: str | None) -> PackComparisonOut:
    """The phase's board (best submission per team) with each entry's score
    on the public set beside it, and the rank correlation of the two."""
    phase = phases.get_phase(session, phase_id)
    chosen = track or (phase.tracks[0] if phase.tracks else "execution")
    if chosen not in phase.tracks:
        raise ApiError(422, "invalid_track", f"Phase {phase.id} has no track {chosen!r}.")
    rows = [
        r
        for r in best_per_team(load_rows(session, phase.id, chosen))
        if r.public_overall is not None
    ]
    entries = [
        PackComparisonEntry(
            team=r.team_name,
            submission_id=r.submission_id,
            hidden_overall=round(r.overall, 2),
            public_overall=round(r.public_overall or 0.0, 2),
        )
        for r in rows
    ]
    pack = (
        f"{phase.scenario_pack} {phase.scenario_pack_version or ''}".strip()
        if phase.scenario_pack
        else None
    )
    return PackComparisonOut(
        phase_id=phase.id,
        track=chosen,
        scenario_pack=pack,
        entries=entries,
        spearman_rho=rank_correlation(
            [e.hidden_overall for e in entries], [e.public_overall for e in entries]
        ),
    )

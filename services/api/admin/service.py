"""Operator use cases, shared by the admin endpoints and the CLI."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.api.admin.schemas import (
    PackComparisonEntry,
    PackComparisonOut,
    PhaseIn,
    PhasePatch,
    TokenCreated,
    TokenOut,
)
from services.api.errors import ApiError
from services.settings import Settings
from services.store import tokens
from services.store.catalog import release_submission_clusters
from services.store.leaderboard import best_per_team, load_rows
from services.store.lifecycle import ACTIVE, Status
from services.store.models import (
    ApiToken,
    Phase,
    Submission,
    SubmissionScore,
    Team,
)
from services.store.submissions import bump_leaderboard

log = logging.getLogger("arena.api.admin")


def create_team(session: Session, name: str, display_name: str | None) -> Team:
    team = Team(name=name, display_name=display_name or name)
    session.add(team)
    try:
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


def rename_team(session: Session, team_id: int, display_name: str) -> Team:
    team = session.get(Team, team_id) if 0 < team_id < 2**31 else None
    if team is None:
        raise ApiError(404, "team_not_found", f"No team {team_id}.")
    team.display_name = display_name
    # Display names appear on every board.
    session.execute(update(Phase).values(leaderboard_version=Phase.leaderboard_version + 1))
    session.commit()
    return team


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        key_id=row.key_id,
        scope=row.scope,
        team=row.team.name if row.team else None,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


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
    row = ApiToken(
        key_id=tokens.key_id_of(token_digest),
        secret_hash=token_digest,
        scope=scope,
        team_id=team_row.id if team_row else None,
        label=label,
    )
    session.add(row)
    try:
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
    row.revoked_at = row.revoked_at or now
    session.commit()
    return token_out(row)


def create_phase(session: Session, data: PhaseIn) -> Phase:
    phase = Phase(
        title=data.title,
        visibility=data.visibility,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        tracks=list(data.tracks),
        daily_quota=data.daily_quota,
        max_concurrent=data.max_concurrent,
        compare_public_pack=data.compare_public_pack,
        attempts=data.attempts,
        leaderboard_version=1,
    )
    session.add(phase)
    session.commit()
    return phase


def patch_phase(session: Session, phase: Phase, data: PhasePatch) -> Phase:
    for key, value in data.model_dump(exclude_unset=True).items():
        if key in ("opens_at", "closes_at") and value is not None and value.tzinfo is None:
            raise ApiError(422, "invalid_request", "Dates need a timezone.")
        if value is None and key != "closes_at":
            continue
        setattr(phase, key, value)
    if phase.closes_at is not None and phase.closes_at <= phase.opens_at:
        raise ApiError(422, "invalid_request", "closes_at must be after opens_at.")
    phase.leaderboard_version += 1
    session.commit()
    return phase


def get_submission(session: Session, submission_id: uuid.UUID) -> Submission:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise ApiError(404, "submission_not_found", "No such submission.")
    return sub


def set_hidden(session: Session, sub: Submission, hidden: bool) -> Submission:
    sub.hidden = hidden
    bump_leaderboard(session, sub.phase_id)
    session.commit()
    session.refresh(sub)
    return sub


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
    session.execute(delete(SubmissionScore).where(SubmissionScore.submission_id == sub.id))
    # its clusters come back with the new evaluation: take back what they
    # added to the catalog, or the re-run counts the submission twice
    release_submission_clusters(session, sub.id)
    session.execute(
        update(Submission)
        .where(Submission.id == sub.id)
        .values(
            status=Status.QUEUED.value,
            progress=0.0,
            scenarios_done=0,
            failure_code=None,
            failure_message=None,
            failure_kind=None,
            finished_at=None,
            validating_at=None,
            running_at=None,
            scoring_at=None,
            cancel_requested=False,
            lease_owner=None,
            lease_expires_at=None,
            attempt=0,
            queued_at=now,
            enqueued_at=now,
            deadline_at=now + timedelta(seconds=settings.submission_deadline_seconds),
        )
    )
    if was_on_board:
        bump_leaderboard(session, sub.phase_id)
    log.info("submission re-run", extra={"submission_id": sub.id})


def rank_correlation(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho (ties ranked by their average); None below 3 pairs or
    when either side is constant."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    from scipy.stats import spearmanr

    return round(float(spearmanr(xs, ys).statistic), 4)


def pack_comparison(session: Session, phase: Phase, track: str | None) -> PackComparisonOut:
    """The phase's board (best submission per team) with each entry's score
    on the public set beside it, and the rank correlation of the two."""
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

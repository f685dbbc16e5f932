"""Phase lookups and the submission pre-check (quota, concurrency, dates)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.api.errors import ApiError
from services.api.phases.schemas import CanSubmitOut, PhaseOut
from services.store.models import Phase
from services.store.submissions import QuotaState, quota_state


def is_open(phase: Phase, now: datetime) -> bool:
    return phase.opens_at <= now and (phase.closes_at is None or now < phase.closes_at)


def to_out(phase: Phase, now: datetime) -> PhaseOut:
    return PhaseOut(
        id=phase.id,
        title=phase.title,
        visibility=phase.visibility,  # type: ignore[arg-type]
        opens_at=phase.opens_at,
        closes_at=phase.closes_at,
        tracks=list(phase.tracks),  # type: ignore[arg-type]
        daily_quota=phase.daily_quota,
        max_concurrent=phase.max_concurrent,
        is_open=is_open(phase, now),
        compare_public_pack=phase.compare_public_pack,
        attempts=phase.attempts or 1,
    )


def get_phase(session: Session, phase_id: int) -> Phase:
    phase = session.get(Phase, phase_id) if 0 < phase_id < 2**31 else None
    if phase is None:
        raise ApiError(404, "phase_not_found", f"No phase {phase_id}.")
    return phase


def default_phase(session: Session, now: datetime, track: str | None = None) -> Phase:
    """The most recently opened phase that is open now (and has the track)."""
    phases = session.scalars(select(Phase).order_by(Phase.opens_at.desc(), Phase.id.desc())).all()
    for phase in phases:
        if is_open(phase, now) and (track is None or track in phase.tracks):
            return phase
    raise ApiError(409, "no_open_phase", "No phase is open for submissions; pass ?phase=<id>.")


def check_track(phase: Phase, track: str) -> None:
    if track not in phase.tracks:
        raise ApiError(
            422, "track_not_in_phase", f"Phase {phase.id} accepts tracks {', '.join(phase.tracks)}."
        )


def blocking_reason(phase: Phase, quota: QuotaState, now: datetime) -> tuple[int, str, str] | None:
    """(http status, code, message) of the first rule that blocks a new
    submission, or None. Order: dates, concurrency, daily quota."""
    if now < phase.opens_at:
        return 409, "phase_not_open", f"Phase {phase.id} opens at {phase.opens_at.isoformat()}."
    if phase.closes_at is not None and now >= phase.closes_at:
        return 409, "phase_closed", f"Phase {phase.id} closed at {phase.closes_at.isoformat()}."
    if quota.running >= quota.max_concurrent:
        return (
            429,
            "too_many_running",
            (
                f"Your team has {quota.running} submission(s) in progress; at most "
                f"{quota.max_concurrent} at once. Wait for one to finish or cancel it."
            ),
        )
    if quota.used_today >= quota.daily_quota:
        return (
            429,
            "quota_exceeded",
            (
                f"Daily quota of {quota.daily_quota} reached for phase {phase.id} (UTC day). "
                "Failed and cancelled submissions do not count."
            ),
        )
    return None


def ensure_can_submit(session: Session, team_id: int, phase: Phase, now: datetime) -> QuotaState:
    quota = quota_state(session, team_id, phase, now)
    reason = blocking_reason(phase, quota, now)
    if reason is not None:
        status, code, message = reason
        raise ApiError(status, code, message)
    return quota


def can_submit(
    session: Session, team_id: int, phase: Phase, track: str | None, now: datetime
) -> CanSubmitOut:
    quota = quota_state(session, team_id, phase, now)
    reason = blocking_reason(phase, quota, now)
    if reason is None and track is not None and track not in phase.tracks:
        reason = (422, "track_not_in_phase", f"Phase {phase.id} accepts {', '.join(phase.tracks)}.")
    return CanSubmitOut(
        can=reason is None,
        code=reason[1] if reason else None,
        reason=reason[2] if reason else None,
        phase_id=phase.id,
        track=track,
        used_today=quota.used_today,  # type: ignore[arg-type]
        daily_quota=quota.daily_quota,
        remaining_today=quota.remaining_today,
        running=quota.running,
        max_concurrent=quota.max_concurrent,
    )


# ---- one call per route -------------------------------------------------------
def list_out(session: Session, now: datetime) -> list[PhaseOut]:
    """``GET /phases``: every phase (public metadata: dates, tracks, quotas)."""
    return [to_out(p, now) for p in session.scalars(select(Phase).order_by(Phase.id))]


def get_out(session: Session, phase_id: int, now: datetime) -> PhaseOut:
    """``GET /phases/{id}``."""
    return to_out(get_phase(session, phase_id), now)


def can_submit_for(
    session: Session, team_id: int | None, phase_id: int, track: str | None, now: datetime
) -> CanSubmitOut:
    """``GET /phases/{id}/can_make_submission`` (and the Codabench alias):
    team tokens only."""
    if team_id is None:
        raise ApiError(403, "team_required", "Only team (participant) tokens can submit.")
    return can_submit(session, team_id, get_phase(session, phase_id), track, now)

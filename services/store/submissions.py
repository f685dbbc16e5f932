"""Submission queries shared by the api (quota, cancel, listing) and the
worker (lease claim, heartbeat, stage moves). Every state change is a
conditional UPDATE so that two actors can never both win a transition."""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from services.store.lifecycle import ACTIVE, FINAL, NOT_COUNTED, FailureKind, Status
from services.store.models import Phase, Submission


def utcnow() -> datetime:
    return datetime.now(UTC)


STORE_ID_FILE = ".store-id"
_STORE_ID = re.compile(r"[0-9a-f]{32}")


def upload_store_id(directory: Path, create: bool = False) -> str | None:
    """The identity of the upload directory ``directory`` (``data_dir/uploads``):
    a random id kept in a file inside it, so every process that sees the same
    directory (api, workers and beat sharing the volume) reads the same id,
    and a host with a directory of its own has another. The api creates it
    (``create``); others only read it. None: no (valid) store here."""
    path = directory / STORE_ID_FILE
    for _ in range(2):
        try:
            value = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            value = None
        except (OSError, UnicodeDecodeError):
            return None
        if value is not None:
            return value if _STORE_ID.fullmatch(value) else None
        if not create:
            return None
        directory.mkdir(parents=True, exist_ok=True)
        new = uuid.uuid4().hex
        tmp = directory / f"{STORE_ID_FILE}-{new}.tmp"
        tmp.write_text(new + "\n", encoding="ascii")
        try:
            os.link(tmp, path)  # atomic create-if-absent: the first process wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return None


def day_start(now: datetime) -> datetime:
    """Quota days are UTC days (documented; independent of server TZ)."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class QuotaState:
    used_today: int
    daily_quota: int
    running: int
    max_concurrent: int

    @property
    def remaining_today(self) -> int:
        return max(0, self.daily_quota - self.used_today)


def quota_state(session: Session, team_id: int, phase: Phase, now: datetime) -> QuotaState:
    used = session.scalar(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.team_id == team_id,
            Submission.phase_id == phase.id,
            Submission.created_at >= day_start(now),
            Submission.status.not_in([s.value for s in NOT_COUNTED]),
        )
    )
    running = session.scalar(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.team_id == team_id,
            Submission.status.in_([s.value for s in ACTIVE]),
        )
    )
    return QuotaState(int(used or 0), phase.daily_quota, int(running or 0), phase.max_concurrent)


# ---- worker side: lease ---------------------------------------------------------
def claim(
    session: Session, submission_id: uuid.UUID, owner: str, lease: timedelta, now: datetime
) -> Submission | None:
    """Take the row lease if the submission is active and nobody live holds
    it. Returns the row (status moved to validating, attempt+1) or None when
    the submission is final, cancelled or leased by a live worker."""
    row = session.execute(
        update(Submission)
        .where(
            Submission.id == submission_id,
            Submission.status.in_([s.value for s in ACTIVE]),
            Submission.cancel_requested.is_(False),
            or_(Submission.lease_expires_at.is_(None), Submission.lease_expires_at < now),
        )
        .values(
            lease_owner=owner,
            lease_expires_at=now + lease,
            attempt=Submission.attempt + 1,
            status=Status.VALIDATING.value,
            validating_at=now,
            queued_at=func.coalesce(Submission.queued_at, now),
            running_at=None,
            scoring_at=None,
            progress=0.0,
            scenarios_done=0,
        )
        .returning(Submission.id)
    ).first()
    if row is None:
        return None
    return session.get(Submission, submission_id, populate_existing=True)


def _held(submission_id: uuid.UUID, owner: str):
    return and_(
        Submission.id == submission_id,
        Submission.lease_owner == owner,
        Submission.status.in_([s.value for s in ACTIVE]),
    )


def heartbeat(
    session: Session, submission_id: uuid.UUID, owner: str, lease: timedelta, now: datetime
) -> bool:
    """Renew the lease. False means stop: cancelled, failed by the
    reconciler, or taken over after our lease expired."""
    result = session.execute(
        update(Submission)
        .where(_held(submission_id, owner), Submission.cancel_requested.is_(False))
        .values(lease_expires_at=now + lease)
    )
    return result.rowcount == 1


def advance(
    session: Session,
    submission_id: uuid.UUID,
    owner: str,
    status: Status,
    now: datetime,
    **values: object,
) -> bool:
    stamp = {Status.RUNNING: "running_at", Status.SCORING: "scoring_at"}.get(status)
    if stamp:
        values[stamp] = now
    result = session.execute(
        update(Submission)
        .where(_held(submission_id, owner), Submission.cancel_requested.is_(False))
        .values(status=status.value, **values)
    )
    return result.rowcount == 1


def set_progress(
    session: Session, submission_id: uuid.UUID, owner: str, done: int, total: int
) -> bool:
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    result = session.execute(
        update(Submission)
        .where(_held(submission_id, owner))
        .values(scenarios_done=done, scenarios_total=total, progress=fraction)
    )
    return result.rowcount == 1


def fail(
    session: Session,
    submission_id: uuid.UUID,
    code: str,
    message: str,
    kind: FailureKind,
    now: datetime,
    owner: str | None = None,
) -> bool:
    """Move an active submission to failed. With ``owner`` only if we still
    hold the lease (a worker); without, unconditionally (reconciler, admin)."""
    cond = (
        _held(submission_id, owner)
        if owner
        else and_(Submission.id == submission_id, Submission.status.in_([s.value for s in ACTIVE]))
    )
    result = session.execute(
        update(Submission)
        .where(cond)
        .values(
            status=Status.FAILED.value,
            failure_code=code,
            failure_message=message[:1000],
            failure_kind=kind.value,
            finished_at=now,
            lease_owner=None,
            lease_expires_at=None,
        )
    )
    return result.rowcount == 1


def release_for_retry(
    session: Session, submission_id: uuid.UUID, owner: str, now: datetime
) -> bool:
    """Give the row back to the queue after an infrastructure error."""
    result = session.execute(
        update(Submission)
        .where(_held(submission_id, owner), Submission.cancel_requested.is_(False))
        .values(
            status=Status.QUEUED.value,
            lease_owner=None,
            lease_expires_at=None,
            enqueued_at=now,
            progress=0.0,
            scenarios_done=0,
        )
    )
    return result.rowcount == 1


def cancel(session: Session, submission_id: uuid.UUID, now: datetime) -> bool:
    """Cancel in any non-final state. A worker holding the lease notices on
    its next heartbeat/progress call (cancel_requested) and stops."""
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status.not_in([s.value for s in FINAL]))
        .values(
            status=Status.CANCELLED.value,
            cancel_requested=True,
            finished_at=now,
            failure_code="cancelled",
            failure_message="Cancelled on request; does not count against the daily quota.",
            failure_kind=FailureKind.OPERATOR.value,
        )
    )
    return result.rowcount == 1


def mark_queued(session: Session, submission_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(Submission)
        .where(
            Submission.id == submission_id,
            Submission.status.in_([Status.SUBMITTED.value, Status.QUEUED.value]),
        )
        .values(
            status=Status.QUEUED.value,
            queued_at=func.coalesce(Submission.queued_at, now),
            enqueued_at=now,
        )
    )


def pin_scenario_pack(session: Session, phase_id: int, source: Any) -> str | None:
    """Pin the phase to ``source``'s pack on its first evaluation; the pinned
    digest when it is another pack's (None: ``source`` is the phase's pack)."""
    session.execute(
        update(Phase)
        .where(Phase.id == phase_id, Phase.scenario_pack_digest.is_(None))
        .values(
            scenario_pack=source.name[:128],
            scenario_pack_version=source.version[:64],
            scenario_pack_digest=source.digest,
            scenario_pack_public=source.public,
        )
    )
    pinned = session.scalar(select(Phase.scenario_pack_digest).where(Phase.id == phase_id))
    return None if pinned == source.digest else pinned


def bump_leaderboard(session: Session, phase_id: int) -> None:
    session.execute(
        update(Phase)
        .where(Phase.id == phase_id)
        .values(leaderboard_version=Phase.leaderboard_version + 1)
    )

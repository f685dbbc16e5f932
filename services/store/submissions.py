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

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from services.store.catalog import release_submission_clusters
from services.store.lifecycle import ACTIVE, FINAL, NOT_COUNTED, FailureKind, Status
from services.store.models import Phase, Submission, SubmissionScore, Team


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


# ---- api side: a new submission --------------------------------------------------
def lock_team(session: Session, team_id: int) -> None:
    """Serialise one team's submissions until the transaction ends: the
    quota check and the insert after it run under this row lock, so two
    concurrent uploads cannot both pass the check."""
    session.scalar(select(Team.id).where(Team.id == team_id).with_for_update())


def insert_submission(
    session: Session,
    *,
    submission_id: uuid.UUID,
    team_id: int,
    phase_id: int,
    track: str,
    image_sha256: str,
    image_bytes: int,
    archive_name: str,
    archive_store: str | None,
    now: datetime,
    deadline: timedelta,
) -> Submission:
    """The new row, status submitted (flushed; the caller commits)."""
    sub = Submission(
        id=submission_id,
        team_id=team_id,
        phase_id=phase_id,
        track=track,
        image_sha256=image_sha256,
        image_bytes=image_bytes,
        archive_name=archive_name,
        archive_store=archive_store,
        status=Status.SUBMITTED.value,
        progress=0.0,
        scenarios_total=0,
        scenarios_done=0,
        hidden=False,
        attempt=0,
        cancel_requested=False,
        created_at=now,
        deadline_at=now + deadline,
    )
    session.add(sub)
    session.flush()
    return sub


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


def phase_run_options(session: Session, phase_id: int) -> tuple[bool, int]:
    """What the phase asks of an evaluation: (compare with the public pack,
    attempts per scenario, at least 1)."""
    row = session.execute(
        select(Phase.compare_public_pack, Phase.attempts).where(Phase.id == phase_id)
    ).first()
    if row is None:
        return False, 1
    return bool(row[0]), max(1, int(row[1] or 1))


def _back_to_queue(now: datetime) -> dict[str, object]:
    """A working row's columns when it goes back to the queue (lease gone,
    progress reset)."""
    return {
        "status": Status.QUEUED.value,
        "lease_owner": None,
        "lease_expires_at": None,
        "enqueued_at": now,
        "progress": 0.0,
        "scenarios_done": 0,
    }


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


def lock_for_finish(session: Session, submission_id: uuid.UUID, owner: str) -> Submission | None:
    """The row, locked until the transaction ends, when ``owner`` may write
    its result: lease held, status scoring, not cancelled, no score yet.
    None otherwise (cancelled meanwhile, taken over, or already written by
    a previous delivery)."""
    sub = session.scalar(
        select(Submission)
        .where(Submission.id == submission_id)
        .with_for_update(of=Submission)
        .execution_options(populate_existing=True)
    )
    if (
        sub is None
        or sub.lease_owner != owner
        or sub.status != Status.SCORING.value
        or sub.cancel_requested
        or session.get(SubmissionScore, submission_id) is not None
    ):
        return None
    return sub


def mark_finished(session: Session, sub: Submission, now: datetime) -> None:
    """Finish a row locked by ``lock_for_finish`` (its scores written in the
    same transaction): lease released, the phase's board version bumped."""
    sub.status = Status.FINISHED.value
    sub.progress = 1.0
    sub.finished_at = now
    sub.lease_owner = None
    sub.lease_expires_at = None
    bump_leaderboard(session, sub.phase_id)


def release_for_retry(
    session: Session, submission_id: uuid.UUID, owner: str, now: datetime
) -> bool:
    """Give the row back to the queue after an infrastructure error."""
    result = session.execute(
        update(Submission)
        .where(_held(submission_id, owner), Submission.cancel_requested.is_(False))
        .values(**_back_to_queue(now))
    )
    return result.rowcount == 1


def reset_for_rerun(
    session: Session, submission_id: uuid.UUID, now: datetime, deadline: timedelta
) -> None:
    """Take a final submission back to queued for an admin re-run: its score
    row is deleted and its clusters are taken back from the catalog counts
    (the new evaluation writes them again), attempts start over. Caller owns
    the transaction and enqueues after the commit."""
    session.execute(delete(SubmissionScore).where(SubmissionScore.submission_id == submission_id))
    release_submission_clusters(session, submission_id)
    session.execute(
        update(Submission)
        .where(Submission.id == submission_id)
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
            deadline_at=now + deadline,
        )
    )


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


# ---- reconciler -----------------------------------------------------------------
def active_rows(session: Session) -> list[Any]:
    """(id, status, deadline_at, lease_expires_at, enqueued_at, attempt) of
    every active submission."""
    return list(
        session.execute(
            select(
                Submission.id,
                Submission.status,
                Submission.deadline_at,
                Submission.lease_expires_at,
                Submission.enqueued_at,
                Submission.attempt,
            ).where(Submission.status.in_([s.value for s in ACTIVE]))
        ).all()
    )


def _unchanged_and_expired(submission_id: uuid.UUID, status: str, now: datetime):
    """Still in ``status`` and nobody holds a live lease: the condition the
    reconciler repeats in each write, so a worker renewing at the same
    moment always wins."""
    return and_(
        Submission.id == submission_id,
        Submission.status == status,
        or_(Submission.lease_expires_at.is_(None), Submission.lease_expires_at <= now),
    )


def fail_worker_lost(
    session: Session, submission_id: uuid.UUID, status: str, message: str, now: datetime
) -> bool:
    result = session.execute(
        update(Submission)
        .where(_unchanged_and_expired(submission_id, status, now))
        .values(
            status=Status.FAILED.value,
            failure_code="worker_lost",
            failure_message=message,
            failure_kind=FailureKind.INFRASTRUCTURE.value,
            finished_at=now,
            lease_owner=None,
            lease_expires_at=None,
        )
    )
    return result.rowcount == 1


def requeue_expired(session: Session, submission_id: uuid.UUID, status: str, now: datetime) -> bool:
    """A working row whose lease expired goes back to queued."""
    result = session.execute(
        update(Submission)
        .where(_unchanged_and_expired(submission_id, status, now))
        .values(**_back_to_queue(now))
    )
    return result.rowcount == 1


def touch_enqueued(session: Session, submission_id: uuid.UUID, status: str, now: datetime) -> bool:
    """Record that the row is being handed to the broker again."""
    result = session.execute(
        update(Submission)
        .where(_unchanged_and_expired(submission_id, status, now))
        .values(enqueued_at=now)
    )
    return result.rowcount == 1


def archives_past_retention(session: Session, cutoff: datetime, store_id: str | None) -> list[Any]:
    """(id, archive_name, archive_store) of final submissions finished by
    ``cutoff`` whose archive is not marked deleted, in upload store
    ``store_id`` or in none recorded (legacy rows: decided by the file)."""
    mine = Submission.archive_store.is_(None)
    if store_id is not None:
        mine = or_(mine, Submission.archive_store == store_id)
    return list(
        session.execute(
            select(Submission.id, Submission.archive_name, Submission.archive_store).where(
                and_(
                    Submission.status.in_([s.value for s in FINAL]),
                    Submission.archive_deleted_at.is_(None),
                    Submission.finished_at <= cutoff,
                    mine,
                )
            )
        ).all()
    )


def mark_archive_deleted(session: Session, submission_id: uuid.UUID, now: datetime) -> bool:
    """Mark a final submission's archive deleted, once and only while the
    row is final (an admin re-run may have taken it back). True when this
    call marked it: the caller removes the file then."""
    result = session.execute(
        update(Submission)
        .where(
            Submission.id == submission_id,
            Submission.status.in_([s.value for s in FINAL]),
            Submission.archive_deleted_at.is_(None),
        )
        .values(archive_deleted_at=now)
    )
    return result.rowcount == 1


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


def bump_all_leaderboards(session: Session) -> None:
    """Every board changed (a team's display name appears on all of them)."""
    session.execute(update(Phase).values(leaderboard_version=Phase.leaderboard_version + 1))


def bump_leaderboard(session: Session, phase_id: int) -> None:
    session.execute(
        update(Phase)
        .where(Phase.id == phase_id)
        .values(leaderboard_version=Phase.leaderboard_version + 1)
    )

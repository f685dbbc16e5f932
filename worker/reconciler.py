"""Postgres is the source of truth; the broker is only a doorbell.

Run periodically (celery beat, ``settings.reconcile_interval_seconds``):
- active submissions past their deadline -> failed (deadline_exceeded);
- working submissions whose lease expired (worker died, Redis lost the
  message) -> queued again and re-enqueued, or failed (worker_lost) after
  ``submission_max_attempts``;
- submitted rows never handed to the broker, and queued rows nobody claimed
  for ``requeue_after_seconds`` -> enqueued again (duplicates are harmless:
  the lease makes a second delivery a no-op);
- archives of final submissions past ``upload_retention_seconds`` -> deleted
  by the host holding them (see ``delete_expired_archives``).

``decide`` is pure; ``reconcile`` applies its decisions with conditional
UPDATEs that repeat the condition, so a worker renewing its lease at the
same moment always wins.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from services.settings import Settings
from services.store import submissions as store
from services.store.lifecycle import FINAL, WORKING, FailureKind, Status

log = logging.getLogger("arena.worker.reconciler")


class Action(StrEnum):
    NONE = "none"
    FAIL_DEADLINE = "fail_deadline"
    FAIL_WORKER_LOST = "fail_worker_lost"
    REQUEUE = "requeue"  # lease expired: back to queued + enqueue
    ENQUEUE = "enqueue"  # never enqueued / unclaimed too long


@dataclass(frozen=True)
class RowState:
    status: str
    deadline_at: datetime | None
    lease_expires_at: datetime | None
    enqueued_at: datetime | None
    attempt: int


def decide(row: RowState, now: datetime, settings: Settings) -> Action:
    status = Status(row.status)
    if status in FINAL:
        return Action.NONE
    if row.deadline_at is not None and now >= row.deadline_at:
        return Action.FAIL_DEADLINE
    lease_live = row.lease_expires_at is not None and row.lease_expires_at > now
    if status in WORKING:
        if lease_live:
            return Action.NONE
        if row.attempt >= settings.submission_max_attempts:
            return Action.FAIL_WORKER_LOST
        return Action.REQUEUE
    if status is Status.SUBMITTED:
        return Action.ENQUEUE
    # queued
    if lease_live:
        return Action.NONE
    stale = now - timedelta(seconds=settings.requeue_after_seconds)
    if row.enqueued_at is None or row.enqueued_at <= stale:
        return Action.ENQUEUE
    return Action.NONE


@dataclass
class Report:
    actions: dict[str, list[str]] = field(default_factory=dict)
    archives_deleted: int = 0
    # (submission, attempts so far) whose worker is gone: their sandbox
    # objects are orphans (the task removes them where Docker is reachable).
    abandoned: list[tuple[uuid.UUID, int]] = field(default_factory=list)

    def add(self, action: Action, submission_id: uuid.UUID) -> None:
        self.actions.setdefault(action.value, []).append(str(submission_id))


def _deadline_message(settings: Settings, attempt: int) -> str:
    return (
        f"Evaluation did not finish within {settings.submission_deadline_seconds} s of "
        f"submission ({attempt} attempt(s)). This is a server-side limit; the submission "
        "does not count against your quota."
    )


def reconcile(
    session: Session, settings: Settings, now: datetime, enqueue: Callable[[uuid.UUID], bool]
) -> Report:
    report = Report()
    rows = store.active_rows(session)
    for sid, status, deadline, lease, enqueued, attempt in rows:
        action = decide(RowState(status, deadline, lease, enqueued, attempt), now, settings)
        if action is Action.NONE:
            continue
        if action is Action.FAIL_DEADLINE:
            done = store.fail(
                session,
                sid,
                "deadline_exceeded",
                _deadline_message(settings, attempt),
                FailureKind.INFRASTRUCTURE,
                now,
            )
        elif action is Action.FAIL_WORKER_LOST:
            done = store.fail_worker_lost(
                session,
                sid,
                status,
                f"The evaluation was interrupted {attempt} time(s) (worker lost). "
                "This is on our side; it does not count against your quota.",
                now,
            )
        elif action is Action.REQUEUE:
            done = store.requeue_expired(session, sid, status, now)
        else:  # ENQUEUE
            done = store.touch_enqueued(session, sid, status, now)
        session.commit()
        if not done:
            continue
        report.add(action, sid)
        if action in (Action.REQUEUE, Action.FAIL_WORKER_LOST, Action.FAIL_DEADLINE) and attempt:
            report.abandoned.append((sid, attempt))
        log.info(
            "reconciled", extra={"submission_id": sid, "action": action.value, "attempt": attempt}
        )
        if action in (Action.REQUEUE, Action.ENQUEUE) and enqueue(sid):
            store.mark_queued(session, sid, now)
            session.commit()
    report.archives_deleted = delete_expired_archives(session, settings, now)
    return report


def delete_expired_archives(session: Session, settings: Settings, now: datetime) -> int:
    """Delete archives of final submissions past retention, on the host that
    owns them: a row is marked deleted only where its file was removed here,
    or where this host shares the row's upload store (the file is gone from
    the store itself). A reconciler on a host with another (or no) upload
    directory leaves other stores' rows alone, for theirs."""
    cutoff = now - timedelta(seconds=settings.upload_retention_seconds)
    directory = settings.data_dir / "uploads"
    here = store.upload_store_id(directory)  # None: no api writes uploads here
    # this store's rows, and legacy rows (no store recorded: decided by the file)
    rows = store.archives_past_retention(session, cutoff, here)
    deleted = 0
    for sid, name, owner in rows:
        path = directory / os.path.basename(name) if name else None
        held_here = path is not None and path.exists()
        if name and not held_here and (here is None or owner != here):
            continue  # the file lives on another host (or is a legacy row's elsewhere)
        # Marked first, and only while still final (an admin re-run may have
        # taken the row back meanwhile); the file goes once the mark holds.
        done = int(store.mark_archive_deleted(session, sid, now))
        session.commit()
        if done and path is not None:
            path.unlink(missing_ok=True)
        deleted += done
    return deleted

"""Unit tests of the reconciler's pure decision rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.settings import Settings
from worker.reconciler import Action, RowState, decide

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
S = Settings(submission_max_attempts=3, requeue_after_seconds=600)
LATER = NOW + timedelta(hours=1)
EARLIER = NOW - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("row", "action"),
    [
        (RowState("finished", EARLIER, None, None, 1), Action.NONE),
        (RowState("running", EARLIER, LATER, None, 1), Action.FAIL_DEADLINE),
        (RowState("queued", EARLIER, None, None, 0), Action.FAIL_DEADLINE),
        (RowState("running", LATER, LATER, None, 1), Action.NONE),
        (RowState("running", LATER, EARLIER, None, 1), Action.REQUEUE),
        (RowState("scoring", LATER, EARLIER, None, 3), Action.FAIL_WORKER_LOST),
        (RowState("validating", None, None, None, 1), Action.REQUEUE),
        (RowState("submitted", LATER, None, None, 0), Action.ENQUEUE),
        (RowState("queued", LATER, None, NOW - timedelta(seconds=601), 0), Action.ENQUEUE),
        (RowState("queued", LATER, None, NOW - timedelta(seconds=10), 0), Action.NONE),
        (RowState("queued", LATER, None, None, 0), Action.ENQUEUE),
    ],
    ids=[
        "final",
        "deadline-running",
        "deadline-queued",
        "live-lease",
        "expired-lease",
        "attempts-exhausted",
        "no-lease",
        "never-enqueued",
        "stale-queued",
        "fresh-queued",
        "queued-no-stamp",
    ],
)
def test_decide(row: RowState, action: Action) -> None:
    assert decide(row, NOW, S) is action

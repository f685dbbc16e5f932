"""Queue and task names, and the payload of each task (import-light: no
Celery, no database)."""

from __future__ import annotations

import uuid

QUEUE = "arena"
EVALUATE_TASK = "arena.evaluate_submission"
RECONCILE_TASK = "arena.reconcile"


def evaluate_args(submission_id: uuid.UUID) -> list[str]:
    """The positional arguments of ``EVALUATE_TASK``: the submission id as a
    string (JSON-serialisable)."""
    return [str(submission_id)]


def evaluate_submission_id(arg: object) -> uuid.UUID:
    """The submission id of an ``EVALUATE_TASK`` message; ``ValueError`` when
    the argument is not one."""
    if not isinstance(arg, str):
        raise ValueError("submission id must be a string")
    return uuid.UUID(arg)

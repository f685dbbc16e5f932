"""Submission states and the rules between them (pure, no I/O).

submitted -> queued -> validating -> running -> scoring -> finished
and from any non-final state -> failed | cancelled.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"  # row written, not yet handed to the queue
    QUEUED = "queued"  # task in the broker, no worker holds it
    VALIDATING = "validating"  # a worker loads and checks the image
    RUNNING = "running"  # scenarios are running
    SCORING = "scoring"  # evaluator + the one write transaction
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL: frozenset[Status] = frozenset({Status.FINISHED, Status.FAILED, Status.CANCELLED})
ACTIVE: frozenset[Status] = frozenset(set(Status) - FINAL)
# States in which a worker holds (or held) the row lease.
WORKING: frozenset[Status] = frozenset({Status.VALIDATING, Status.RUNNING, Status.SCORING})
# Submissions in these states never count against the daily quota: a failed
# run (participant or infrastructure) or a cancel must not cost a slot.
NOT_COUNTED: frozenset[Status] = frozenset({Status.FAILED, Status.CANCELLED})

_ORDER = [Status.SUBMITTED, Status.QUEUED, Status.VALIDATING, Status.RUNNING, Status.SCORING]


def can_transition(current: Status, target: Status) -> bool:
    """Forward moves along the pipeline, any active state to failed/cancelled,
    and a working state back to queued (lease lost, retry)."""
    if current in FINAL:
        return False
    if target in (Status.FAILED, Status.CANCELLED):
        return True
    if target is Status.FINISHED:
        return current is Status.SCORING
    if target is Status.QUEUED and current in WORKING | {Status.SUBMITTED}:
        return True
    return _ORDER.index(target) > _ORDER.index(current)


class FailureKind(StrEnum):
    PARTICIPANT = "participant"  # the image or the agent is at fault
    INFRASTRUCTURE = "infrastructure"  # our side: worker lost, deadline, docker error
    OPERATOR = "operator"  # cancelled or failed by an admin

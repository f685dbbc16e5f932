"""Hand a submission to the Celery queue. Failure to reach Redis is not an
error for the client: the row stays ``submitted`` and the reconciler
enqueues it once the broker is back (Postgres is the source of truth)."""

from __future__ import annotations

import logging
import uuid

log = logging.getLogger("arena.api.queue")


def enqueue(submission_id: uuid.UUID) -> bool:
    from worker.celery_app import EVALUATE_TASK, QUEUE, app

    try:
        app.send_task(EVALUATE_TASK, args=[str(submission_id)], queue=QUEUE, retry=False)
    except Exception as exc:  # kombu/redis raise a zoo of types when the broker is down
        log.warning(
            "enqueue failed; reconciler will retry",
            extra={"submission_id": submission_id, "error": type(exc).__name__},
        )
        return False
    return True

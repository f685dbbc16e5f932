"""Hand a submission to the Celery queue. Failure to reach Redis is not an
error for the client: the row stays ``submitted`` and the reconciler
enqueues it once the broker is back (Postgres is the source of truth).

The queue, task name, payload and Celery configuration are the worker's
too: ``services.taskqueue`` (this package never imports ``worker``)."""

from __future__ import annotations

import logging
import uuid
from functools import lru_cache

from celery import Celery

from services.settings import Settings
from services.taskqueue.broker import make_app, send_evaluate

log = logging.getLogger("arena.api.queue")


@lru_cache(maxsize=4)
def _celery(redis_url: str, visibility_timeout: int) -> Celery:
    return make_app(
        Settings(redis_url=redis_url, celery_visibility_timeout_seconds=visibility_timeout)
    )


def enqueue(settings: Settings, submission_id: uuid.UUID) -> bool:
    app = _celery(settings.redis_url, settings.celery_visibility_timeout_seconds)
    try:
        send_evaluate(app, submission_id, retry=False)
    except Exception as exc:  # kombu/redis raise a zoo of types when the broker is down
        log.warning(
            "enqueue failed; reconciler will retry",
            extra={"submission_id": submission_id, "error": type(exc).__name__},
        )
        return False
    return True

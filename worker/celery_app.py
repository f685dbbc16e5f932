"""The Celery application: ``worker.celery_app:app``.

Run a worker: ``celery -A worker.celery_app:app worker -Q arena --concurrency 1``;
the reconciler runs from beat: ``celery -A worker.celery_app:app beat`` (or
``worker -B`` on a single host). This module stays import-light (no docker,
no evaluator) because the api imports it to enqueue.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import setup_logging

from services.settings import Settings, get_settings

QUEUE = "arena"
EVALUATE_TASK = "arena.evaluate_submission"
RECONCILE_TASK = "arena.reconcile"


def make_app(settings: Settings) -> Celery:
    celery = Celery("arena", broker=settings.redis_url, include=["worker.tasks"])
    celery.conf.update(
        task_default_queue=QUEUE,
        # At-least-once delivery: the message is acked only after the task
        # returns, and re-queued when the worker process dies mid-task. The
        # Postgres lease makes the second delivery harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            # Redis re-delivers unacked messages after this; keep it above the
            # longest evaluation so a healthy run is not duplicated (and if it
            # is, the lease turns the duplicate into a no-op).
            "visibility_timeout": settings.celery_visibility_timeout_seconds,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        },
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        beat_schedule={
            "reconcile": {
                "task": RECONCILE_TASK,
                "schedule": settings.reconcile_interval_seconds,
                "options": {"expires": settings.reconcile_interval_seconds},
            }
        },
    )
    return celery


app = make_app(get_settings())


@setup_logging.connect
def _configure_logging(**_: object) -> None:
    """JSON logs from process start, not from the first task: an import or
    broker error before any task runs must still reach the operator."""
    from services.api import logs

    logs.configure(get_settings().log_level)

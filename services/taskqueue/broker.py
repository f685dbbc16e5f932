"""The Celery configuration shared by the api (producer) and the worker
(consumer), and the one way to send an evaluation. Import-light: Celery and
the settings only, no docker, no evaluator, no database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from celery import Celery

from services.settings import Settings
from services.taskqueue.contract import EVALUATE_TASK, QUEUE, RECONCILE_TASK, evaluate_args


def make_app(settings: Settings, include: Sequence[str] = ()) -> Celery:
    """A Celery app on ``settings.redis_url``; the worker passes the modules
    holding its tasks in ``include``, the api none (it only sends)."""
    celery = Celery("arena", broker=settings.redis_url, include=list(include))
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


def send_evaluate(
    app: Celery,
    submission_id: uuid.UUID,
    countdown: float | None = None,
    retry: bool | None = None,
) -> None:
    """Hand ``submission_id`` to the evaluation queue; raises whatever the
    broker client raises when Redis does not answer (callers decide).
    ``retry=None`` keeps Celery's publish-retry default."""
    options: dict[str, object] = {"queue": QUEUE}
    if retry is not None:
        options["retry"] = retry
    if countdown is not None:
        options["countdown"] = countdown
    app.send_task(EVALUATE_TASK, args=evaluate_args(submission_id), **options)

"""Celery tasks. Thin: the logic lives in worker.pipeline / worker.reconciler."""

from __future__ import annotations

import logging
import uuid

from services.api import logs
from services.settings import get_settings
from services.store.db import session_scope
from services.store.submissions import utcnow
from worker import pipeline, reconciler
from worker.celery_app import EVALUATE_TASK, QUEUE, RECONCILE_TASK, app

log = logging.getLogger("arena.worker.tasks")
_configured = False


def _setup() -> None:
    global _configured
    if not _configured:
        logs.configure(get_settings().log_level)
        # The LLM gateway imports litellm, whose DEBUG logs carry prompts.
        logs.quiet_litellm(load=True)
        _configured = True


@app.task(name=EVALUATE_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def evaluate_submission(submission_id: str) -> str:
    """Idempotent: a second delivery finds the lease held or the row final
    and returns "skipped" without writing anything."""
    _setup()
    try:
        sid = uuid.UUID(submission_id)
    except (ValueError, TypeError):
        log.warning("bad task argument", extra={"code": "invalid_submission_id"})
        return "invalid"
    outcome = pipeline.process(sid, pipeline.default_deps(get_settings()))
    log.info("task done", extra={"submission_id": sid, "status": outcome})
    return outcome


def _enqueue(submission_id: uuid.UUID) -> bool:
    try:
        app.send_task(EVALUATE_TASK, args=[str(submission_id)], queue=QUEUE, retry=False)
    except Exception as exc:
        log.warning(
            "enqueue failed", extra={"submission_id": submission_id, "error": type(exc).__name__}
        )
        return False
    return True


@app.task(name=RECONCILE_TASK, ignore_result=True)
def reconcile() -> dict[str, int]:
    _setup()
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        report = reconciler.reconcile(session, settings, utcnow(), _enqueue)
    return {k: len(v) for k, v in report.actions.items()} | {
        "archives_deleted": report.archives_deleted
    }

"""Celery tasks. Thin: the logic lives in worker.pipeline / worker.reconciler."""

from __future__ import annotations

import logging
import uuid

from services import logs
from services.settings import get_settings
from services.store.db import session_scope
from services.store.submissions import utcnow
from services.taskqueue.broker import send_evaluate
from services.taskqueue.contract import EVALUATE_TASK, RECONCILE_TASK, evaluate_submission_id
from worker import pipeline, reconciler
from worker.celery_app import app

log = logging.getLogger("arena.worker.tasks")
_configured = False


def _setup() -> None:
    global _configured
    if not _configured:
        logs.configure(get_settings().log_level)
        # The LLM gateway imports litellm, whose DEBUG logs carry prompts.
        logs.quiet_litellm(load=True)
        _configured = True


ENGINE_RETRY_SECONDS = 30.0


@app.task(
    name=EVALUATE_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def evaluate_submission(self, submission_id: str) -> str:  # noqa: ANN001 - celery Task
    """Idempotent: a second delivery finds the lease held or the row final
    and returns "skipped" without writing anything. A worker whose Docker
    engine is down does not claim: the message comes back later (the row
    stays queued, no attempt is spent)."""
    _setup()
    try:
        sid = evaluate_submission_id(submission_id)
    except (ValueError, TypeError):
        log.warning("bad task argument", extra={"code": "invalid_submission_id"})
        return "invalid"
    try:
        outcome = pipeline.process(sid, pipeline.default_deps(get_settings()))
    except pipeline.EngineUnavailable as exc:
        log.warning(
            "docker engine unavailable; submission left queued",
            extra={"submission_id": sid, "error": str(exc)},
        )
        raise self.retry(countdown=ENGINE_RETRY_SECONDS, max_retries=None) from None
    log.info("task done", extra={"submission_id": sid, "status": outcome})
    return outcome


def _enqueue(submission_id: uuid.UUID) -> bool:
    try:
        send_evaluate(app, submission_id, retry=False)
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
    removed = _clean_sandboxes(settings, report)
    return {k: len(v) for k, v in report.actions.items()} | {
        "archives_deleted": report.archives_deleted,
        "sandbox_objects_removed": removed,
    }


def _clean_sandboxes(settings, report: reconciler.Report) -> int:  # noqa: ANN001
    """Sandbox objects of attempts the reconciler just declared dead, plus a
    safety net for anything older than the longest possible evaluation."""
    from worker.sandbox.environment import DockerSandbox, SandboxUnavailable

    try:
        sandbox = DockerSandbox.connect(settings, timeout=60)
    except SandboxUnavailable:
        return 0  # this worker has no engine; another one will do it
    removed = 0
    with sandbox:
        for sid, attempts in report.abandoned:
            for attempt in range(1, attempts + 1):
                result = sandbox.cleanup(
                    pipeline.sandbox_label(sid, attempt), older_than=0, images=True
                )
                removed += result.containers + result.volumes + result.images
        result = sandbox.cleanup(
            older_than=settings.submission_deadline_seconds + 3600, images=True
        )
    return removed + result.containers + result.volumes + result.images

"""The Celery application: ``worker.celery_app:app``.

Run a worker: ``celery -A worker.celery_app:app worker -Q arena --concurrency 1``;
the reconciler runs from beat: ``celery -A worker.celery_app:app beat`` (or
``worker -B`` on a single host). The configuration, queue and task names
are the api's too: ``services.taskqueue`` (the api never imports this
package).
"""

from __future__ import annotations

from celery.signals import setup_logging

from services import logs
from services.settings import get_settings
from services.taskqueue.broker import make_app

app = make_app(get_settings(), include=["worker.tasks"])


@setup_logging.connect
def _configure_logging(**_: object) -> None:
    """JSON logs from process start, not from the first task: an import or
    broker error before any task runs must still reach the operator."""
    logs.configure(get_settings().log_level)

"""Structured JSON logs (stdlib logging, one object per line).

Only fields from ``SAFE_EXTRA`` are copied from ``extra=``; the server never
logs scenario text or agent output, and as a last line of defence any
canary-looking string is masked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime

CANARY = re.compile(r"CANARY-[0-9a-f]{16}")
SAFE_EXTRA = (
    "submission_id",
    "team",
    "phase_id",
    "track",
    "status",
    "code",
    "path",
    "method",
    "http_status",
    "duration_ms",
    "bytes",
    "attempt",
    "error",
    "count",
    "worker",
    "scenarios",
    "action",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in SAFE_EXTRA:
            if key in record.__dict__:
                value = record.__dict__[key]
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            # Type only: exception messages from third-party code may quote
            # data we must not log.
            entry["exc_type"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            if frames:  # where, not what: file:line of the innermost frame
                entry["exc_where"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return CANARY.sub("CANARY-[masked]", json.dumps(entry, default=str))


def configure(level: str = "INFO") -> None:
    # The real stderr: under Celery sys.stderr is a logging proxy, and writing
    # log records into it would loop back into logging.
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    quiet_litellm()


LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")


def quiet_litellm(load: bool = False) -> None:
    """litellm logs prompts and completions at DEBUG through its own stderr
    handler (added when it is imported): pin its loggers to WARNING, drop
    that handler and let records flow through ours (canary-masked). With
    ``load`` it is imported first, so the handler exists to be dropped."""
    if load:
        with contextlib.suppress(Exception):  # litellm absent or broken: nothing to quiet
            import litellm._logging  # noqa: F401
    for name in LITELLM_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        logger.handlers.clear()
        logger.propagate = True

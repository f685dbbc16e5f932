"""Structured JSON logs (stdlib logging, one object per line).

Only fields from ``SAFE_EXTRA`` are copied from ``extra=``; the server never
logs scenario text or agent output, and as a last line of defence any
canary-looking string is masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
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
        return CANARY.sub("CANARY-[masked]", json.dumps(entry, default=str))


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

"""The engine version recorded with every score: the git revision of the code.

The server image has no ``.git``: ``make image`` bakes the revision in as the
build argument ``ENGINE_REVISION`` (``git rev-parse --short=12 HEAD``, with
``-dirty`` when the checkout had uncommitted changes), which the Dockerfile
turns into ``ARENA_ENGINE_REVISION``. A process running from a checkout
(tests, ``assetops validate``, a worker started by hand) asks git. Anything
else (an image built with a bare ``docker build``, a copy without ``.git``)
records ``"unknown"``.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = "ARENA_ENGINE_REVISION"
UNKNOWN = "unknown"


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10, check=False
    )


@lru_cache
def engine_revision() -> str:
    baked = os.environ.get(ENV, "").strip()
    if baked:
        return baked[:64]
    if not (ROOT / ".git").exists():
        return UNKNOWN
    try:
        head = _git("rev-parse", "--short=12", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return UNKNOWN
        dirty = _git("diff", "--quiet", "HEAD", "--").returncode != 0
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return head.stdout.strip() + ("-dirty" if dirty else "")

"""Docker labels on everything the sandbox creates, so the janitor can find
leftovers of a crashed worker without touching anything else."""

from __future__ import annotations

import time

ARENA = "org.assetops.arena"  # shared by every arena-created object
SANDBOX = "org.assetops.sandbox"  # only sandbox objects: the janitor's filter
ROLE = "org.assetops.role"  # sidecar | agent | io
SUBMISSION = "org.assetops.submission"
RUN = "org.assetops.run"
CREATED = "org.assetops.created"  # unix seconds; volumes have no portable created time


def sandbox_labels(role: str, submission: str, run: str | None = None) -> dict[str, str]:
    labels = {
        ARENA: "1",
        SANDBOX: "1",
        ROLE: role,
        SUBMISSION: submission,
        CREATED: str(int(time.time())),
    }
    if run is not None:
        labels[RUN] = run
    return labels

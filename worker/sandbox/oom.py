"""Whether the kernel's OOM killer stopped a container.

The engine learns of an OOM kill from an event of its own, which can reach
it after the container's exit when the kill comes right after the start
(containerd sends the exit first: containerd/containerd#8180); an inspect
right after ``wait`` then says ``OOMKilled: false`` for a container the
kernel did kill (seen once in CI: exit 137 after 95 ms, flag false). So a
SIGKILL (exit 137) that we did not send is inspected again for a short
while before it counts as something else."""

from __future__ import annotations

import time
from typing import Any

import docker.errors

SIGKILL_EXIT = 137
# how long an unexplained SIGKILL waits for the engine's OOM flag (only such
# exits pay it: an OOM kill whose flag is already set returns at once)
OOM_FLAG_GRACE_SECONDS = 1.0
_POLL_SECONDS = 0.05


def oom_killed(
    container: Any,
    exit_code: int | None,
    *,
    grace: float = OOM_FLAG_GRACE_SECONDS,
    poll: float = _POLL_SECONDS,
) -> bool:
    """True when the engine records an OOM kill of the exited ``container``
    (``docker.models.containers.Container``-like: ``reload()``, ``attrs``).
    A flag already in ``attrs`` is believed; otherwise only a SIGKILL is
    inspected again (other exits cost nothing); a container removed
    meanwhile counts as not OOM-killed."""
    if (container.attrs.get("State") or {}).get("OOMKilled"):
        return True  # already known (whatever the exit code: a child may have been the victim)
    if exit_code != SIGKILL_EXIT:
        return False
    deadline = time.monotonic() + grace
    while True:
        try:
            container.reload()
        except docker.errors.NotFound:  # removed under us: nothing more to learn
            return False
        if (container.attrs.get("State") or {}).get("OOMKilled"):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)

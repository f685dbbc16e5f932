"""Remove sandbox leftovers of a crashed worker (containers, then volumes,
then -- when asked -- the participant images loaded for an attempt).

Only objects carrying both ``org.assetops.arena=1`` and
``org.assetops.sandbox=1`` are touched: other arena components label their
containers with the first label too, and must not be reaped by us.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker.errors

from worker.sandbox import intake
from worker.sandbox import labels as L

log = logging.getLogger(__name__)

GATEWAY_DIR_PREFIX = "arena-gw-"  # runner._gateway_dir names its socket dirs so
_FILTER = {"label": [f"{L.ARENA}=1", f"{L.SANDBOX}=1"]}


@dataclass
class CleanupReport:
    containers: int = 0
    volumes: int = 0
    gateway_dirs: int = 0
    images: int = 0


def _age(labels: dict[str, str] | None, now: float) -> float:
    try:
        return now - float((labels or {}).get(L.CREATED, "0"))
    except ValueError:
        return now  # unreadable label: treat as ancient


def cleanup(
    client: Any,
    older_than: float = 3600.0,
    submission: str | None = None,
    gateway_root: Path | None = None,
    images: bool = False,
) -> CleanupReport:
    """Remove labelled sandbox containers and volumes older than
    ``older_than`` seconds (0 = all), optionally of one submission only,
    (with ``gateway_root``, e.g. ``<data_dir>/gateway``) the LLM-gateway
    socket directories a killed worker left there, and (with ``images``) the
    participant images loaded under ``intake.internal_reference``. The
    runner's own teardown leaves images alone: a submission split over
    several sidecars still needs its image."""
    now = time.time()
    flt = {"label": list(_FILTER["label"])}
    if submission is not None:
        flt["label"].append(f"{L.SUBMISSION}={submission}")
    report = CleanupReport()
    # Agents first, sidecars last: agents share the sidecar's namespace.
    containers = client.containers.list(all=True, filters=flt)
    containers.sort(key=lambda c: (c.labels or {}).get(L.ROLE) == "sidecar")
    for container in containers:
        if _age(container.labels, now) < older_than:
            continue
        try:
            container.remove(force=True, v=True)
            report.containers += 1
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            log.warning("janitor: could not remove container %s: %s", container.short_id, exc)
    for volume in client.volumes.list(filters=flt):
        if _age(volume.attrs.get("Labels"), now) < older_than:
            continue
        try:
            volume.remove(force=True)
            report.volumes += 1
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            log.warning("janitor: could not remove volume %s: %s", volume.name, exc)
    if gateway_root is not None:
        report.gateway_dirs = cleanup_gateway_dirs(Path(gateway_root), older_than)
    if images:
        report.images = cleanup_images(client, older_than, submission)
    return report


def cleanup_images(client: Any, older_than: float = 3600.0, submission: str | None = None) -> int:
    """Remove internal references (``arena-submission/<label>:<time>``)
    older than ``older_than`` seconds, optionally of one label only; an
    image goes with its last reference, unless something else names it."""
    now = time.time()
    prefix = None
    if submission is not None:
        prefix = intake.reference_repository(submission) + ":"
    removed = 0
    for image in client.images.list(name=f"{intake.INTERNAL_REPOSITORY}/*"):
        for tag in image.tags:
            age = intake.reference_age(tag, now)
            if age is None or (older_than > 0 and age < older_than):
                continue
            if prefix and not tag.startswith(prefix):
                continue
            try:
                client.images.remove(tag)
                removed += 1
            except docker.errors.NotFound:
                pass
            except docker.errors.APIError as exc:  # still used by a container
                log.warning("janitor: could not remove image %s: %s", tag, exc)
    return removed


def cleanup_gateway_dirs(root: Path, older_than: float = 3600.0) -> int:
    """Remove the runner's gateway socket dirs under ``root`` not touched for
    ``older_than`` seconds (a live run's dir is fresh: its socket was just bound)."""
    now = time.time()
    removed = 0
    for path in root.glob(f"{GATEWAY_DIR_PREFIX}*"):
        try:
            if path.is_dir() and now - path.stat().st_mtime >= older_than:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed

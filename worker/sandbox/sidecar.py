"""The per-submission asset-data sidecar: our own image running
``python -m services.assetdata --runs-dir /runs`` with network ``none``.

Agents join its network namespace, so the only thing they can reach is the
tool service (and the LLM gateway forwarder) on 127.0.0.1. The sidecar also
holds every run's input/output volumes mounted (see ``hardening.io_dir``),
which is how results outlive the agent container without touching disk.

Everything goes through the Engine API (volumes + archive), never through a
bind mount of a worker-local directory, so a containerised worker driving
the host engine works the same way. The one exception is the gateway's unix
socket directory (a path that must be identical on the host).
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
import threading
import time
from dataclasses import dataclass
from typing import Any

import docker.errors
import requests

from contracts.toollog import RunPlan
from services.settings import Settings
from worker.sandbox import hardening
from worker.sandbox.oom import oom_killed

# The line the service prints on stdout once its port is bound (and only
# then), followed by its /healthz facts as JSON (services/assetdata/__main__.py).
READY_MARKER = b"ARENA-ASSETDATA-READY "
_MAX_LINE = 64 * 1024


class SidecarError(Exception):
    """The sidecar did not come up or died on its own: an infrastructure
    failure (the submission is retried, never scored). A sidecar the agents
    exhausted is their failure instead (see ``death``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def limits_environment(settings: Settings) -> dict[str, str]:
    """The operator's bounds on what an agent can make the sidecar hold,
    read by the service (``runlog.Limits.from_settings``)."""
    return {
        "ARENA_SIDECAR_MAX_BODY_BYTES": str(settings.sidecar_max_body_bytes),
        "ARENA_SIDECAR_MAX_ARGUMENT_BYTES": str(settings.sidecar_max_argument_bytes),
        "ARENA_SIDECAR_MAX_LOG_ENTRIES": str(settings.sidecar_max_log_entries),
        "ARENA_SIDECAR_MAX_LOG_BYTES": str(settings.sidecar_max_log_bytes),
    }


def build_tar(files: dict[str, bytes], dirs: dict[str, int], uid: int = 0) -> bytes:
    """An uncompressed tar (never compressed: GHSA-x86f-5xw2-fm2r) of
    ``dirs`` (path -> mode) and read-only ``files`` (path -> bytes)."""
    buf = io.BytesIO()
    now = int(time.time())
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, mode in dirs.items():
            info = tarfile.TarInfo(path)
            info.type, info.mode, info.mtime, info.uid, info.gid = tarfile.DIRTYPE, mode, now, 0, 0
            tar.addfile(info)
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime, info.uid, info.gid = len(data), 0o444, now, uid, uid
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def plan_file(plan: RunPlan) -> tuple[str, bytes]:
    return f"plans/{plan.run_token}.json", plan.model_dump_json().encode()


def seed(sidecar: Any, plans: list[RunPlan], inputs: list[bytes]) -> None:
    """After start, in one archive upload: the plans/ and logs/ directories
    (the service runs as its own uid and cannot make them in the engine's
    volume; logs/ is world-writable, agents never mount this volume), every
    run's plan (read by the service at the run's first call) and every
    run's /input/scenario.json in its io volume (before start, the engine
    would write underneath the not-yet-mounted volumes). The service starts
    meanwhile: nothing here is on its start-up path, and no agent runs
    before this returns."""
    dirs = {"plans": 0o755, "logs": 0o777}
    files = dict(plan_file(p) for p in plans)
    files.update({f"io/{slot}/in/scenario.json": data for slot, data in enumerate(inputs)})
    if not sidecar.put_archive(hardening.RUNS_DIR, build_tar(files, dirs)):
        raise SidecarError("sidecar_seed_failed", "could not write run plans into the sidecar")


def start_sidecar(
    client: Any,
    settings: Settings,
    *,
    runs_volume: str,
    io_volumes: list[tuple[str, str]],
    gateway_dir: str | None,
    labels: dict[str, str],
    name: str,
    plans: list[RunPlan],
    inputs: list[bytes],
    expected_plant_hash: str | None = None,
) -> Any:
    kwargs = hardening.sidecar_create_kwargs(
        settings,
        image=settings.sidecar_image,
        runs_volume=runs_volume,
        io_volumes=io_volumes,
        gateway_dir=gateway_dir,
        labels=labels,
        name=name,
    )
    kwargs["environment"] = {**kwargs.get("environment", {}), **limits_environment(settings)}
    try:
        # our own image, referenced by the operator's name: it must be local
        # (containers.create never pulls, unlike containers.run)
        sidecar = client.containers.create(**kwargs)
    except docker.errors.ImageNotFound as exc:
        raise SidecarError(
            "sidecar_image_missing", f"sidecar image {settings.sidecar_image!r} not found"
        ) from exc
    sidecar.start()
    seed(sidecar, plans, inputs)
    health = wait_ready(sidecar, settings)
    if expected_plant_hash and health.get("content_hash") != expected_plant_hash:
        # scoring against a different plant than the scenarios were built
        # from would silently fail every data question
        raise SidecarError(
            "plant_mismatch",
            f"sidecar image serves plant {str(health.get('content_hash'))[:12]}, scenarios were "
            f"built from {expected_plant_hash[:12]}: rebuild {settings.sidecar_image}",
        )
    return sidecar


def wait_ready(sidecar: Any, settings: Settings) -> dict[str, Any]:
    """Wait for the service's ready line on the sidecar's stdout (the
    worker cannot reach a network-none namespace; the service prints it
    once uvicorn has bound its port, after the app's startup); returns the
    service's /healthz facts (seed, plant content hash) from it.

    One log stream from the container's start, no ``exec`` and no probe
    process inside the sidecar (which would spend the sidecar's own CPU
    quota while it starts). Before any agent joins, only our own code
    writes to that stream. Raises ``SidecarError`` when the sidecar exits
    first (``sidecar_exited``) or says nothing in time (``sidecar_not_ready``)."""
    timeout = settings.sidecar_ready_seconds
    stream = sidecar.logs(stream=True, follow=True, stdout=True, stderr=False)
    timer = threading.Timer(timeout, stream.close)
    timer.daemon = True
    timer.start()
    pending = b""
    try:
        for chunk in stream:
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.startswith(READY_MARKER):
                    return _facts(line[len(READY_MARKER) :])
            pending = pending[-_MAX_LINE:]
    except (docker.errors.APIError, requests.exceptions.RequestException, OSError):
        pass  # the stream broke: decided below from the container's state
    finally:
        timer.cancel()
        with contextlib.suppress(Exception):
            stream.close()
    if pending.startswith(READY_MARKER):  # the last line, unterminated
        return _facts(pending[len(READY_MARKER) :])
    try:
        sidecar.reload()
        running = sidecar.status == "running"
    except docker.errors.NotFound:
        running = False
    if not running:
        raise SidecarError("sidecar_exited", f"sidecar exited; logs: {tail_logs(sidecar)}")
    raise SidecarError("sidecar_not_ready", f"no answer in {timeout}s; logs: {tail_logs(sidecar)}")


def _facts(raw: bytes) -> dict[str, Any]:
    try:
        health = json.loads(raw)
    except ValueError:
        health = {}
    return health if isinstance(health, dict) else {}


def tail_logs(container: Any, lines: int = 20) -> str:
    try:
        return container.logs(tail=lines).decode("utf-8", "replace")[-2000:]
    except docker.errors.APIError:
        return ""


@dataclass(frozen=True)
class Death:
    """How a sidecar that stopped during the runs ended."""

    exhausted: bool  # killed for exceeding its memory limit: the agent's doing
    detail: str


def death(sidecar: Any, settings: Settings) -> Death | None:
    """None while the sidecar runs. A sidecar stopped by the kernel's OOM
    killer was exhausted by the agent: every request it served came from the
    submission's own agents, and what one request or run can make it hold is
    bounded (``runlog.Limits``), so only a flood gets it there. The run is
    the agent's scored failure. Any other stop (a crash, an exit, removed
    under us) is a broken sidecar: an infrastructure failure, retried."""
    try:
        sidecar.reload()
    except docker.errors.NotFound:
        return Death(False, "sidecar container vanished")
    if sidecar.status == "running":
        return None
    state = sidecar.attrs.get("State") or {}
    if oom_killed(sidecar, state.get("ExitCode")):
        mib = settings.sidecar_memory_bytes // 1024**2
        return Death(
            True,
            f"the agents' requests exhausted the tool service's memory ({mib} MiB); it was killed",
        )
    return Death(
        False,
        f"sidecar stopped during the runs (exit {state.get('ExitCode')}): {tail_logs(sidecar)}",
    )


def is_running(sidecar: Any) -> bool:
    try:
        sidecar.reload()
    except docker.errors.NotFound:
        return False
    return sidecar.status == "running"

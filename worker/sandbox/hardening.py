"""The docker ``containers.create`` arguments of a sandboxed container.

Pure functions of the settings, so the hardening can be unit-tested and read
in one place. Anchors: OWASP Docker cheat sheet R2-R8, Grand Challenge's
component backend (network off, pids 128, no swap, caps dropped, by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docker.types import LogConfig, Ulimit

from services.settings import Settings

IN_DIR = "/input"
OUT_DIR = "/output"
TMP_DIR = "/tmp"
RUNS_DIR = "/runs"  # sidecar: plans, logs and the per-run io volumes
GATEWAY_DIR = "/gateway"  # sidecar only: the LLM gateway's unix socket
GATEWAY_SOCKET_NAME = "llm.sock"


def io_dir(slot: int) -> str:
    """Where the sidecar holds run ``slot``'s input/output volumes mounted.

    Why the sidecar holds them: a tmpfs (or tmpfs-backed volume) vanishes when
    the agent container stops, so the result could not be read afterwards.
    While the long-lived sidecar keeps the volume mounted its content survives
    the agent's exit, stays size-capped and never touches the disk.
    """
    return f"{RUNS_DIR}/io/{slot}"


def _common(settings: Settings, memory: int, cpus: float, pids: int) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "detach": True,
        "init": True,  # reaps zombies, forwards signals
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "read_only": True,
        "mem_limit": memory,
        "memswap_limit": memory,  # equal: no swap
        "nano_cpus": int(cpus * 1_000_000_000),
        "pids_limit": pids,
        "log_config": LogConfig(
            type="json-file",
            config={"max-size": str(max(settings.agent_log_bytes, 64 * 1024)), "max-file": "1"},
        ),
        "stdin_open": False,
        "tty": False,
    }
    if settings.agent_runtime:
        kwargs["runtime"] = settings.agent_runtime
    return kwargs


def agent_create_kwargs(
    settings: Settings,
    *,
    image_id: str,
    sidecar_id: str,
    in_volume: str,
    out_volume: str,
    environment: dict[str, str],
    labels: dict[str, str],
    name: str,
    volume_paths: Sequence[str] = (),
) -> dict[str, Any]:
    """Arguments for one scenario's agent container. ``volume_paths``: the
    image's declared VOLUMEs, each covered by a capped tmpfs -- otherwise
    the engine would create a writable anonymous volume on host disk."""
    tmpfs = {
        path: f"rw,nosuid,nodev,size={settings.agent_tmpfs_bytes},mode=1777"
        for path in volume_paths
        if path not in (IN_DIR, OUT_DIR)
    }
    tmpfs[TMP_DIR] = f"rw,nosuid,nodev,size={settings.agent_tmpfs_bytes},mode=1777"
    kwargs = _common(
        settings, settings.agent_memory_bytes, settings.agent_cpus, settings.agent_pids_limit
    )
    kwargs.update(
        image=image_id,  # always the sha256 id: a name could trigger a registry pull
        name=name,
        user=f"{settings.agent_uid}:{settings.agent_uid}",
        network_mode=f"container:{sidecar_id}",  # only loopback + the sidecar
        environment=environment,
        labels=labels,
        tmpfs=tmpfs,
        volumes={
            in_volume: {"bind": IN_DIR, "mode": "ro"},
            out_volume: {"bind": OUT_DIR, "mode": "rw"},
        },
        ulimits=[
            Ulimit(name="fsize", soft=settings.agent_fsize_bytes, hard=settings.agent_fsize_bytes),
            Ulimit(name="nofile", soft=settings.agent_nofile, hard=settings.agent_nofile),
            Ulimit(name="core", soft=0, hard=0),
        ],
        working_dir=TMP_DIR,
    )
    return kwargs


def io_volume_options(settings: Settings, *, output: bool) -> dict[str, str]:
    """Driver options of a per-run tmpfs-backed volume (size-capped, in RAM)."""
    if output:
        size, opts = settings.agent_output_bytes, f"uid={settings.agent_uid},mode=0700"
    else:
        size, opts = 256 * 1024, "mode=0755"
    return {
        "type": "tmpfs",
        "device": "tmpfs",
        "o": f"size={size},nosuid,nodev,noexec,{opts}",
    }


def sidecar_create_kwargs(
    settings: Settings,
    *,
    image: str,
    runs_volume: str,
    io_volumes: list[tuple[str, str]],
    gateway_dir: str | None,
    labels: dict[str, str],
    name: str,
) -> dict[str, Any]:
    """Arguments for the per-submission asset-data sidecar (our own image)."""
    kwargs = _common(
        settings, settings.sidecar_memory_bytes, settings.sidecar_cpus, settings.sidecar_pids_limit
    )
    volumes: dict[str, dict[str, str]] = {runs_volume: {"bind": RUNS_DIR, "mode": "rw"}}
    for slot, (in_volume, out_volume) in enumerate(io_volumes):
        volumes[in_volume] = {"bind": f"{io_dir(slot)}/in", "mode": "rw"}
        volumes[out_volume] = {"bind": f"{io_dir(slot)}/out", "mode": "rw"}
    environment = {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if gateway_dir is not None:
        # Bind mount of a worker path: it must exist at the same path on the
        # docker host (documented deploy rule for a containerised worker).
        volumes[gateway_dir] = {"bind": GATEWAY_DIR, "mode": "ro"}
        environment["ARENA_GATEWAY_SOCKET"] = f"{GATEWAY_DIR}/{GATEWAY_SOCKET_NAME}"
    kwargs.pop("runtime", None)  # our own code: the engine default runtime
    kwargs.update(
        image=image,
        name=name,
        command=[
            "python",
            "-m",
            "services.assetdata",
            "--port",
            str(settings.sidecar_port),
            "--seed",
            str(settings.plant_seed),
            "--runs-dir",
            RUNS_DIR,
        ],
        network_mode="none",
        environment=environment,
        labels=labels,
        tmpfs={TMP_DIR: "rw,nosuid,nodev,size=268435456,mode=1777"},
        volumes=volumes,
    )
    return kwargs

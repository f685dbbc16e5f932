"""Typed records of what a sandbox did, in the order it did it.

The runner (``worker.sandbox.runner``) and ``DockerSandbox``
(``worker.sandbox.environment``) emit them through an ``EventSink``; the
environment keeps them per submission so that its caller (worker, local
``assetops validate``, benchmarks, tests) can read what happened without
talking to the engine. An event names containers, images and scenario ids
only: never scenario text, answers, tokens or keys, so a list of events is
safe to log on the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["agent", "sidecar"]
# wall_time: the agent ran past ``agent_wall_seconds`` and was killed;
# memory: the kernel's OOM killer ended the agent; tool_service: the agent
# exhausted a per-run bound of the tool service (log entries/bytes);
# sidecar_memory: the agents' requests exhausted the tool service's memory.
Limit = Literal["wall_time", "memory", "tool_service", "sidecar_memory"]


def _now() -> float:
    return time.time()


@dataclass(frozen=True, kw_only=True)
class SandboxEvent:
    submission: str  # the sandbox label (a submission attempt or a local run id)
    at: float = field(default_factory=_now)  # unix seconds


@dataclass(frozen=True, kw_only=True)
class ImageLoaded(SandboxEvent):
    image_id: str
    reference: str | None
    size_bytes: int


@dataclass(frozen=True, kw_only=True)
class ImageRejected(SandboxEvent):
    code: str  # the intake's stable error code


@dataclass(frozen=True, kw_only=True)
class ImageRemoved(SandboxEvent):
    image_id: str


@dataclass(frozen=True, kw_only=True)
class ContainerCreated(SandboxEvent):
    role: Role
    container_id: str
    scenario_id: str | None = None  # None for the sidecar


@dataclass(frozen=True, kw_only=True)
class ContainerStarted(SandboxEvent):
    role: Role
    container_id: str
    scenario_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ContainerExited(SandboxEvent):
    role: Role
    container_id: str
    scenario_id: str | None = None
    exit_code: int | None = None  # None: the engine did not report one
    wall_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class ContainerNotStarted(SandboxEvent):
    """The image cannot run at all (no command, bad entrypoint): the agent's
    scored failure, not an infrastructure error."""

    scenario_id: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class ContainerRemoved(SandboxEvent):
    role: Role
    container_id: str
    scenario_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class LimitHit(SandboxEvent):
    limit: Limit
    scenario_id: str | None = None  # None: the whole submission (sidecar_memory)
    detail: str = ""


@dataclass(frozen=True, kw_only=True)
class SandboxFailed(SandboxEvent):
    """An infrastructure failure (engine error, sidecar down): no verdict on
    the agent, the caller retries."""

    code: str
    message: str


@dataclass(frozen=True, kw_only=True)
class CleanedUp(SandboxEvent):
    containers: int
    volumes: int
    images: int


EventSink = Callable[[SandboxEvent], None]

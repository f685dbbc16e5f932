"""Build an agent image offline with the docker SDK (tests, bench, examples).

``network_mode="none"`` during the build: agent images must not need a
registry or the internet; the base image comes from the local engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from worker.sandbox import labels as L

DEFAULT_BASE_IMAGE = "arena-base:bookworm"
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "agents"


def build_image(
    client: Any,
    context: str | Path,
    tag: str,
    *,
    base_image: str = DEFAULT_BASE_IMAGE,
    dockerfile: str | None = None,
    extra_labels: dict[str, str] | None = None,
) -> str:
    """Build ``context`` as ``tag``; returns the image id (sha256:...)."""
    labels = {L.ARENA: "1", **(extra_labels or {})}
    image, _logs = client.images.build(
        path=str(context),
        dockerfile=dockerfile,
        tag=tag,
        buildargs={"BASE_IMAGE": base_image},
        network_mode="none",
        pull=False,
        rm=True,
        forcerm=True,
        labels=labels,
    )
    return image.id


def build_example(client: Any, name: str, tag: str | None = None, **kwargs: Any) -> str:
    """Build one of examples/agents/<name> (noop, baseline, react)."""
    return build_image(client, EXAMPLES_DIR / name, tag or f"arena-example-{name}:latest", **kwargs)


if __name__ == "__main__":
    import sys

    import docker

    docker_client = docker.from_env()
    for agent in sys.argv[1:] or ["noop", "baseline", "react"]:
        print(agent, build_example(docker_client, agent))

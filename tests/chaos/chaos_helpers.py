"""Helpers shared by the chaos tests (fixtures are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sec_api
import sec_stack


@dataclass
class Chaos:
    stack: sec_stack.ArenaStack
    pg: sec_stack.PrivatePostgres
    redis: sec_stack.PrivateRedis
    world: sec_api.World
    slow_archive: Path


def submit_slow(chaos: Chaos) -> str:
    with chaos.stack.client(chaos.world.teams["chaosa"].token, timeout=120) as c:
        r = sec_api.upload(c, chaos.slow_archive, sec_api.upload_params(chaos.world))
        assert r.status_code == 202, r.text
        return sec_api.submission_id(r.json())


SCORE_KEYS = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination_rate",
    "overall",
    "pass_rate",
)


def scores_of(sub: dict) -> dict:
    assert sub["scores"] is not None, sub
    return {k: sub["scores"][k] for k in SCORE_KEYS}


def sandbox_objects(sub_id: str) -> list[str]:
    """Containers and volumes the runner created for ``sub_id`` (any attempt)."""
    import docker

    # the low-level list carries the labels: no per-object inspect that could
    # race with the worker removing the object meanwhile
    api = docker.from_env().api
    out = [
        f"container {c['Names'][0]}"
        for c in api.containers(all=True, filters={"label": "org.assetops.arena=1"})
        if sub_id in str(c.get("Labels"))
    ]
    volumes = api.volumes(filters={"label": "org.assetops.arena=1"}).get("Volumes") or []
    out += [f"volume {v['Name']}" for v in volumes if sub_id in str(v.get("Labels"))]
    return out


def remove_sandbox_objects(sub_ids: list[str]) -> None:
    """Test teardown: remove what the product left of OUR submissions (so a
    known leak does not pile up on the shared engine)."""
    import contextlib

    import docker

    client = docker.from_env()
    for c in client.containers.list(all=True, filters={"label": "org.assetops.arena=1"}):
        if any(s in str(c.labels) for s in sub_ids):
            with contextlib.suppress(docker.errors.APIError):
                c.remove(force=True)
    for v in client.volumes.list(filters={"label": "org.assetops.arena=1"}):
        if any(s in str(v.attrs.get("Labels")) for s in sub_ids):
            with contextlib.suppress(docker.errors.APIError):
                v.remove(force=True)

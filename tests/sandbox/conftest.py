"""Fixtures of the sandbox tests: a Docker client, the sidecar image (skip
when it is not built yet) and agent images built offline from the examples
and tests/sandbox/hostile."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.settings import Settings

HERE = Path(__file__).resolve().parent
TEST_LABEL = {"org.assetops.test": "sandbox"}


def _docker() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=120)
        client.ping()
        return client
    except Exception:
        return None


@pytest.fixture(autouse=True)
def _engine_clean(engine_clean_after_test: None) -> None:
    """Every docker test of this suite leaves nothing of any submission."""


@pytest.fixture(scope="session")
def docker_client() -> Any:
    client = _docker()
    if client is None:
        pytest.skip("no Docker engine")
    return client


@pytest.fixture(scope="session")
def sidecar_image(docker_client: Any) -> str:
    """The asset-data image (ARENA_TEST_SIDECAR_IMAGE, default the settings'),
    if it already ships the asset-data service and the gateway forwarder."""
    import docker.errors

    name = os.environ.get("ARENA_TEST_SIDECAR_IMAGE", Settings().sidecar_image)
    try:
        docker_client.images.get(name)
    except docker.errors.ImageNotFound:
        pytest.skip(f"sidecar image {name} not built (make image)")
    probe = (
        "import importlib.util as u, sys; sys.exit(0 if u.find_spec('services.assetdata."
        "__main__') and u.find_spec('services.assetdata.gateway_forwarder') else 3)"
    )
    try:
        docker_client.containers.run(
            name,
            ["python", "-c", probe],
            network_mode="none",
            remove=True,
            labels={"org.assetops.arena": "1", **TEST_LABEL},
        )
    except docker.errors.ContainerError:
        pytest.skip(f"sidecar image {name} predates services.assetdata / worker.gateway")
    return name


@pytest.fixture
def sandbox_settings(tmp_path: Path, sidecar_image: str) -> Settings:
    return Settings(
        sidecar_image=sidecar_image,
        data_dir=tmp_path / "data",
        gateway_socket_dir=tmp_path / "gw",
        agent_wall_seconds=20.0,
        agent_memory_bytes=128 * 1024**2,
        agent_pids_limit=64,
        agent_output_bytes=2 * 1024**2,
        agent_tmpfs_bytes=16 * 1024**2,
        agent_fsize_bytes=8 * 1024**2,
        agent_log_bytes=256 * 1024,
        scenario_parallelism=2,
        llm_model="mock/echo",
    )


@pytest.fixture(scope="session")
def example_images(docker_client: Any) -> dict[str, str]:
    from worker.sandbox.build import build_example

    return {
        name: build_example(
            docker_client, name, f"arena-test-{name}:latest", extra_labels=TEST_LABEL
        )
        for name in ("noop", "react", "baseline")
    }


@pytest.fixture(scope="session")
def hostile_image(docker_client: Any) -> str:
    from worker.sandbox.build import build_image

    return build_image(
        docker_client, HERE / "hostile", "arena-test-hostile:latest", extra_labels=TEST_LABEL
    )


def sandbox_leftovers(client: Any, submission: str) -> tuple[list[Any], list[Any]]:
    flt = {"label": ["org.assetops.sandbox=1", f"org.assetops.submission={submission}"]}
    return client.containers.list(all=True, filters=flt), client.volumes.list(filters=flt)


@pytest.fixture
def submission_id() -> str:
    """A submission id of this test only (other engineers' runs may share the engine)."""
    return f"pytest-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def runner(submission_id: str) -> Any:
    """run_submission labelled with this test's submission id."""
    from worker.sandbox.runner import run_submission

    return functools.partial(run_submission, submission_id=submission_id)


@pytest.fixture
def no_leftovers(docker_client: Any, tmp_path: Path, submission_id: str) -> Iterator[None]:
    """The test's submission leaves no sandbox container, volume or gateway dir."""
    yield
    containers, volumes = sandbox_leftovers(docker_client, submission_id)
    assert [c.name for c in containers] == []
    assert [v.name for v in volumes] == []
    gw = tmp_path / "gw"
    assert not gw.exists() or list(gw.iterdir()) == []

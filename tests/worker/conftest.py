"""Fixtures of the worker tests: the api test database (shared helpers in
tests/api/arena_api_env.py), Docker, the sidecar image, a noop agent image
saved with `docker save`, a small scenario file, and a real Celery worker
(with beat running the reconciler) as a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from arena_api_env import (  # noqa: E402
    REDIS_URL,
    ROOT,
    World,
    create_database,
    make_settings,
    seed,
    truncate,
)

from services.settings import Settings  # noqa: E402

TEST_LABELS = {"org.assetops.arena": "1", "org.assetops.test": "api-worker"}


@pytest.fixture(scope="session")
def pg_url() -> str:
    return create_database()


@pytest.fixture(scope="session")
def docker_client() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=300)
        client.ping()
    except Exception:
        pytest.skip("no Docker engine")
    return client


@pytest.fixture(scope="session")
def sidecar_image(docker_client: Any) -> str:
    import docker.errors

    name = os.environ.get("ARENA_TEST_SIDECAR_IMAGE", "assetops-arena:latest")
    try:
        docker_client.images.get(name)
    except docker.errors.ImageNotFound:
        pytest.skip(f"sidecar image {name} not built")
    return name


def _save(docker_client: Any, tag: str, path: Path) -> Path:
    image = docker_client.images.get(tag)
    with path.open("wb") as fh:
        for chunk in image.save(named=True):
            fh.write(chunk)
    return path


@pytest.fixture(scope="session")
def agent_tars(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`docker save` archives of the noop and baseline example agents and of a sleeper
    (for cancel / worker-kill tests), built offline from arena-base."""
    from worker.sandbox.build import EXAMPLES_DIR, build_image

    out = tmp_path_factory.mktemp("agents")
    for name in ("noop", "baseline"):
        build_image(
            docker_client,
            EXAMPLES_DIR / name,
            f"arena-api-test-{name}:1",
            extra_labels={"org.assetops.test": "api-worker"},
        )
    sleeper = out / "sleeper"
    sleeper.mkdir()
    (sleeper / "Dockerfile").write_text(
        "ARG BASE_IMAGE=arena-base:bookworm\nFROM ${BASE_IMAGE}\nUSER 65534:65534\n"
        'ENTRYPOINT ["python3", "-c", "import time; time.sleep(600)"]\n'
    )
    build_image(
        docker_client,
        sleeper,
        "arena-api-test-sleeper:1",
        extra_labels={"org.assetops.test": "api-worker"},
    )
    return {
        "noop": _save(docker_client, "arena-api-test-noop:1", out / "noop.tar"),
        "baseline": _save(docker_client, "arena-api-test-baseline:1", out / "baseline.tar"),
        "sleeper": _save(docker_client, "arena-api-test-sleeper:1", out / "sleeper.tar"),
    }


@pytest.fixture(scope="session")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three small operator-style scenarios (both tracks) in a file, as an
    operator would configure ARENA_SCENARIO_FILE; the loader adds canaries."""
    import json

    items = []
    for i, (family, tool) in enumerate(
        [("iot", "iot.sites"), ("wo", "wo.list_workorders"), ("iot", "iot.sites")]
    ):
        items.append(
            {
                "id": f"api-test-{i}",
                "template": "api-test",
                "family": family,
                "task_type": "data_retrieval",
                "category": "data",
                "tracks": ["planning", "execution"],
                "output_format": "text",
                "text": f"Which sites does the plant have? Secret wording {uuid.uuid4().hex} ({i})",
                "expectation": {
                    "check": {"kind": "facts", "required": [["MAIN"]]},
                    "required_retrievals": [{"tool": tool, "arguments": {}}],
                    "family_order": [family],
                    "reference_plan": [
                        {"agent": family, "tool": tool.split(".")[1], "arguments": {}}
                    ],
                },
            }
        )
    path = tmp_path_factory.mktemp("scenarios") / "scenarios.json"
    path.write_text(json.dumps(items))
    return path


@pytest.fixture
def worker_settings(
    request: pytest.FixtureRequest,
    pg_url: str,
    tmp_path: Path,
    sidecar_image: str,
    scenario_file: Path,
) -> Settings:
    """Settings shared by the api client, the in-test pipeline and the
    Celery subprocess; ``indirect`` parametrisation overrides fields."""
    truncate(pg_url)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return make_settings(
        tmp_path / "data",
        upload_max_bytes=512 * 1024**2,
        scenario_file=scenario_file,
        sidecar_image=sidecar_image,
        gateway_socket_dir=tmp_path / "gw",
        agent_wall_seconds=30.0,
        scenario_parallelism=2,
        submission_lease_seconds=6,
        reconcile_interval_seconds=2.0,
        requeue_after_seconds=30,
        **getattr(request, "param", {}),
    )


@pytest.fixture
def world(worker_settings: Settings) -> World:
    return seed(worker_settings, daily_quota=10, max_concurrent=3)


def settings_env(settings: Settings) -> dict[str, str]:
    keys = (
        "database_url",
        "redis_url",
        "data_dir",
        "scenario_file",
        "scenario_pack",
        "hidden_seed",
        "sidecar_image",
        "gateway_socket_dir",
        "agent_wall_seconds",
        "scenario_parallelism",
        "submission_lease_seconds",
        "reconcile_interval_seconds",
        "requeue_after_seconds",
        "upload_retention_seconds",
        "submission_deadline_seconds",
        "log_level",
    )
    return {
        f"ARENA_{k.upper()}": str(getattr(settings, k))
        for k in keys
        if getattr(settings, k) is not None
    }


class CeleryWorker:
    """A real `celery worker -B` subprocess (own process group)."""

    def __init__(self, settings: Settings, tmp: Path) -> None:
        self.settings = settings
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tmp / f"celery-{uuid.uuid4().hex[:6]}.log"

    def start(self, beat: bool = True) -> CeleryWorker:
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app:app",
            "worker",
            "-Q",
            "arena",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "-n",
            f"apitest-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if beat:
            cmd += ["-B", "-s", str(self.tmp / f"beat-{uuid.uuid4().hex[:6]}")]
        env = os.environ | settings_env(self.settings) | {"ARENA_LOG_LEVEL": "INFO"}
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: a host/container dying mid-task."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker(
    worker_settings: Settings, tmp_path: Path, docker_client: Any
) -> Iterator[CeleryWorker]:
    workers: list[CeleryWorker] = []

    def _start(beat: bool = True) -> CeleryWorker:
        w = CeleryWorker(worker_settings, tmp_path).start(beat)
        workers.append(w)
        return w

    yield _start  # type: ignore[misc]
    for w in workers:
        w.stop()
    cleanup_sandboxes(worker_settings, docker_client)


def cleanup_sandboxes(settings: Settings, docker_client: Any) -> None:
    """Remove sandbox leftovers of THIS test's submissions only (other
    engineers' sandboxes on the same engine are not ours to touch)."""
    from sqlalchemy import select

    from services.store.db import session_factory
    from services.store.models import Submission
    from worker.pipeline import sandbox_label
    from worker.sandbox import janitor

    time.sleep(0.5)
    with session_factory(settings.database_url)() as session:
        ids = list(session.scalars(select(Submission.id)))
    for sid in ids:
        for attempt in range(1, settings.submission_max_attempts + 2):
            janitor.cleanup(
                docker_client, older_than=0, submission=sandbox_label(sid, attempt), images=True
            )

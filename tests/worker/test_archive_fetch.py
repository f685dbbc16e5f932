"""A worker without the api's upload directory downloads the archive from a
real api process (uvicorn on 127.0.0.1) with the internal token: exact
bytes, SHA-256 and size verified against the row, tampering rejected, the
temp file removed. Real Postgres (api test database) and Redis (db 5)."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import arena_archives as archives
import httpx
import pytest
import redis
from arena_api_env import REDIS_URL, ROOT, World, auth, make_settings, seed, truncate
from sqlalchemy import update

from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Submission
from worker.archive_fetch import ArchiveFetchError, fetch_archive, fetch_dir

pytestmark = pytest.mark.integration
SECRET = "internal-" + "w" * 40


@dataclass
class Api:
    url: str
    settings: Settings
    world: World


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def api(pg_url: str, tmp_path: Path) -> Iterator[Api]:
    truncate(pg_url)
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = make_settings(tmp_path / "api-data", internal_token=SECRET)
    world = seed(settings)
    port = _free_port()
    env = os.environ | {
        "ARENA_DATABASE_URL": settings.database_url,
        "ARENA_REDIS_URL": settings.redis_url,
        "ARENA_DATA_DIR": str(settings.data_dir),
        "ARENA_UPLOAD_MAX_BYTES": str(settings.upload_max_bytes),
        "ARENA_INTERNAL_TOKEN": SECRET,
        "ARENA_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "uvicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "services.api.main:app",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / "uvicorn.log").read_text()
            assert time.monotonic() < deadline, "api did not start"
            time.sleep(0.2)
        yield Api(url, settings, world)
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def _upload(api: Api, data: bytes) -> uuid.UUID:
    r = httpx.post(
        api.url + "/api/v1/submissions",
        params={"track": "execution"},
        content=data,
        headers=auth(api.world.team_a) | {"Content-Type": "application/x-tar"},
        timeout=60,
    )
    assert r.status_code == 202, r.text
    return uuid.UUID(r.json()["id"])


def _remote_settings(api: Api, tmp_path: Path, **overrides: Any) -> Settings:
    """A worker host: its own empty data dir, the api reachable by URL."""
    values: dict[str, Any] = {"image_source_url": api.url, "internal_token": SECRET}
    values.update(overrides)
    return make_settings(tmp_path / "worker-data", **values)


def _row(settings: Settings, sid: uuid.UUID) -> tuple[str, int]:
    with session_factory(settings.database_url)() as session:
        sub = session.get(Submission, sid)
        assert sub is not None
        return sub.image_sha256, sub.image_bytes


def test_download_into_empty_data_dir_is_verified(api: Api, tmp_path: Path) -> None:
    data = archives.gz(archives.image_tar(layer_size=3 * 1024 * 1024))
    sid = _upload(api, data)
    remote = _remote_settings(api, tmp_path)
    assert not remote.data_dir.exists()
    sha, size = _row(remote, sid)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    path = fetch_archive(remote, sid, sha, size)
    try:
        assert path.parent == fetch_dir(remote)
        assert path.read_bytes() == data
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    finally:
        path.unlink()


def test_mismatch_wrong_secret_and_missing_are_rejected(api: Api, tmp_path: Path) -> None:
    data = archives.image_tar()
    sid = _upload(api, data)
    remote = _remote_settings(api, tmp_path)
    sha, size = _row(remote, sid)
    cases = [
        ((sid, "0" * 64, size), remote, "archive_integrity"),  # recorded hash differs
        ((sid, sha, size + 1), remote, "archive_integrity"),  # truncated transfer
        ((sid, sha, size - 1), remote, "archive_integrity"),  # longer than recorded
        ((uuid.uuid4(), sha, size), remote, "archive_missing"),
        ((sid, sha, size), _remote_settings(api, tmp_path, internal_token="nope"),
         "archive_fetch_failed"),
        ((sid, sha, size), _remote_settings(api, tmp_path, image_source_url="http://127.0.0.1:9"),
         "archive_fetch_failed"),
    ]  # fmt: skip
    for args, settings, code in cases:
        with pytest.raises(ArchiveFetchError) as info:
            fetch_archive(settings, *args)
        assert info.value.code == code, (args, info.value.message)
    assert list(fetch_dir(remote).iterdir()) == []  # no partial file left behind


@pytest.mark.docker
def test_pipeline_on_a_remote_worker_feeds_the_download_to_intake(
    api: Api, tmp_path: Path, docker_client: Any
) -> None:
    """The real pipeline on a 'host' without the upload dir: the downloaded
    archive reaches intake (whose engine refuses this image with its own
    participant code, proving the bytes arrived), and the temp copy is gone.
    A row whose recorded hash disagrees is an infrastructure retry instead."""
    from worker import pipeline

    remote = _remote_settings(api, tmp_path)
    sid = _upload(api, archives.image_tar(engine_refused=True))
    assert pipeline.process(sid, pipeline.default_deps(remote)) == "failed"
    with session_factory(remote.database_url)() as session:
        sub = session.get(Submission, sid)
        assert sub is not None
        assert (sub.failure_code, sub.failure_kind) == ("load_failed", "participant")
        # the original stays on the api host for its reconciler to delete
        assert sub.archive_deleted_at is None
    assert list(fetch_dir(remote).iterdir()) == []

    tampered = _upload(api, archives.image_tar(engine_refused=True))
    with session_factory(remote.database_url)() as session:
        session.execute(
            update(Submission).where(Submission.id == tampered).values(image_sha256="f" * 64)
        )
        session.commit()
    assert pipeline.process(tampered, pipeline.default_deps(remote)) == "retry"
    assert list(fetch_dir(remote).iterdir()) == []

"""Upload intake on the real app (TestClient), real Postgres and Redis db 5:
where multipart phase/track may come from, the per-team upload slots, the
sweep of orphaned partial files, and archive deletion by the owning host.

What must happen *before the body is read* is proven over a real socket in
tests/security/test_sec_uploads.py (the TestClient reads bodies whole).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import arena_archives as archives
import pytest
import redis
from arena_api_env import REDIS_URL, World, auth, make_settings
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from services.api.submissions.upload import DiskSink, UploadSlots, sweep_partials
from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Submission
from services.store.submissions import STORE_ID_FILE, upload_store_id, utcnow

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
BOUNDARY = "arena-test-boundary"


@pytest.fixture(autouse=True)
def _clean_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def assert_problem(resp, status: int, code: str) -> None:  # noqa: ANN001
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert resp.json()["code"] == code


def stored(settings: Settings) -> list[str]:
    return sorted(
        p.name for p in (settings.data_dir / "uploads").iterdir() if p.name != STORE_ID_FILE
    )


def multipart(parts: list[tuple[str, bytes, bool]]) -> bytes:
    """A multipart body with the parts in exactly this order: (name, value, is_file)."""
    out = b""
    for name, value, is_file in parts:
        disp = f'form-data; name="{name}"' + ('; filename="agent.tar"' if is_file else "")
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disp}\r\n".encode()
        out += b"Content-Type: application/x-tar\r\n" if is_file else b""
        out += b"\r\n" + value + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def post_form(client: TestClient, token: str, body: bytes, **query: object):  # noqa: ANN201
    return client.post(
        "/api/v1/submissions",
        params=query,
        content=body,
        headers=auth(token) | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


# ---- multipart: where phase and track come from ---------------------------------
def test_multipart_fields_before_the_file_or_query_parameters_are_accepted(
    client: TestClient, world: World, settings: Settings
) -> None:
    data = archives.image_tar()
    fields_first = multipart(
        [("phase", str(world.phase_id).encode(), False), ("track", b"planning", False)]
        + [("file", data, True)]
    )
    r = post_form(client, world.team_a, fields_first)
    assert r.status_code == 202, r.text
    assert r.json()["track"] == "planning" and r.json()["phase_id"] == world.phase_id
    by_query = multipart([("file", data, True)])
    r = post_form(client, world.team_b, by_query, track="execution", phase=world.phase_id)
    assert r.status_code == 202, r.text
    # a field after the file that repeats what the query said is harmless
    repeated = multipart([("file", data, True), ("track", b"execution", False)])
    client.post(f"/api/v1/submissions/{r.json()['id']}/cancel", headers=auth(world.team_b))
    r = post_form(client, world.team_b, repeated, track="execution")
    assert r.status_code == 202, r.text
    assert not [n for n in stored(settings) if n.endswith(".part")]


@pytest.mark.parametrize(
    ("parts", "query", "code"),
    [
        # no query and the fields only after the file: unknown when the file begins
        ([("file", None), ("track", b"execution"), ("phase", b"{phase}")], {}, "track_required"),
        # the query names the track, but a phase after the file would change the target
        ([("file", None), ("phase", b"999")], {"track": "execution"}, "form_fields_after_file"),
        # query and form disagree
        (
            [("track", b"planning"), ("file", None)],
            {"track": "execution"},
            "conflicting_parameters",
        ),
        (
            [("phase", b"999"), ("file", None)],
            {"track": "execution", "phase": "{phase}"},
            "conflicting_parameters",
        ),
        ([("track", b"cooking"), ("file", None)], {}, "track_required"),
    ],
    ids=["fields_after_file", "late_phase", "track_conflict", "phase_conflict", "bad_track"],
)
def test_multipart_target_not_known_before_the_file_is_refused(
    client: TestClient,
    world: World,
    settings: Settings,
    parts: list[tuple[str, bytes | None]],
    query: dict[str, str],
    code: str,
) -> None:
    data = archives.image_tar()
    body = multipart(
        [
            (
                name,
                data if value is None else value.replace(b"{phase}", str(world.phase_id).encode()),
                value is None,
            )
            for name, value in parts
        ]
    )
    params = {k: v.replace("{phase}", str(world.phase_id)) for k, v in query.items()}
    assert_problem(post_form(client, world.team_a, body, **params), 422, code)
    assert stored(settings) == []
    assert client.get("/api/v1/submissions", headers=auth(world.team_a)).json()["total"] == 0


def test_multipart_quota_checked_from_the_leading_fields(
    client: TestClient, world: World, settings: Settings
) -> None:
    data = archives.image_tar()
    body = multipart([("track", b"execution", False), ("file", data, True)])
    for _ in range(2):  # max_concurrent 2
        assert post_form(client, world.team_a, body).status_code == 202
    assert_problem(post_form(client, world.team_a, body), 429, "too_many_running")
    assert len(stored(settings)) == 2


@pytest.mark.parametrize("value", ["\u00b2", "\u0661", "-1", "0", "2147483648", "1e3"])
def test_multipart_phase_field_must_be_a_plain_positive_integer(
    client: TestClient, world: World, value: str
) -> None:
    body = multipart(
        [("phase", value.encode(), False), ("track", b"execution", False), ("file", b"x", True)]
    )
    assert_problem(post_form(client, world.team_a, body), 422, "invalid_request")


def test_multipart_form_overhead_is_bounded(client: TestClient, world: World) -> None:
    many = [(f"f{i}", b"x" * 1000, False) for i in range(100)]  # ~100 KiB of fields
    body = multipart([*many, ("track", b"execution", False), ("file", b"x", True)])
    assert_problem(post_form(client, world.team_a, body), 400, "bad_multipart")


# ---- uploads in flight per team ----------------------------------------------------
def test_upload_slots_are_shared_bounded_renewed_and_expire() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    one = UploadSlots(2, 1.0, redis_client=client, key_prefix="test:slots")
    two = UploadSlots(2, 1.0, redis_client=client, key_prefix="test:slots")  # another process
    a, b = one.acquire(7), two.acquire(7)
    assert a is not None and b is not None and a.shared and b.shared
    assert one.acquire(7) is None and two.acquire(7) is None  # shared count
    assert one.acquire(8) is not None  # another team
    one.release(a)
    c = one.acquire(7)
    assert c is not None and one.acquire(7) is None
    # renewed slots live on; an abandoned one (b: never renewed) expires
    deadline = time.monotonic() + 1.6
    while time.monotonic() < deadline:
        two.renew(c)
        time.sleep(0.3)
    d = one.acquire(7)
    assert d is not None, "the unrenewed slot should have expired"
    assert one.acquire(7) is None  # c (renewed) and d


def test_upload_slots_count_in_process_while_redis_is_down() -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_timeout=0.2, socket_connect_timeout=0.2)
    slots = UploadSlots(1, 30.0, redis_client=dead)
    first = slots.acquire(1)
    assert first is not None and not first.shared
    assert slots.acquire(1) is None
    slots.release(first)
    assert slots.acquire(1) is not None
    assert UploadSlots(0, 30.0, redis_client=dead).acquire(1) is not None  # 0 = unbounded


def test_upload_over_the_team_limit_is_429_with_retry_after(
    client: TestClient, world: World, settings: Settings
) -> None:
    """Another api process holds both of team A's slots: the upload is
    refused before its body is read; team B is not affected."""
    other = UploadSlots.from_settings(settings)
    team_a = _team_id(settings, "team-a")
    held = [other.acquire(team_a), other.acquire(team_a)]
    assert all(held)
    r = client.post(
        "/api/v1/submissions",
        params={"track": "execution"},
        content=archives.image_tar(),
        headers=auth(world.team_a) | {"Content-Type": "application/x-tar"},
    )
    assert_problem(r, 429, "too_many_uploads")
    assert int(r.headers["retry-after"]) >= 1
    assert stored(settings) == []
    b = client.post(
        "/api/v1/submissions",
        params={"track": "execution"},
        content=archives.image_tar(),
        headers=auth(world.team_b) | {"Content-Type": "application/x-tar"},
    )
    assert b.status_code == 202, b.text
    for slot in held:
        assert slot is not None
        other.release(slot)
    r = client.post(
        "/api/v1/submissions",
        params={"track": "execution"},
        content=archives.image_tar(),
        headers=auth(world.team_a) | {"Content-Type": "application/x-tar"},
    )
    assert r.status_code == 202, r.text
    assert not redis.Redis.from_url(REDIS_URL).zcard(f"arena:uploads:inflight:{team_a}")


def _team_id(settings: Settings, name: str) -> int:
    from services.store.models import Team

    with session_factory(settings.database_url)() as session:
        return int(session.scalar(select(Team.id).where(Team.name == name)))


# ---- orphaned partial files --------------------------------------------------------
def _old(path: Path, seconds: float = 3600) -> Path:
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def test_sweep_takes_orphans_only(tmp_path: Path) -> None:
    directory = tmp_path / "uploads"
    live = DiskSink(directory, 1024)  # an upload in progress: holds the lock
    asyncio.run(live.feed(b"x" * 10))
    _old(live.path)
    orphan = directory / ".incoming-0123.part"
    orphan.write_bytes(b"left by a killed process")
    _old(orphan)
    young = directory / ".incoming-4567.part"
    young.write_bytes(b"just created, not locked yet")
    archive = directory / f"{uuid.uuid4()}.tar"
    archive.write_bytes(b"an accepted archive")
    _old(archive)
    outside = tmp_path / "precious"
    outside.write_bytes(b"not ours")
    link = directory / ".incoming-link.part"
    link.symlink_to(outside)
    os.utime(link, (0, 0), follow_symlinks=False)

    assert sweep_partials(directory, 60) == 1
    assert not orphan.exists()
    assert live.path.exists() and young.exists() and archive.exists()
    assert outside.exists() and link.is_symlink()  # never followed, never removed
    stored_upload = asyncio.run(live.finish())
    assert sweep_partials(directory, 60) == 0  # finished but not yet renamed: still locked
    os.replace(stored_upload.path, directory / "renamed.tar")
    live.close()
    assert (directory / "renamed.tar").read_bytes() == b"x" * 10


def test_api_sweeps_orphans_at_start(pg_url: str, tmp_path: Path) -> None:
    from services.api.main import create_app

    settings = make_settings(tmp_path / "data", upload_sweep_interval_seconds=3600)
    directory = settings.data_dir / "uploads"
    directory.mkdir(parents=True)
    orphan = directory / ".incoming-feedface.part"
    orphan.write_bytes(b"partial")
    _old(orphan)
    with TestClient(create_app(settings, configure_logging=False)):
        assert not orphan.exists()
        assert upload_store_id(directory) is not None  # created at start


# ---- archive deletion by the host that owns the archive -----------------------------
@pytest.fixture
def finished_uploads(client: TestClient, world: World, settings: Settings) -> Iterator[list[str]]:
    ids = []
    for token in (world.team_a, world.team_b):
        r = client.post(
            "/api/v1/submissions",
            params={"track": "execution"},
            content=archives.image_tar(),
            headers=auth(token) | {"Content-Type": "application/x-tar"},
        )
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    with session_factory(settings.database_url)() as session:
        session.execute(
            update(Submission)
            .where(Submission.id.in_([uuid.UUID(i) for i in ids]))
            .values(status="finished", finished_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    yield ids


def _marked(settings: Settings, sid: str) -> bool:
    with session_factory(settings.database_url)() as session:
        row = session.get(Submission, uuid.UUID(sid))
        assert row is not None
        return row.archive_deleted_at is not None


def test_reconciler_on_a_host_without_the_archive_leaves_it(
    finished_uploads: list[str], settings: Settings, tmp_path: Path
) -> None:
    from worker.reconciler import delete_expired_archives

    api_dir = settings.data_dir / "uploads"
    here = upload_store_id(api_dir)
    assert here is not None
    with session_factory(settings.database_url)() as session:
        owners = {str(s.id): s.archive_store for s in session.scalars(select(Submission)).all()}
    assert set(owners.values()) == {here}
    # a worker host: its own data dir, no store (no api writes there)
    worker = make_settings(tmp_path / "worker-host")
    # and a second api host with a store of its own
    other_api = make_settings(tmp_path / "other-api")
    assert upload_store_id(other_api.data_dir / "uploads", create=True) not in (None, here)
    for host in (worker, other_api):
        with session_factory(settings.database_url)() as session:
            assert delete_expired_archives(session, host, utcnow()) == 0
    for sid in finished_uploads:
        assert not _marked(settings, sid)
        assert (api_dir / f"{sid}.tar").exists()
    # the owner deletes them and marks the rows
    with session_factory(settings.database_url)() as session:
        assert delete_expired_archives(session, settings, utcnow()) == 2
    for sid in finished_uploads:
        assert _marked(settings, sid)
        assert not (api_dir / f"{sid}.tar").exists()


def test_owner_marks_a_row_whose_file_is_already_gone(
    finished_uploads: list[str], settings: Settings
) -> None:
    from worker.reconciler import delete_expired_archives

    gone, kept = finished_uploads
    (settings.data_dir / "uploads" / f"{gone}.tar").unlink()
    with session_factory(settings.database_url)() as session:
        assert delete_expired_archives(session, settings, utcnow()) == 2
    assert _marked(settings, gone) and _marked(settings, kept)


def test_legacy_rows_without_a_store_are_decided_by_the_file(
    finished_uploads: list[str], settings: Settings, tmp_path: Path
) -> None:
    """Rows uploaded before the archive_store column: deleted where the file
    is, never marked by a host that does not have it."""
    from worker.reconciler import delete_expired_archives

    with session_factory(settings.database_url)() as session:
        session.execute(update(Submission).values(archive_store=None))
        session.commit()
    worker = make_settings(tmp_path / "worker-host")
    with session_factory(settings.database_url)() as session:
        assert delete_expired_archives(session, worker, utcnow()) == 0
    with session_factory(settings.database_url)() as session:
        assert delete_expired_archives(session, settings, utcnow()) == 2
    for sid in finished_uploads:
        assert _marked(settings, sid)


def test_a_rerun_row_is_not_marked(finished_uploads: list[str], settings: Settings) -> None:
    """Only final rows lose their archive: one taken back to queued (admin
    re-run) keeps it."""
    from worker.reconciler import delete_expired_archives

    rerun, _ = finished_uploads
    with session_factory(settings.database_url)() as session:
        session.execute(
            update(Submission).where(Submission.id == uuid.UUID(rerun)).values(status="queued")
        )
        session.commit()
    with session_factory(settings.database_url)() as session:
        assert delete_expired_archives(session, settings, utcnow()) == 1
    assert not _marked(settings, rerun)
    assert (settings.data_dir / "uploads" / f"{rerun}.tar").exists()

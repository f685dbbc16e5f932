"""The api against real Postgres (dedicated database) and Redis (db 5)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import arena_archives as archives
import pytest
import redis
from arena_api_env import REDIS_URL, World, auth, finished_submission
from fastapi.testclient import TestClient

from services.settings import Settings
from services.store.submissions import STORE_ID_FILE, utcnow

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _clean_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def upload(
    client: TestClient,
    token: str,
    data: bytes,
    track: str = "execution",
    phase: int | None = None,
    content_type: str = "application/x-tar",
):
    params = {"track": track} | ({"phase": phase} if phase else {})
    return client.post(
        "/api/v1/submissions",
        params=params,
        content=data,
        headers=auth(token) | {"Content-Type": content_type},
    )


def uploads(settings: Settings) -> list[str]:
    """Archives and partial files in the upload directory (not its store id)."""
    return sorted(
        p.name for p in (settings.data_dir / "uploads").iterdir() if p.name != STORE_ID_FILE
    )


def assert_problem(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["code"] == code and body["status"] == status and body["title"] and body["type"]


# ---- auth -------------------------------------------------------------------------
def test_auth_errors(client: TestClient, world: World) -> None:
    assert_problem(client.get("/api/v1/submissions"), 401, "auth_required")
    assert_problem(
        client.get("/api/v1/submissions", headers=auth("arena_not-a-real-token-xx")),
        401,
        "invalid_token",
    )
    assert_problem(
        client.get("/api/v1/submissions", headers={"Authorization": "Basic abc"}),
        401,
        "invalid_token",
    )
    assert_problem(
        client.get("/api/v1/admin/teams", headers=auth(world.team_a)), 403, "admin_required"
    )
    assert client.get("/api/v1/admin/teams", headers=auth(world.admin)).status_code == 200


def test_token_revocation(client: TestClient, world: World) -> None:
    created = client.post(
        "/api/v1/admin/tokens",
        headers=auth(world.admin),
        json={"scope": "participant", "team": "team-a", "label": "ci"},
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert client.get("/api/v1/submissions", headers=auth(token)).status_code == 200
    listed = client.get("/api/v1/admin/tokens", headers=auth(world.admin)).json()
    assert all("token" not in t for t in listed)
    key = created.json()["key_id"]
    assert (
        client.delete(f"/api/v1/admin/tokens/{key}", headers=auth(world.admin)).status_code == 200
    )
    assert_problem(client.get("/api/v1/submissions", headers=auth(token)), 401, "invalid_token")


def test_tokens_are_hashed_at_rest(client: TestClient, world: World, settings: Settings) -> None:
    from sqlalchemy import text

    from services.store.db import engine_for

    with engine_for(settings.database_url).connect() as conn:
        stored = " ".join(str(r) for r in conn.execute(text("SELECT * FROM api_tokens")))
    for token in (world.admin, world.team_a, world.team_b):
        assert token not in stored and token[6:] not in stored


# ---- upload -------------------------------------------------------------------
def test_upload_plain_gzip_and_multipart(
    client: TestClient, world: World, settings: Settings
) -> None:
    data = archives.image_tar()
    r = upload(client, world.team_a, data)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "queued" and body["team"] == "team-a" and body["track"] == "execution"
    import hashlib

    assert body["image_sha256"] == hashlib.sha256(data).hexdigest()
    assert body["image_bytes"] == len(data)
    assert r.headers["location"] == f"/api/v1/submissions/{body['id']}"
    assert redis.Redis.from_url(REDIS_URL).llen("arena") == 1

    r2 = upload(
        client, world.team_a, archives.gz(data), track="planning", content_type="application/gzip"
    )
    assert r2.status_code == 202, r2.text
    files = {"file": ("agent.tar", io.BytesIO(data), "application/x-tar")}
    # third: multipart with form fields; quota 3/day, max_concurrent 2 -> cancel one first
    client.post(f"/api/v1/submissions/{body['id']}/cancel", headers=auth(world.team_a))
    r3 = client.post(
        "/api/v1/submissions",
        files=files,
        data={"track": "execution", "phase": str(world.phase_id)},
        headers=auth(world.team_a),
    )
    assert r3.status_code == 202, r3.text
    names = uploads(settings)
    assert f"{r2.json()['id']}.tar.gz" in names and f"{r3.json()['id']}.tar" in names
    assert not [n for n in names if n.endswith(".part")]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"definitely not a tarball" * 100, 422, "not_a_tar"),
        (archives.traversal_tar(), 422, "path_traversal"),
        (
            archives.image_tar(extra=[archives.symlink("l/x", "../../../../etc/shadow")]),
            422,
            "path_traversal",
        ),
        (archives.image_tar(extra=[archives.device("dev/mem")]), 422, "unsafe_member"),
        (archives.image_tar(images=2), 422, "multiple_images"),
        (archives.gzip_bomb(300 * 1024**2), 413, "archive_bomb"),
        (b"", 400, "empty_upload"),
    ],
    ids=["non_tar", "traversal", "symlink", "device", "multiple_images", "gzip_bomb", "empty"],
)
def test_hostile_uploads_rejected_and_nothing_left(
    client: TestClient, world: World, settings: Settings, data: bytes, status: int, code: str
) -> None:
    assert_problem(upload(client, world.team_a, data), status, code)
    assert uploads(settings) == []
    listed = client.get("/api/v1/submissions", headers=auth(world.team_a)).json()
    assert listed["total"] == 0


def test_oversize_rejected_by_header_and_by_stream(
    client: TestClient, world: World, settings: Settings
) -> None:
    big = b"\0" * (settings.upload_max_bytes + 1)
    assert_problem(upload(client, world.team_a, big), 413, "too_large")

    def chunks():  # no Content-Length: the streaming cap must catch it
        for _ in range(settings.upload_max_bytes // (1024 * 1024) + 2):
            yield b"\0" * (1024 * 1024)

    r = client.post(
        "/api/v1/submissions",
        params={"track": "execution"},
        content=chunks(),
        headers=auth(world.team_a) | {"Content-Type": "application/x-tar"},
    )
    assert_problem(r, 413, "too_large")
    assert uploads(settings) == []


def test_bad_parameters(client: TestClient, world: World) -> None:
    data = archives.image_tar()
    assert_problem(upload(client, world.team_a, data, track="cooking"), 422, "invalid_request")
    r = client.post(
        "/api/v1/submissions",
        content=data,
        headers=auth(world.team_a) | {"Content-Type": "application/x-tar"},
    )
    assert_problem(r, 422, "track_required")
    assert_problem(upload(client, world.team_a, data, phase=999), 404, "phase_not_found")
    assert_problem(
        upload(client, world.team_a, data, content_type="text/plain"), 415, "unsupported_media_type"
    )
    assert_problem(upload(client, world.admin, data), 403, "team_required")
    assert_problem(
        client.get("/api/v1/submissions/not-a-uuid", headers=auth(world.team_a)),
        422,
        "invalid_request",
    )
    # a catalog filter outside its two values, a NUL byte among them (found by
    # the API fuzzer: Postgres refuses NUL in text, which was a 500)
    for status in ("\x00", "unknown"):
        r = client.get("/api/v1/failures/catalog", params={"status": status})
        assert_problem(r, 422, "invalid_request")
    assert client.get("/api/v1/failures/catalog", params={"status": "emerging"}).status_code == 200


def test_quota_and_concurrency(client: TestClient, world: World) -> None:
    data = archives.image_tar()
    first = upload(client, world.team_a, data).json()
    upload(client, world.team_a, data)
    # max_concurrent = 2
    assert_problem(upload(client, world.team_a, data), 429, "too_many_running")
    can = client.get(
        f"/api/v1/phases/{world.phase_id}/can_make_submission", headers=auth(world.team_a)
    ).json()
    assert can["can"] is False and can["code"] == "too_many_running" and can["running"] == 2
    # a cancelled submission frees both the slot and the quota
    assert (
        client.post(f"/api/v1/submissions/{first['id']}/cancel", headers=auth(world.team_a)).json()[
            "status"
        ]
        == "cancelled"
    )
    assert upload(client, world.team_a, data).status_code == 202
    # now 2 active + 1 cancelled; finish one "by hand" to test the daily quota (3)
    subs = client.get(
        "/api/v1/submissions", headers=auth(world.team_a), params={"status": "queued"}
    ).json()["items"]
    client.post(f"/api/v1/submissions/{subs[0]['id']}/cancel", headers=auth(world.team_a))
    assert upload(client, world.team_a, data).status_code == 202  # used: 2 active + 0 = ok
    # team B is unaffected by team A's usage
    assert upload(client, world.team_b, data).status_code == 202
    can = client.get(
        f"/api/can_make_submission/{world.phase_id}/", headers=auth(world.team_a)
    ).json()
    assert can["used_today"] == 2 and can["remaining_today"] == 1


def test_daily_quota_counts_only_live_or_finished(
    client: TestClient, world: World, settings: Settings
) -> None:
    for minutes in (1, 2, 3):
        finished_submission(settings, "team-a", world.phase_id, "execution", 50, minutes)
    assert_problem(upload(client, world.team_a, archives.image_tar()), 429, "quota_exceeded")


def test_phase_closed(client: TestClient, world: World) -> None:
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    r = client.patch(
        f"/api/v1/admin/phases/{world.phase_id}",
        headers=auth(world.admin),
        json={"closes_at": past, "opens_at": (utcnow() - timedelta(days=1)).isoformat()},
    )
    assert r.status_code == 200, r.text
    data = archives.image_tar()
    assert_problem(upload(client, world.team_a, data, phase=world.phase_id), 409, "phase_closed")
    assert_problem(upload(client, world.team_a, data), 409, "no_open_phase")


# ---- visibility -----------------------------------------------------------------
def test_team_b_cannot_see_team_a(client: TestClient, world: World, settings: Settings) -> None:
    sid = finished_submission(settings, "team-a", world.phase_id, "execution", 70)
    a = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a))
    assert a.status_code == 200 and a.json()["scores"]["overall"] == 70
    for path in (f"/api/v1/submissions/{sid}", f"/api/v1/submissions/{sid}/failures"):
        assert_problem(client.get(path, headers=auth(world.team_b)), 404, "submission_not_found")
    assert_problem(
        client.post(f"/api/v1/submissions/{sid}/cancel", headers=auth(world.team_b)),
        404,
        "submission_not_found",
    )
    assert client.get("/api/v1/submissions", headers=auth(world.team_b)).json()["total"] == 0
    assert client.get("/api/v1/submissions", headers=auth(world.admin)).json()["total"] == 1
    fs = client.get(f"/api/v1/submissions/{sid}/failures", headers=auth(world.team_a)).json()
    assert fs["total_failures"] == 4 and fs["clusters"][0]["category"] == "Unhandled Tool Errors"
    catalog = client.get("/api/v1/failures/catalog").json()
    assert catalog["total"] == 1 and "centroid" not in catalog["items"][0]


# ---- leaderboard ------------------------------------------------------------------
def test_leaderboard_etag_304_pagination_hide(
    client: TestClient, world: World, settings: Settings
) -> None:
    finished_submission(settings, "team-a", world.phase_id, "execution", 60, 30)
    best_a = finished_submission(settings, "team-a", world.phase_id, "execution", 80, 20)
    b = finished_submission(settings, "team-b", world.phase_id, "execution", 80, 25)
    finished_submission(settings, "team-b", world.phase_id, "planning", 40, 5)
    params = {"phase": world.phase_id, "track": "execution"}
    r = client.get("/api/v1/leaderboard", params=params)
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert re.fullmatch(r'"lb-\d+-execution-\d+-1-50"', etag)
    assert "max-age" in r.headers["cache-control"]
    board = r.json()
    assert [e["team"] for e in board["entries"]] == ["team-b", "team-a"]  # tie: earlier wins
    assert board["entries"][1]["submission_id"] == str(best_a)
    assert board["entries"][0]["top_failure_clusters"][0]["cluster_id"] == "fc-test0001"
    assert {c["key"] for c in board["columns"]} >= {"overall", "pass_rate", "hallucination_rate"}
    r304 = client.get("/api/v1/leaderboard", params=params, headers={"If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b"" and r304.headers["etag"] == etag
    page2 = client.get("/api/v1/leaderboard", params=params | {"page": 2, "page_size": 1}).json()
    assert [e["rank"] for e in page2["entries"]] == [2] and page2["total"] == 2
    # hiding bumps the version: the old ETag no longer matches
    client.post(
        f"/api/v1/admin/submissions/{b}/hide", headers=auth(world.admin), json={"hidden": True}
    )
    r2 = client.get("/api/v1/leaderboard", params=params, headers={"If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["etag"] != etag
    assert [e["team"] for e in r2.json()["entries"]] == ["team-a"]


def test_codabench_shape(client: TestClient, world: World, settings: Settings) -> None:
    finished_submission(settings, "team-a", world.phase_id, "execution", 72.345, 10)
    finished_submission(settings, "team-b", world.phase_id, "planning", 50, 5)
    r = client.get(
        f"/api/phases/{world.phase_id}/get_leaderboard/", params={"page": 1, "page_size": 10}
    )
    assert r.status_code == 200
    body = r.json()
    assert {"title", "id", "submissions", "tasks", "primary_index"} <= set(body)
    assert body["id"] == world.phase_id and body["primary_index"] == 0
    assert [t["name"] for t in body["tasks"]] == ["planning", "execution"]
    cols = body["tasks"][0]["columns"]
    assert cols[0] == {
        "index": 0,
        "key": "overall",
        "title": "Overall",
        "precision": 2,
        "sorting": "desc",
        "hidden": False,
        "computation": None,
    }
    owners = [s["owner"] for s in body["submissions"]]
    assert owners == ["Team B", "Team A"]  # ordered by the first task (planning)
    a = body["submissions"][1]
    assert {"id", "owner", "scores", "created_when"} <= set(a)
    assert (
        a["scores"][0] == {"index": 0, "score": "72.34", "task_id": 2, "column_key": "overall"}
        or a["scores"][0]["score"] == "72.35"
    )
    etag = r.headers["etag"]
    assert (
        client.get(
            f"/api/phases/{world.phase_id}/get_leaderboard/",
            params={"page": 1, "page_size": 10},
            headers={"If-None-Match": etag},
        ).status_code
        == 304
    )


def test_private_phase_board_is_admin_only(client: TestClient, world: World) -> None:
    client.patch(
        f"/api/v1/admin/phases/{world.phase_id}",
        headers=auth(world.admin),
        json={"visibility": "private"},
    )
    assert_problem(
        client.get("/api/v1/leaderboard", params={"phase": world.phase_id}), 404, "phase_not_found"
    )
    assert_problem(
        client.get(f"/api/phases/{world.phase_id}/get_leaderboard/", headers=auth(world.team_a)),
        404,
        "phase_not_found",
    )
    r = client.get(
        "/api/v1/leaderboard", params={"phase": world.phase_id}, headers=auth(world.admin)
    )
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-cache"


# ---- admin, health, openapi ----------------------------------------------------------
def test_admin_team_phase_crud(client: TestClient, world: World) -> None:
    h = auth(world.admin)
    assert client.post("/api/v1/admin/teams", headers=h, json={"name": "team-c"}).status_code == 201
    assert_problem(
        client.post("/api/v1/admin/teams", headers=h, json={"name": "team-c"}), 409, "team_exists"
    )
    assert_problem(
        client.post("/api/v1/admin/teams", headers=h, json={"name": "Bad Name!"}),
        422,
        "invalid_request",
    )
    now = utcnow()
    r = client.post(
        "/api/v1/admin/phases",
        headers=h,
        json={
            "title": "Final",
            "visibility": "private",
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(),
            "tracks": ["execution"],
            "daily_quota": 1,
            "max_concurrent": 1,
        },
    )
    assert r.status_code == 201 and r.json()["visibility"] == "private"
    assert_problem(
        client.post(
            "/api/v1/admin/phases",
            headers=h,
            json={
                "title": "Bad",
                "opens_at": now.isoformat(),
                "closes_at": now.isoformat(),
                "tracks": ["execution"],
            },
        ),
        422,
        "invalid_request",
    )
    # a private phase is listed for everyone (teams submit to it); only its
    # board is hidden (tests/api/test_phase_visibility.py)
    phases = client.get("/api/v1/phases").json()
    assert len(phases) == 2


def test_rerun_needs_archive(client: TestClient, world: World, settings: Settings) -> None:
    sid = finished_submission(settings, "team-a", world.phase_id, "execution", 70)
    assert_problem(
        client.post(f"/api/v1/admin/submissions/{sid}/rerun", headers=auth(world.admin)),
        409,
        "archive_gone",
    )
    from sqlalchemy import update

    from services.store.db import session_factory
    from services.store.models import Submission

    (settings.data_dir / "uploads" / f"{sid}.tar").write_bytes(archives.image_tar())
    with session_factory(settings.database_url)() as session:
        session.execute(
            update(Submission).where(Submission.id == sid).values(archive_name=f"{sid}.tar")
        )
        session.commit()
    r = client.post(f"/api/v1/admin/submissions/{sid}/rerun", headers=auth(world.admin))
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["scores"] is None
    assert (
        client.get(
            "/api/v1/leaderboard", params={"phase": world.phase_id, "track": "execution"}
        ).json()["total"]
        == 0
    )


def test_health_ready_metrics(client: TestClient, world: World, settings: Settings) -> None:
    finished_submission(settings, "team-a", world.phase_id, "execution", 70)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "redis": "ok"}
    text = client.get("/metrics").text
    assert 'arena_submissions{status="finished"} 1.0' in text
    assert "arena_queue_depth" in text and "arena_submission_evaluation_seconds_bucket" in text
    assert "arena_http_requests_total" in text


def test_readyz_reports_unavailable_dependencies(pg_url: str, tmp_path: Path) -> None:
    from arena_api_env import make_settings

    from services.api.main import create_app

    settings = make_settings(tmp_path, redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings, configure_logging=False)) as c:
        r = c.get("/readyz")
    assert_problem(r, 503, "not_ready")
    assert r.json()["checks"]["redis"].startswith("error")


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/nope"), 404, "not_found")
    assert_problem(client.put("/api/v1/leaderboard"), 405, "method_not_allowed")


def test_openapi_is_complete(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary") or op.get("description"), (method, path)
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
    assert (
        "multipart/form-data"
        in spec["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]
    )


def test_worker_writes_reach_pollers_within_the_version_ttl(
    pg_url: str, tmp_path: Path, world: World, settings: Settings
) -> None:
    """A write from another process (the worker) is not announced to this
    api process; its cached phase head expires after the TTL."""
    import time

    from arena_api_env import make_settings

    from services.api.main import create_app

    fast = make_settings(settings.data_dir, leaderboard_version_ttl_seconds=0.3)
    params = {"phase": world.phase_id, "track": "execution"}
    with TestClient(create_app(fast, configure_logging=False)) as c:
        etag = c.get("/api/v1/leaderboard", params=params).headers["etag"]
        finished_submission(fast, "team-a", world.phase_id, "execution", 50)
        time.sleep(0.4)
        r = c.get("/api/v1/leaderboard", params=params, headers={"If-None-Match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag
        assert r.json()["total"] == 1


def test_failed_authentications_are_rate_limited(client: TestClient, world: World) -> None:
    statuses = []
    for _ in range(25):
        r = client.get("/api/v1/submissions", headers=auth(f"arena_guess{0:040d}"))
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert_problem(r, 429, "too_many_auth_failures")
            assert int(r.headers["retry-after"]) >= 1
            break
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429
    # counted per (address, credential): a valid token from the same address
    # is not locked out by another token's failures (tests/api/test_ratelimit.py)
    assert client.get("/api/v1/submissions", headers=auth(world.team_a)).status_code == 200


def test_published_scores_are_rounded(client: TestClient, world: World, settings: Settings) -> None:
    from services.store.db import session_factory
    from services.store.models import SubmissionScore

    sid = finished_submission(settings, "team-a", world.phase_id, "execution", 28.333333)
    with session_factory(settings.database_url)() as session:
        assert session.get(SubmissionScore, sid).overall == 28.333333  # stored exactly
    board = client.get(
        "/api/v1/leaderboard", params={"phase": world.phase_id, "track": "execution"}
    ).json()
    scores = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()["scores"]
    for key in (c["key"] for c in board["columns"]):
        # every column is in the entry (None: not recorded); score columns also in the scores
        for value in (board["entries"][0][key], scores.get(key)):
            assert value is None or round(value, 2) == value, (key, value)
    assert board["entries"][0]["overall"] == 28.33 and scores["overall"] == 28.33

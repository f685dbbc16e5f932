"""GET /api/internal/submissions/{id}/archive against real Postgres and Redis:
only the internal secret opens it (never a bearer token), bytes are exact."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import arena_archives as archives
import pytest
import redis
from arena_api_env import REDIS_URL, World, auth, make_settings
from fastapi.testclient import TestClient

from services.settings import Settings

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
SECRET = "internal-" + "k" * 40
HEADER = "X-Arena-Internal-Token"


@pytest.fixture(autouse=True)
def _clean_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def internal_settings(settings: Settings, tmp_path: Path) -> Settings:
    # `settings` truncated the database; same data dir, plus the secret.
    return make_settings(settings.data_dir, internal_token=SECRET)


@pytest.fixture
def internal_client(internal_settings: Settings) -> Iterator[TestClient]:
    from services.api.main import create_app

    with TestClient(create_app(internal_settings, configure_logging=False)) as c:
        yield c


def _url(sub_id: object) -> str:
    return f"/api/internal/submissions/{sub_id}/archive"


def _problem(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    assert resp.json()["code"] == code


def _upload(client: TestClient, token: str, data: bytes) -> str:
    r = client.post(
        "/api/v1/submissions",
        params={"track": "execution"},
        content=data,
        headers=auth(token) | {"Content-Type": "application/x-tar"},
    )
    assert r.status_code == 202, r.text
    return r.json()["id"]


@pytest.fixture
def archive_bytes() -> bytes:
    # > 1 MiB so the response is streamed in several chunks
    return archives.gz(archives.image_tar(layer_size=3 * 1024 * 1024))


def test_streams_exact_bytes_with_internal_token(
    internal_client: TestClient, world: World, archive_bytes: bytes
) -> None:
    sub_id = _upload(internal_client, world.team_a, archive_bytes)
    r = internal_client.get(_url(sub_id), headers={HEADER: SECRET})
    assert r.status_code == 200, r.text
    assert r.content == archive_bytes
    assert r.headers["content-length"] == str(len(archive_bytes))
    assert r.headers["x-arena-archive-sha256"] == hashlib.sha256(archive_bytes).hexdigest()
    assert r.headers["content-type"] == "application/octet-stream"


def test_bearer_tokens_and_wrong_secrets_are_refused(
    internal_client: TestClient, world: World, archive_bytes: bytes
) -> None:
    sub_id = _upload(internal_client, world.team_a, archive_bytes)
    for token in (world.team_a, world.team_b, world.admin):
        _problem(
            internal_client.get(_url(sub_id), headers=auth(token)), 401, "internal_token_required"
        )
        # an api token presented as the internal secret is just a wrong secret
        _problem(
            internal_client.get(_url(sub_id), headers={HEADER: token}),
            403,
            "invalid_internal_token",
        )
    _problem(internal_client.get(_url(sub_id)), 401, "internal_token_required")
    for wrong in (SECRET[:-1], SECRET + "x", "x", SECRET.upper()):
        _problem(
            internal_client.get(_url(sub_id), headers={HEADER: wrong}),
            403,
            "invalid_internal_token",
        )


def test_disabled_without_configured_secret(
    client: TestClient, world: World, archive_bytes: bytes
) -> None:
    """No ARENA_INTERNAL_TOKEN: the route answers 404 to everyone."""
    sub_id = _upload(client, world.team_a, archive_bytes)
    for headers in ({}, {HEADER: SECRET}, {HEADER: ""}, auth(world.admin)):
        _problem(client.get(_url(sub_id), headers=headers), 404, "not_found")


def test_missing_final_and_deleted_archives_are_404(
    internal_client: TestClient, internal_settings: Settings, world: World, archive_bytes: bytes
) -> None:
    ok = {HEADER: SECRET}
    _problem(internal_client.get(_url(uuid.uuid4()), headers=ok), 404, "archive_not_available")
    _problem(internal_client.get(_url("not-a-uuid"), headers=ok), 422, "invalid_request")
    # final state (cancelled): not served even if the file were still there
    cancelled = _upload(internal_client, world.team_a, archive_bytes)
    r = internal_client.post(f"/api/v1/submissions/{cancelled}/cancel", headers=auth(world.team_a))
    assert r.status_code == 200, r.text
    _problem(internal_client.get(_url(cancelled), headers=ok), 404, "archive_not_available")
    # file gone from disk while the row still names it
    gone = _upload(internal_client, world.team_b, archive_bytes)
    for path in (internal_settings.data_dir / "uploads").iterdir():
        path.unlink()
    _problem(internal_client.get(_url(gone), headers=ok), 404, "archive_not_available")


def test_route_is_in_openapi(internal_client: TestClient) -> None:
    spec = internal_client.get("/openapi.json").json()
    op = spec["paths"]["/api/internal/submissions/{submission_id}/archive"]["get"]
    assert {"401", "403", "404"} <= set(op["responses"])
    assert any(p["name"].lower() == "x-arena-internal-token" for p in op["parameters"])


def test_wrong_internal_secrets_are_rate_limited(
    internal_client: TestClient, internal_settings: Settings
) -> None:
    """A wrong worker secret counts like a bad bearer token (per address and
    credential; random guesses meet the 10x per-address ceiling instead):
    after the per-minute limit the route answers 429 without looking at it."""
    limit = internal_settings.auth_failures_per_minute
    statuses = [
        internal_client.get(_url(uuid.uuid4()), headers={HEADER: "guess"}).status_code
        for _ in range(limit + 2)
    ]
    assert set(statuses[:limit]) <= {401, 403}, statuses
    assert statuses[limit:] == [429, 429], statuses
    r = internal_client.get(_url(uuid.uuid4()), headers={HEADER: "guess"})
    _problem(r, 429, "too_many_auth_failures")
    assert int(r.headers["retry-after"]) >= 1

"""Every operation of the api's live OpenAPI × (anonymous, team A, team B,
admin) → expected status class; tokens hashed at rest; timing-safe
comparison; revocation; rate limiting of failed authentications.

The matrix is driven by the served ``/openapi.json``: an operation that
``ACCESS`` does not classify fails ``test_every_operation_is_classified``,
so a new endpoint cannot ship without an access decision and its row here.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sec_api
from sec_stack import ArenaStack, pg_dump, sql

pytestmark = [pytest.mark.integration, pytest.mark.docker]

# Access classes:
#   public  – anyone, including anonymous
#   auth    – any valid token (team or admin)
#   team    – a team token (admins have no team: 403 team_required)
#   own     – team A's own resource: B gets 404 (no existence oracle), admin sees all
#   admin   – admin scope only
#   internal – workers' shared secret (X-Arena-Internal-Token) only: every
#              bearer token is refused (404 when no secret is configured)
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/metrics"): "public",
    ("GET", "/"): "public",
    ("GET", "/api/v1/phases"): "public",
    ("GET", "/api/v1/phases/{phase_id}"): "public",
    ("GET", "/api/v1/leaderboard"): "public",
    ("GET", "/api/phases/{phase_id}/get_leaderboard/"): "public",
    ("GET", "/api/v1/failures/catalog"): "public",
    ("GET", "/api/v1/submissions"): "auth",
    ("POST", "/api/v1/submissions"): "team",
    ("GET", "/api/v1/phases/{phase_id}/can_make_submission"): "team",
    ("GET", "/api/can_make_submission/{phase_id}/"): "team",
    ("GET", "/api/v1/submissions/{submission_id}"): "own",
    ("GET", "/api/v1/submissions/{submission_id}/failures"): "own",
    ("GET", "/api/v1/submissions/{submission_id}/record"): "own",
    ("POST", "/api/v1/submissions/{submission_id}/cancel"): "own",
    ("GET", "/api/v1/admin/teams"): "admin",
    ("POST", "/api/v1/admin/teams"): "admin",
    ("PATCH", "/api/v1/admin/teams/{team_id}"): "admin",
    ("GET", "/api/v1/admin/tokens"): "admin",
    ("POST", "/api/v1/admin/tokens"): "admin",
    ("DELETE", "/api/v1/admin/tokens/{key_id}"): "admin",
    ("POST", "/api/v1/admin/phases"): "admin",
    ("PATCH", "/api/v1/admin/phases/{phase_id}"): "admin",
    ("GET", "/api/v1/admin/phases/{phase_id}/pack-comparison"): "admin",
    ("POST", "/api/v1/admin/submissions/{submission_id}/hide"): "admin",
    ("POST", "/api/v1/admin/submissions/{submission_id}/rerun"): "admin",
    ("POST", "/api/v1/admin/phases/{phase_id}/rerun"): "admin",
    ("GET", "/api/internal/submissions/{submission_id}/archive"): "internal",
}
# Path prefixes whose unknown operations are classified by rule (the page's
# static files and HTML views are public by design).
PUBLIC_PREFIXES = ("/static/", "/teams/", "/page/", "/phases/")

ROLES = ("anonymous", "team_b", "team_a", "admin")  # admin last: its calls mutate


@dataclass
class Matrix:
    stack: ArenaStack
    tokens: dict[str, str | None]
    params: dict[str, str]
    bodies: dict[tuple[str, str], Any]
    spec: dict[str, Any]


def _operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    ops = []
    for path, item in spec["paths"].items():
        for method in item:
            if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                ops.append((method.upper(), path))
    return sorted(ops)


def _classify(method: str, path: str) -> str | None:
    if (method, path) in ACCESS:
        return ACCESS[(method, path)]
    if method == "GET" and path.startswith(PUBLIC_PREFIXES):
        return "public"
    return None


@pytest.fixture(scope="module")
def matrix(stack: ArenaStack) -> Iterator[Matrix]:
    world = sec_api.bootstrap_world(stack, teams=("mxa", "mxb"))
    a, b = world.teams["mxa"], world.teams["mxb"]
    scratch_team = sec_api.create_team(stack, f"mxscratch-{uuid.uuid4().hex[:6]}")
    with stack.client(world.admin_token) as admin:
        victim = admin.post(
            "/api/v1/admin/tokens", json={"scope": "participant", "team": scratch_team.name}
        ).json()
    with stack.client(a.token) as ca:
        r = sec_api.upload(ca, sec_api.tiny_archive(stack.root), sec_api.upload_params(world))
        assert r.status_code == 202, r.text
        sub_id = sec_api.submission_id(r.json())
    params = {
        "submission_id": sub_id,
        "phase_id": str(world.phase_id),
        "team_id": str(scratch_team.team_id),
        "key_id": victim["key_id"],
    }
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/api/v1/admin/teams"): {"name": f"mx-{uuid.uuid4().hex[:8]}"},
        ("PATCH", "/api/v1/admin/teams/{team_id}"): {"display_name": "Scratch"},
        ("POST", "/api/v1/admin/tokens"): {"scope": "participant", "team": scratch_team.name},
        ("POST", "/api/v1/admin/phases"): {
            "title": "mx",
            "opens_at": "2026-01-01T00:00:00Z",
            "tracks": ["execution"],
        },
        ("PATCH", "/api/v1/admin/phases/{phase_id}"): {"title": "mx-renamed"},
        ("POST", "/api/v1/admin/submissions/{submission_id}/hide"): {"hidden": False},
    }
    spec = httpx.get(stack.base_url + "/openapi.json", timeout=10).json()
    yield Matrix(
        stack,
        {"anonymous": None, "team_a": a.token, "team_b": b.token, "admin": world.admin_token},
        params,
        bodies,
        spec,
    )
    with stack.client(a.token) as ca:
        sec_api.cancel_all(ca, [sub_id])


def _call(m: Matrix, role: str, method: str, path: str) -> httpx.Response:
    url = path
    for name, value in m.params.items():
        url = url.replace("{" + name + "}", value)
    assert "{" not in url, f"no value for a path parameter of {path}"
    query: dict[str, Any] = {}
    if path == "/api/v1/leaderboard":
        query = {"phase": m.params["phase_id"]}
    if (method, path) == ("POST", "/api/v1/submissions"):
        # an empty archive: authorised callers get a 4xx about the body
        query = {"phase": m.params["phase_id"], "track": "execution"}
    with m.stack.client(m.tokens[role]) as client:
        body = m.bodies.get((method, path))
        if (method, path) == ("POST", "/api/v1/submissions"):
            return client.post(
                url, params=query, content=b"", headers={"Content-Type": "application/x-tar"}
            )
        return client.request(method, url, params=query, json=body)


def _expect(klass: str, role: str, method: str, path: str) -> set[int] | str:
    """Exact denial statuses, or 'allowed' (anything but 401/403/404/5xx)."""
    anonymous = role == "anonymous"
    if klass == "internal":
        return {401, 403, 404}
    if klass == "public":
        return "allowed"
    if anonymous:
        return {401}
    if klass == "auth":
        return "allowed"
    if klass == "team":
        return {403} if role == "admin" else "allowed"
    if klass == "own":
        return {404} if role == "team_b" else "allowed"
    if klass == "admin":
        return "allowed" if role == "admin" else {403}
    raise AssertionError(klass)


def test_every_operation_is_classified(matrix: Matrix) -> None:
    unclassified = [f"{m} {p}" for m, p in _operations(matrix.spec) if _classify(m, p) is None]
    assert not unclassified, (
        "new endpoints without an access decision in tests/security/test_sec_auth_matrix.py "
        f"ACCESS: {unclassified}"
    )


def test_classified_operations_still_exist(matrix: Matrix) -> None:
    live = set(_operations(matrix.spec))
    stale = [f"{m} {p}" for (m, p) in ACCESS if (m, p) not in live and p != "/"]
    assert not stale, f"ACCESS rows for operations the api no longer serves: {stale}"


def test_auth_matrix(matrix: Matrix) -> None:
    failures: list[str] = []
    seen = 0
    for method, path in _operations(matrix.spec):
        klass = _classify(method, path)
        if klass is None:
            continue  # reported by test_every_operation_is_classified
        for role in ROLES:
            r = _call(matrix, role, method, path)
            seen += 1
            expected = _expect(klass, role, method, path)
            where = f"{role:9} {method:6} {path} [{klass}] -> {r.status_code}"
            if r.status_code >= 500:
                failures.append(f"{where}: server error {r.text[:200]}")
            elif expected == "allowed":
                if r.status_code in (401, 403) or (r.status_code == 404 and "{" not in path):
                    failures.append(f"{where}: should be allowed: {r.text[:200]}")
                elif r.status_code == 404 and klass in ("own", "admin"):
                    failures.append(f"{where}: own/admin resource not found: {r.text[:200]}")
            else:
                assert isinstance(expected, set)
                if r.status_code not in expected:
                    failures.append(f"{where}: expected {sorted(expected)}: {r.text[:200]}")
                elif not sec_api.is_problem(r):
                    failures.append(f"{where}: denial is not problem+json")
                elif (
                    klass != "internal"
                    and r.status_code == 401
                    and "bearer" not in r.headers.get("www-authenticate", "").lower()
                ):
                    failures.append(f"{where}: 401 without WWW-Authenticate: Bearer")
    assert seen >= 4 * len(ACCESS) - 4, seen
    assert not failures, "\n".join(failures)


def test_foreign_submission_is_indistinguishable_from_missing(matrix: Matrix) -> None:
    """Team B asking for A's submission gets byte-for-byte the answer it gets
    for an id that does not exist: ids cannot be probed."""
    with matrix.stack.client(matrix.tokens["team_b"]) as b:
        foreign = b.get(f"/api/v1/submissions/{matrix.params['submission_id']}")
        missing = b.get(f"/api/v1/submissions/{uuid.uuid4()}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_team_b_cannot_see_team_a_in_its_listing(matrix: Matrix) -> None:
    with matrix.stack.client(matrix.tokens["team_b"]) as b:
        listing = b.get("/api/v1/submissions", params={"page_size": 200}).json()
    ids = {item["id"] for item in listing["items"]}
    assert matrix.params["submission_id"] not in ids


def test_tokens_hashed_at_rest(matrix: Matrix) -> None:
    """The database holds SHA-256 digests only: no plaintext token in any
    column of any table (checked on a full pg_dump), and each stored hash is
    the digest of the token we hold."""
    dump = pg_dump(matrix.stack.db_url)
    plaintexts = [t for t in matrix.tokens.values() if t] + [matrix.stack.admin_token]
    for token in plaintexts:
        assert token.encode() not in dump, "a plaintext token is stored in the database"
        # not even the random part without its prefix
        assert token.split("_", 1)[-1].encode() not in dump
    stored = {r[0] for r in sql(matrix.stack.db_url, "SELECT secret_hash FROM api_tokens")}
    for token in plaintexts:
        assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_token_comparison_is_timing_safe(matrix: Matrix, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup goes by a prefix of the token's hash (so database index
    timing reveals nothing about the secret), and the final comparison is
    ``hmac.compare_digest``; proven by spying on it during a real lookup."""
    import hmac

    from sec_stack import sqlalchemy_url

    from services.api import deps
    from services.store import tokens as tokens_mod
    from services.store.db import session_factory

    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens_mod.hmac, "compare_digest", spy)
    token = matrix.tokens["team_a"]
    assert token is not None
    with session_factory(sqlalchemy_url(matrix.stack.db_url))() as session:
        principal = deps.resolve_principal(session, token)
        assert principal.team_id is not None
        assert calls, "token check did not use hmac.compare_digest"
        assert all(
            token.encode() not in (a if isinstance(a, bytes) else str(a).encode()) for a, _ in calls
        ), "compare_digest was fed the plaintext"
        # one flipped character of the secret: same lookup path, rejected
        forged = token[:-1] + ("A" if token[-1] != "A" else "B")
        with pytest.raises(Exception) as info:
            deps.resolve_principal(session, forged)
        assert getattr(info.value, "status", None) == 401


def test_revoked_token_rejected(stack: ArenaStack, matrix: Matrix) -> None:
    team = sec_api.create_team(stack, f"revoke-{uuid.uuid4().hex[:6]}")
    with stack.client(team.token) as c:
        assert c.get("/api/v1/submissions").status_code == 200
    key_id = hashlib.sha256(team.token.encode()).hexdigest()[:16]
    with stack.client(matrix.tokens["admin"]) as admin:
        assert admin.delete(f"/api/v1/admin/tokens/{key_id}").status_code == 200
    with stack.client(team.token) as c:
        r = c.get("/api/v1/submissions")
    assert r.status_code == 401 and sec_api.is_problem(r)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "bearer arena_" + "x" * 43,
        "Bearer " + "x" * 5000,
        "Bearer arena_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
        "Token abc",
        "Bearer a b c",
    ],
)
def test_malformed_authorization_headers_are_401(stack: ArenaStack, header: str) -> None:
    r = httpx.get(
        stack.base_url + "/api/v1/submissions",
        headers={"Authorization": header.encode("utf-8")},
        timeout=10,
    )
    assert r.status_code == 401, r.text
    assert sec_api.is_problem(r)


def test_auth_failures_rate_limited(stack: ArenaStack, matrix: Matrix) -> None:
    """A client hammering a bad token is slowed down (429 + Retry-After,
    problem+json) well before it can make a dent in a 256-bit space.

    Runs against an api process of its own, for a lower limit. Counts are
    shared through the stack's Redis and kept per (client address,
    credential) with a 10x higher per-address ceiling: every test here comes
    from 127.0.0.1, and only this one bad token gets locked out; valid
    tokens from the same address keep working (tests/api/test_ratelimit.py
    covers the ceiling)."""
    limit = 5
    proc, url = stack.start_extra_api("api-ratelimit", ARENA_AUTH_FAILURES_PER_MINUTE=str(limit))
    guess = f"arena_guess{uuid.uuid4().hex}{0:08d}"
    try:
        statuses = []
        with httpx.Client(base_url=url, timeout=10) as client:
            for _ in range(limit + 3):
                r = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {guess}"})
                statuses.append(r.status_code)
            assert statuses[:limit] == [401] * limit, statuses
            assert statuses[limit:] == [429] * 3, statuses
            assert int(r.headers["retry-after"]) >= 1
            assert sec_api.is_problem(r) and r.json()["code"] == "too_many_auth_failures"
            # public reads without a token stay available to the limited client
            assert client.get("/api/v1/phases").status_code == 200
            # and another (valid) token from the same address is not locked out
            valid = {"Authorization": f"Bearer {matrix.tokens['team_a']}"}
            assert client.get("/api/v1/submissions", headers=valid).status_code == 200
    finally:
        proc.stop()
        stack.extra_processes.remove(proc)


def test_error_bodies_do_not_echo_tokens(stack: ArenaStack, matrix: Matrix) -> None:
    token = matrix.tokens["team_a"]
    assert token is not None
    with stack.client(token) as c:
        r = c.get("/api/v1/submissions/not-a-uuid")
    assert r.status_code == 422
    assert token not in r.text
    assert not re.search(r"arena_[A-Za-z0-9_-]{20,}", r.text)

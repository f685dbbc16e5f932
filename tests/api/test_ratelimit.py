"""The failed-authentication limiter (services/api/ratelimit/): unit tests
of the counting rules on both backends (in-process and real Redis, db 12 by
default) and tests through the api (real Postgres, real Redis).

Every test uses key prefixes or client addresses of its own, so runs of
other engineers sharing the Redis database do not interfere."""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from arena_api_env import World, auth, make_settings
from fastapi.testclient import TestClient
from starlette.datastructures import Headers

from services.api.ratelimit import (
    CURRENT_ATTEMPT,
    AuthAttempt,
    AuthFailureLimiter,
    client_address,
    counting_address,
    credential_fingerprint,
    parse_trusted_proxies,
    presented_credential,
)
from services.settings import Settings

LIMITER_REDIS_URL = os.environ.get("ARENA_RATELIMIT_TEST_REDIS", "redis://127.0.0.1:6379/12")
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
PROBLEM = "application/problem+json"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_prefix() -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(LIMITER_REDIS_URL)
    prefix = f"test-authfail:{uuid.uuid4().hex}"
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def make_limiter(
    backend: str,
    redis_prefix: tuple[redis.Redis, str] | None,
    per_minute: int,
    per_address: int | None = None,
    **kwargs: object,
) -> AuthFailureLimiter:
    if backend == "memory":
        return AuthFailureLimiter(per_minute, per_address, **kwargs)  # type: ignore[arg-type]
    assert redis_prefix is not None
    client, prefix = redis_prefix
    return AuthFailureLimiter(
        per_minute,
        per_address,
        redis_client=client,
        key_prefix=prefix,
        **kwargs,  # type: ignore[arg-type]
    )


BACKENDS = ["memory", pytest.param("redis", marks=pytest.mark.integration)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def limiter_factory(backend: str, request: pytest.FixtureRequest):
    shared = request.getfixturevalue("redis_prefix") if backend == "redis" else None

    def factory(per_minute: int, per_address: int | None = None, **kwargs: object):
        return make_limiter(backend, shared, per_minute, per_address, **kwargs)

    return factory


# ---- counting rules, both backends --------------------------------------------------
def test_two_tokens_from_one_address_are_independent(limiter_factory) -> None:
    limiter = limiter_factory(3, 100)
    for _ in range(3):
        assert limiter.retry_after("10.1.1.1", "bad-token") is None
        limiter.failed("10.1.1.1", "bad-token")
    wait = limiter.retry_after("10.1.1.1", "bad-token")
    assert wait is not None and 1 <= wait <= 60
    assert limiter.retry_after("10.1.1.1", "other-token") is None  # same address
    assert limiter.retry_after("10.1.1.2", "bad-token") is None  # same token, other address


def test_per_address_ceiling_throttles_a_spray(limiter_factory) -> None:
    limiter = limiter_factory(3, 5)
    limiter.succeeded("10.2.2.2", "honest-token")
    for i in range(5):
        assert limiter.retry_after("10.2.2.2", f"guess-{i}") is None
        limiter.failed("10.2.2.2", f"guess-{i}")
    # every guess failed once only, yet a sixth new credential is refused
    assert limiter.retry_after("10.2.2.2", "guess-5") is not None
    # a credential accepted from this address before passes the ceiling...
    assert limiter.retry_after("10.2.2.2", "honest-token") is None
    # ...until it fails itself (e.g. revoked): then it is a stranger again
    limiter.failed("10.2.2.2", "honest-token")
    assert limiter.retry_after("10.2.2.2", "honest-token") is not None
    assert limiter.retry_after("10.2.2.3", "guess-5") is None  # other address


def test_ceiling_zero_means_none_and_limit_zero_means_off(limiter_factory) -> None:
    no_ceiling = limiter_factory(2, 0)
    for i in range(50):
        no_ceiling.failed("10.3.3.3", f"guess-{i}")
    assert no_ceiling.retry_after("10.3.3.3", "guess-new") is None
    off = limiter_factory(0)
    for _ in range(5):
        off.failed("10.3.3.4", "bad")
    assert off.retry_after("10.3.3.4", "bad") is None


def test_default_ceiling_is_ten_times_the_limit() -> None:
    assert AuthFailureLimiter(20).per_address == 200
    assert AuthFailureLimiter(20, 7).per_address == 7


def test_window_expiry_with_injected_clock() -> None:
    clock = Clock()
    limiter = AuthFailureLimiter(2, 4, clock=clock)
    for i in range(4):
        limiter.failed("10.4.4.4", "bad" if i < 2 else f"guess-{i}")
    clock.now += 10
    assert limiter.retry_after("10.4.4.4", "bad") == 50
    assert limiter.retry_after("10.4.4.4", "guess-new") == 50  # ceiling, same window
    clock.now += 50
    assert limiter.retry_after("10.4.4.4", "bad") is None
    assert limiter.retry_after("10.4.4.4", "guess-new") is None
    limiter.failed("10.4.4.4", "bad")  # a fresh window starts at this failure
    assert limiter.retry_after("10.4.4.4", "bad") is None


@pytest.mark.integration
def test_window_expiry_in_redis(redis_prefix: tuple[redis.Redis, str]) -> None:
    limiter = make_limiter("redis", redis_prefix, 2, 3, window=0.4)
    limiter.failed("10.5.5.5", "bad")
    limiter.failed("10.5.5.5", "bad")
    limiter.failed("10.5.5.5", "guess")
    assert limiter.retry_after("10.5.5.5", "bad") == 1  # rounded up, never 0
    assert limiter.retry_after("10.5.5.5", "guess-new") == 1
    time.sleep(0.5)
    assert limiter.retry_after("10.5.5.5", "bad") is None
    assert limiter.retry_after("10.5.5.5", "guess-new") is None


def test_known_good_mark_expires() -> None:
    clock = Clock()
    limiter = AuthFailureLimiter(2, 1, clock=clock, known_good_seconds=30)
    limiter.succeeded("10.6.6.6", "honest")
    limiter.failed("10.6.6.6", "guess")
    assert limiter.retry_after("10.6.6.6", "honest") is None
    clock.now += 31  # mark gone, the ceiling's window (60 s) still running
    assert limiter.retry_after("10.6.6.6", "honest") == 29


# ---- Redis: shared, and fallback when it is down ----------------------------------
@pytest.mark.integration
def test_replicas_share_counts_through_redis(redis_prefix: tuple[redis.Redis, str]) -> None:
    replica_a = make_limiter("redis", redis_prefix, 3)
    replica_b = make_limiter("redis", redis_prefix, 3)
    replica_a.failed("10.7.7.7", "bad")
    replica_b.failed("10.7.7.7", "bad")
    assert replica_a.retry_after("10.7.7.7", "bad") is None
    replica_a.failed("10.7.7.7", "bad")
    assert replica_b.retry_after("10.7.7.7", "bad") is not None  # 3 in total


@pytest.mark.integration
def test_redis_keeps_no_token(redis_prefix: tuple[redis.Redis, str]) -> None:
    client, prefix = redis_prefix
    token = "arena_" + secrets.token_urlsafe(32)
    limiter = make_limiter("redis", redis_prefix, 3)
    limiter.failed("10.8.8.8", token)
    limiter.succeeded("10.8.8.8", token + "x")
    keys = [key.decode() for key in client.scan_iter(f"{prefix}:*")]
    assert len(keys) == 3, keys
    assert credential_fingerprint(token) in " ".join(keys)
    for key in keys:
        assert token[6:16] not in key
        assert token[6:16].encode() not in (client.get(key) or b"")


def test_redis_down_falls_back_to_counting_in_process() -> None:
    dead = redis.Redis.from_url(DEAD_REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    limiter = AuthFailureLimiter(2, 10, redis_client=dead)
    for _ in range(2):
        assert limiter.retry_after("10.9.9.9", "bad") is None  # no exception
        limiter.failed("10.9.9.9", "bad")
    assert limiter.retry_after("10.9.9.9", "bad") is not None  # counted in memory
    assert limiter.retry_after("10.9.9.9", "other") is None
    limiter.succeeded("10.9.9.9", "other")


def test_redis_is_tried_again_after_a_pause(caplog: pytest.LogCaptureFixture) -> None:
    dead = redis.Redis.from_url(DEAD_REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    limiter = AuthFailureLimiter(2, redis_client=dead, redis_retry_seconds=0.3)
    with caplog.at_level("WARNING", logger="arena.api.ratelimit"):
        for _ in range(3):  # one Redis attempt, then memory during the pause
            limiter.failed("10.10.0.1", "bad")
        assert len(caplog.records) == 1
        time.sleep(0.4)
        limiter.failed("10.10.0.1", "bad")  # Redis tried (and failed) again
        assert len(caplog.records) == 2
    assert limiter.retry_after("10.10.0.1", "bad") is not None  # 4 counted in memory


# ---- request identity ---------------------------------------------------------------
def test_client_address_trusts_forwarded_for_only_from_trusted_proxies() -> None:
    trusted = parse_trusted_proxies("10.0.0.0/8, 192.0.2.1")
    spoof = ["6.6.6.6, 198.51.100.7"]
    # no trusted proxies configured: the socket peer, whatever the header says
    assert client_address("198.51.100.9", spoof, ()) == "198.51.100.9"
    # an untrusted peer cannot pick its address either
    assert client_address("198.51.100.9", spoof, trusted) == "198.51.100.9"
    # a trusted proxy: the right-most hop it did not write itself
    assert client_address("10.0.0.2", spoof, trusted) == "198.51.100.7"
    assert client_address("10.0.0.2", ["198.51.100.7, 192.0.2.1"], trusted) == "198.51.100.7"
    assert client_address("10.0.0.2", ["1.1.1.1", "198.51.100.8"], trusted) == "198.51.100.8"
    assert client_address("10.0.0.2", [], trusted) == "10.0.0.2"
    assert client_address("::ffff:10.0.0.2", ["2001:db8::1"], trusted) == "2001:db8::1"
    assert client_address("10.0.0.2", ["x" * 500], trusted) == "x" * 64
    assert client_address(None, spoof, trusted) == "unknown"
    assert client_address("testclient", spoof, trusted) == "testclient"


def test_ipv6_failures_are_counted_per_slash_64() -> None:
    """Rotating through one /64 does not escape the ceiling; another /64 is
    another client. IPv4 addresses count one by one."""
    limiter = AuthFailureLimiter(100, 3)
    for host in range(3):
        limiter.failed(f"2001:db8:0:1::{host + 1}", f"guess{host}")
    assert limiter.retry_after("2001:db8:0:1:ffff::9", "another") is not None
    assert limiter.retry_after("2001:db8:0:2::1", "another") is None
    assert counting_address("2001:db8:0:1:aaaa::1") == "2001:db8:0:1::/64"
    assert counting_address("198.51.100.7") == "198.51.100.7"
    assert counting_address("::ffff:198.51.100.7") == "198.51.100.7"
    assert counting_address("testclient") == "testclient"


def test_trusted_proxies_setting_is_validated() -> None:
    assert parse_trusted_proxies("") == ()
    assert len(parse_trusted_proxies(["10.0.0.1", " fd00::/8 "])) == 2
    with pytest.raises(ValueError, match="ARENA_TRUSTED_PROXIES"):
        parse_trusted_proxies("10.0.0.1, proxy.example")


def test_fingerprint_is_short_and_not_the_token() -> None:
    token = "arena_" + secrets.token_urlsafe(32)
    fingerprint = credential_fingerprint(token)
    assert len(fingerprint) == 24 and token[6:12] not in fingerprint
    assert fingerprint != credential_fingerprint(token + "x")
    assert credential_fingerprint("") == credential_fingerprint(None) == "-"
    both = Headers({"authorization": "Bearer a", "x-arena-internal-token": "b"})
    assert presented_credential(both) == "Bearer a\nb"
    assert presented_credential(Headers({})) == ""


def test_request_context_decides_address_and_credential() -> None:
    """Call sites pass only the socket peer; the middleware's context wins."""
    limiter = AuthFailureLimiter(1, 100)
    attempt = AuthAttempt(address="198.51.100.20", credential=credential_fingerprint("t1"))
    token = CURRENT_ATTEMPT.set(attempt)
    try:
        assert limiter.retry_after("10.0.0.2") is None and attempt.checked
        limiter.failed("10.0.0.2")
        assert attempt.failed and not attempt.accepted
    finally:
        CURRENT_ATTEMPT.reset(token)
    assert limiter.retry_after("198.51.100.20", "t1") is not None
    assert limiter.retry_after("198.51.100.20", "t2") is None
    assert limiter.retry_after("10.0.0.2", "t1") is None  # the proxy was not counted


def test_known_good_credential_is_marked_once() -> None:
    """A credential already known good from an address is not written again
    (the middleware skips ``succeeded``): polling costs no extra writes."""
    limiter = AuthFailureLimiter(1, 100)
    seen = []
    for _ in range(2):
        attempt = AuthAttempt(address="198.51.100.21", credential=credential_fingerprint("t3"))
        token = CURRENT_ATTEMPT.set(attempt)
        try:
            assert limiter.retry_after("10.0.0.2") is None
            seen.append(attempt.known_good)
            if attempt.accepted and not attempt.known_good:
                limiter.succeeded("10.0.0.2")
        finally:
            CURRENT_ATTEMPT.reset(token)
    assert seen == [False, True]


# ---- through the api ----------------------------------------------------------------
PROXY = ("10.0.0.2", 40000)  # TestClient's socket peer: the trusted reverse proxy


def fresh_address() -> str:
    """A documentation-range IPv6 address in a /64 (the counting unit) that
    nobody else's test run uses."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | secrets.randbits(96)))


def behind_proxy(address: str, token: str | None = None) -> dict[str, str]:
    headers = {"X-Forwarded-For": f"203.0.113.66, {address}"}  # left hop: client-written
    return headers | (auth(token) if token else {})


def guess() -> str:
    return "arena_" + secrets.token_urlsafe(32)


def api_client(settings: Settings, data_dir: Path, **overrides: object) -> TestClient:
    from services.api.main import create_app

    values: dict[str, object] = dict(
        auth_failures_per_minute=3,
        auth_failures_per_address_per_minute=8,
        trusted_proxies="10.0.0.0/8",
    )
    values.update(overrides)
    limited = make_settings(data_dir, **values)
    return TestClient(create_app(limited, configure_logging=False), client=PROXY)


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "too_many_auth_failures"
    assert 1 <= int(response.headers["retry-after"]) <= 60


@pytest.mark.integration
def test_bad_token_retries_do_not_lock_out_valid_tokens(settings: Settings, world: World) -> None:
    """One client behind the proxy retries a bad token; honest clients
    behind the same proxy (same address) keep working."""
    shared_address = fresh_address()
    bad = guess()
    with api_client(settings, settings.data_dir) as c:
        statuses = [
            c.get("/api/v1/submissions", headers=behind_proxy(shared_address, bad)).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        assert_throttled(c.get("/api/v1/submissions", headers=behind_proxy(shared_address, bad)))
        # valid tokens never used from this address before: not blocked
        for token in (world.team_a, world.team_b):
            r = c.get("/api/v1/submissions", headers=behind_proxy(shared_address, token))
            assert r.status_code == 200, r.text
        # the bad token from another client address is not throttled
        assert (
            c.get("/api/v1/submissions", headers=behind_proxy(fresh_address(), bad)).status_code
            == 401
        )


@pytest.mark.integration
def test_spray_hits_the_address_ceiling_but_known_tokens_pass(
    settings: Settings, world: World
) -> None:
    shared_address = fresh_address()
    with api_client(settings, settings.data_dir) as c:
        honest = behind_proxy(shared_address, world.team_a)
        assert c.get("/api/v1/submissions", headers=honest).status_code == 200
        statuses = [
            c.get("/api/v1/submissions", headers=behind_proxy(shared_address, guess())).status_code
            for _ in range(10)
        ]
        assert statuses == [401] * 8 + [429] * 2  # ceiling 8: random tokens throttled
        assert_throttled(
            c.get("/api/v1/submissions", headers=behind_proxy(shared_address, guess()))
        )
        # the honest client's token authenticated from this address before
        for _ in range(3):
            assert c.get("/api/v1/submissions", headers=honest).status_code == 200
        # Documented limit: a valid token never accepted from this address is
        # indistinguishable from a guess without the database lookup the
        # ceiling exists to spare, so it waits for the window like one.
        fresh = behind_proxy(shared_address, world.team_b)
        assert_throttled(c.get("/api/v1/submissions", headers=fresh))
        # public reads without a token are never limited
        assert c.get("/api/v1/phases", headers=behind_proxy(shared_address)).status_code == 200
        # other addresses behind the proxy are unaffected
        other = behind_proxy(fresh_address(), world.team_b)
        assert c.get("/api/v1/submissions", headers=other).status_code == 200


@pytest.mark.integration
def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings: Settings, world: World) -> None:
    """Without ARENA_TRUSTED_PROXIES a client cannot escape its counter by
    inventing X-Forwarded-For values: the socket peer is the address."""
    bad = guess()
    with api_client(settings, settings.data_dir, trusted_proxies="") as c:
        statuses = [
            c.get("/api/v1/submissions", headers=behind_proxy(fresh_address(), bad)).status_code
            for _ in range(4)
        ]
    assert statuses == [401, 401, 401, 429]


@pytest.mark.integration
def test_api_replicas_share_the_counts(settings: Settings, world: World) -> None:
    address, bad = fresh_address(), guess()
    with (
        api_client(settings, settings.data_dir) as replica_a,
        api_client(settings, settings.data_dir) as replica_b,
    ):
        for replica in (replica_a, replica_b, replica_a):
            r = replica.get("/api/v1/submissions", headers=behind_proxy(address, bad))
            assert r.status_code == 401
        assert_throttled(replica_b.get("/api/v1/submissions", headers=behind_proxy(address, bad)))


@pytest.mark.integration
def test_api_with_redis_down_limits_in_process_and_never_fails(
    settings: Settings, world: World
) -> None:
    address, bad = fresh_address(), guess()
    with api_client(settings, settings.data_dir, auth_limiter_redis_url=DEAD_REDIS_URL) as c:
        statuses = [
            c.get("/api/v1/submissions", headers=behind_proxy(address, bad)).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        valid = c.get("/api/v1/submissions", headers=behind_proxy(address, world.team_a))
        assert valid.status_code == 200


def test_limiter_redis_defaults_to_the_api_redis() -> None:
    shared = AuthFailureLimiter.from_settings(Settings(redis_url="redis://127.0.0.1:6379/12"))
    assert shared.shared is not None
    assert shared.shared.client.connection_pool.connection_kwargs["db"] == 12
    own = AuthFailureLimiter.from_settings(
        Settings(redis_url="redis://127.0.0.1:6379/12", auth_limiter_redis_url=DEAD_REDIS_URL)
    )
    assert own.shared is not None
    assert own.shared.client.connection_pool.connection_kwargs["port"] == 1

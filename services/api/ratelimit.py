"""Limit on failed authentications, shared by all api processes through Redis.

Tokens carry 256 bits, so guessing is hopeless anyway; the limiter keeps a
client that hammers bad tokens from costing database lookups and log lines.
Two fixed windows (one minute, starting at the first failure) are counted:

* per (client address, presented credential): ``per_minute`` failures, then
  that credential from that address gets 429 + Retry-After until its window
  ends. A client retrying one bad token is throttled without touching anybody
  else behind the same address (e.g. a reverse proxy).
* per client address, over all credentials: ``per_address`` failures (default
  10 x ``per_minute``), so a spray of random tokens from one address is
  throttled too. A credential that authenticated from that address within
  the last day ("known good") passes this ceiling; one never accepted from it
  does not: the api cannot tell a valid new token from a guess without the
  database lookup the ceiling exists to spare.

The credential is kept only as a truncated, domain-separated SHA-256, never
the token. Counters live in Redis (one Lua script: INCR + PEXPIRE, atomic),
so replicas and worker processes share them; when Redis cannot be reached
the limiter counts in this process instead, retries Redis a few seconds
later and never fails the request.

The call sites (services/api/deps.py, submissions/internal_endpoints.py)
pass only the socket peer. ``AuthAttemptMiddleware`` resolves the client
address (X-Forwarded-For only from ``ARENA_TRUSTED_PROXIES``) and the
fingerprint of the presented credential once per request into a context
variable the limiter reads, and records a credential as known good when the
request authenticated (the limit was checked and no failure was recorded).
"""

from __future__ import annotations

import contextvars
import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

import redis
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from services.settings import Settings

log = logging.getLogger("arena.api.ratelimit")

WINDOW_SECONDS = 60.0
KNOWN_GOOD_SECONDS = 24 * 3600.0
REDIS_RETRY_SECONDS = 5.0  # after a Redis error, count in memory this long
REDIS_TIMEOUT_SECONDS = 0.5  # one check must not stall a request for long
MAX_ADDRESS_CHARS = 64  # non-IP peers ("testclient", garbage hops) are truncated
NO_CREDENTIAL = "-"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")


# ---- who is asking ---------------------------------------------------------------
def credential_fingerprint(credential: str | None) -> str:
    """96 bits of a domain-separated SHA-256: distinct from the ``key_id``
    the database stores (plain SHA-256 prefix), useless for recovering the
    token, collision-free in practice."""
    if not credential:
        return NO_CREDENTIAL
    digest = hashlib.sha256(b"arena-auth-limiter\x00" + credential.encode("utf-8"))
    return digest.hexdigest()[:24]


def presented_credential(headers: Headers) -> str:
    """Everything a request authenticates with: the bearer token of the
    participant api and the internal token of /api/internal/."""
    parts = (headers.get("authorization", ""), headers.get("x-arena-internal-token", ""))
    return "\n".join(parts) if any(parts) else ""


def parse_trusted_proxies(value: str | Iterable[str]) -> tuple[IpNetwork, ...]:
    """``"10.0.0.5, 10.1.0.0/16"`` -> networks; a bad entry is a startup error."""
    items = value.split(",") if isinstance(value, str) else value
    networks: list[IpNetwork] = []
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"ARENA_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from exc
    return tuple(networks)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _normal(value: str) -> str:
    ip = _ip(value)
    return str(ip) if ip is not None else value.strip()[:MAX_ADDRESS_CHARS]


def _trusted(value: str, trusted: Sequence[IpNetwork]) -> bool:
    ip = _ip(value)
    return ip is not None and any(ip in network for network in trusted)


def counting_address(address: str) -> str:
    """What failures are counted under: the address itself, or for IPv6 its
    /64, since one host or customer line typically owns a whole /64 and can
    rotate through it at will."""
    ip = _ip(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip) if ip is not None else address


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[IpNetwork]
) -> str:
    """The socket peer, unless it is a trusted proxy: then the right-most
    X-Forwarded-For hop that is not itself a trusted proxy. Hops to its left
    were written by the client and are ignored (they are free to forge)."""
    if not peer:
        return "unknown"
    if not _trusted(peer, trusted):
        return _normal(peer)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return _normal(hop)
    return _normal(hops[0]) if hops else _normal(peer)


@dataclass
class AuthAttempt:
    """The current request as the limiter sees it (one per request)."""

    address: str
    credential: str  # fingerprint, see credential_fingerprint
    checked: bool = False  # retry_after let the request through
    failed: bool = False  # the credential was rejected
    known_good: bool = False  # already marked: no write after the response

    @property
    def accepted(self) -> bool:
        return self.checked and not self.failed


# Set by AuthAttemptMiddleware; FastAPI runs sync dependencies in a thread
# pool with a copy of this context, and the object itself is shared.
CURRENT_ATTEMPT: contextvars.ContextVar[AuthAttempt | None] = contextvars.ContextVar(
    "arena_auth_attempt", default=None
)


# ---- counters ----------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    credential_failures: int
    credential_seconds_left: float
    address_failures: int
    address_seconds_left: float
    known_good: bool


class Counts(Protocol):
    def standing(self, address: str, credential: str) -> Standing: ...
    def record_failure(self, address: str, credential: str) -> None: ...
    def record_success(self, address: str, credential: str) -> None: ...


class MemoryCounts:
    """This process only: the fallback, and the whole limiter without Redis."""

    MAX_ENTRIES = 100_000

    def __init__(self, window: float, known_good_seconds: float, clock: Callable[[], float]):
        self.window = window
        self.known_good_seconds = known_good_seconds
        self.clock = clock
        self._windows: dict[tuple[str, ...], tuple[float, int]] = {}
        self._good: dict[tuple[str, str], float] = {}  # -> expiry
        self._lock = threading.Lock()

    def _count(self, key: tuple[str, ...], now: float) -> tuple[int, float]:
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            self._windows.pop(key, None)
            return 0, 0.0
        return count, self.window - (now - start)

    def standing(self, address: str, credential: str) -> Standing:
        now = self.clock()
        with self._lock:
            credential_failures, credential_left = self._count(("c", address, credential), now)
            address_failures, address_left = self._count(("a", address), now)
            good_until = self._good.get((address, credential))
        known_good = good_until is not None and good_until > now
        return Standing(
            credential_failures, credential_left, address_failures, address_left, known_good
        )

    def record_failure(self, address: str, credential: str) -> None:
        now = self.clock()
        with self._lock:
            self._bound(now)
            for key in (("c", address, credential), ("a", address)):
                start, count = self._windows.get(key, (now, 0))
                if now - start >= self.window:
                    start, count = now, 0
                self._windows[key] = (start, count + 1)
            self._good.pop((address, credential), None)  # e.g. revoked since

    def record_success(self, address: str, credential: str) -> None:
        now = self.clock()
        with self._lock:
            self._bound(now)
            self._good[(address, credential)] = now + self.known_good_seconds

    def _bound(self, now: float) -> None:
        # Bounded memory under a spray of addresses: drop what has expired,
        # and if that is not enough, everything (the old behaviour).
        if len(self._windows) > self.MAX_ENTRIES:
            live = {k: v for k, v in self._windows.items() if now - v[0] < self.window}
            self._windows = live if len(live) <= self.MAX_ENTRIES else {}
        if len(self._good) > self.MAX_ENTRIES:
            good = {k: v for k, v in self._good.items() if v > now}
            self._good = good if len(good) <= self.MAX_ENTRIES else {}


# KEYS: credential counter, address counter, known-good mark; ARGV: window ms.
_RECORD_FAILURE = """
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  end
end
redis.call('DEL', KEYS[3])
return 1
"""


class RedisCounts:
    """Shared by every api process using the same Redis database."""

    def __init__(
        self, client: redis.Redis, window: float, known_good_seconds: float, prefix: str
    ) -> None:
        self.client = client
        self.window_ms = max(1, int(window * 1000))
        self.known_good_ms = max(1, int(known_good_seconds * 1000))
        self.prefix = prefix
        self._record_failure = client.register_script(_RECORD_FAILURE)

    def _keys(self, address: str, credential: str) -> tuple[str, str, str]:
        # {address} is a cluster hash tag: the script's keys share one slot.
        base = f"{self.prefix}:{{{address}}}"
        return f"{base}:c:{credential}", f"{base}:a", f"{base}:ok:{credential}"

    def _seconds_left(self, pttl: int) -> float:
        if pttl == -1:  # no expiry: cannot happen through the script; be safe
            return self.window_ms / 1000
        return max(0, pttl) / 1000

    def standing(self, address: str, credential: str) -> Standing:
        credential_key, address_key, good_key = self._keys(address, credential)
        pipe = self.client.pipeline(transaction=False)
        pipe.get(credential_key).pttl(credential_key)
        pipe.get(address_key).pttl(address_key)
        pipe.exists(good_key)
        credential_count, credential_ttl, address_count, address_ttl, good = pipe.execute()
        return Standing(
            int(credential_count or 0),
            self._seconds_left(credential_ttl),
            int(address_count or 0),
            self._seconds_left(address_ttl),
            bool(good),
        )

    def record_failure(self, address: str, credential: str) -> None:
        self._record_failure(keys=list(self._keys(address, credential)), args=[self.window_ms])

    def record_success(self, address: str, credential: str) -> None:
        good_key = self._keys(address, credential)[2]
        self.client.set(good_key, b"1", px=self.known_good_ms)


# ---- the limiter -------------------------------------------------------------------
class AuthFailureLimiter:
    WINDOW = WINDOW_SECONDS

    def __init__(
        self,
        per_minute: int,
        per_address: int | None = None,
        *,
        redis_client: redis.Redis | None = None,
        clock: Callable[[], float] = time.monotonic,
        window: float = WINDOW_SECONDS,
        known_good_seconds: float = KNOWN_GOOD_SECONDS,
        key_prefix: str = "arena:authfail",
        redis_retry_seconds: float = REDIS_RETRY_SECONDS,
    ) -> None:
        self.per_minute = per_minute
        self.per_address = 10 * per_minute if per_address is None else per_address
        self.clock = clock
        self.memory = MemoryCounts(window, known_good_seconds, clock)
        self.shared = (
            RedisCounts(redis_client, window, known_good_seconds, key_prefix)
            if redis_client is not None
            else None
        )
        self.redis_retry_seconds = redis_retry_seconds
        self._redis_paused_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthFailureLimiter:
        # No connection is made here: the api starts without Redis.
        client = redis.Redis.from_url(
            settings.auth_limiter_redis_url or settings.redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(
            settings.auth_failures_per_minute,
            settings.auth_failures_per_address_per_minute,
            redis_client=client,
        )

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def _counts(self, use: Callable[[Counts], T]) -> T:
        """Run ``use`` on Redis, or on this process's counters while Redis
        is failing; never raises because of Redis."""
        if self.shared is None or time.monotonic() < self._redis_paused_until:
            return use(self.memory)
        try:
            return use(self.shared)
        except Exception as exc:  # redis-py raises many types (and OSError) when down
            self._redis_paused_until = time.monotonic() + self.redis_retry_seconds
            log.warning(
                "auth limiter: Redis unavailable, counting in this process",
                extra={"error": type(exc).__name__},
            )
            return use(self.memory)

    @staticmethod
    def _identity(client: str, credential: str | None) -> tuple[str, str, AuthAttempt | None]:
        """(address, credential fingerprint, current attempt): the request
        context wins over the bare socket peer the call sites pass."""
        attempt = CURRENT_ATTEMPT.get()
        address = counting_address(attempt.address if attempt is not None else client)
        if credential is not None:
            return address, credential_fingerprint(credential), attempt
        return address, attempt.credential if attempt is not None else NO_CREDENTIAL, attempt

    def retry_after(self, client: str, credential: str | None = None) -> int | None:
        """Seconds to wait when this client/credential is over a limit, else None."""
        if not self.enabled:
            return None
        address, fingerprint, attempt = self._identity(client, credential)
        standing = self._counts(lambda counts: counts.standing(address, fingerprint))
        wait = self._wait(standing)
        if wait is None and attempt is not None:
            attempt.checked = True
            attempt.known_good = standing.known_good
        return wait

    def _wait(self, standing: Standing) -> int | None:
        if standing.credential_failures >= self.per_minute:
            return max(1, math.ceil(standing.credential_seconds_left))
        over_ceiling = 0 < self.per_address <= standing.address_failures
        if over_ceiling and not standing.known_good:
            return max(1, math.ceil(standing.address_seconds_left))
        return None

    def failed(self, client: str, credential: str | None = None) -> None:
        if not self.enabled:
            return
        address, fingerprint, attempt = self._identity(client, credential)
        if attempt is not None:
            attempt.failed = True
        self._counts(lambda counts: counts.record_failure(address, fingerprint))

    def succeeded(self, client: str, credential: str | None = None) -> None:
        """``credential`` authenticated from ``client``: it passes the
        per-address ceiling from there for a day."""
        if not self.enabled:
            return
        address, fingerprint, _ = self._identity(client, credential)
        self._counts(lambda counts: counts.record_success(address, fingerprint))


class AuthAttemptMiddleware:
    """Pure ASGI: gives the limiter each request's client address and
    credential fingerprint, and marks accepted credentials known good."""

    def __init__(
        self, app: ASGIApp, limiter: AuthFailureLimiter, trusted_proxies: Sequence[IpNetwork]
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        peer = scope.get("client")
        attempt = AuthAttempt(
            address=client_address(
                peer[0] if peer else None,
                headers.getlist("x-forwarded-for"),
                self.trusted_proxies,
            ),
            credential=credential_fingerprint(presented_credential(headers)),
        )
        token = CURRENT_ATTEMPT.set(attempt)
        try:
            await self.app(scope, receive, send)
            # After the response (not on the request's path), and only the
            # first time: a polling client would otherwise write per request.
            if attempt.accepted and not attempt.known_good:
                await run_in_threadpool(self.limiter.succeeded, attempt.address)
        finally:
            CURRENT_ATTEMPT.reset(token)

"""The limiter (Redis with an in-process fallback) and the middleware that
tells it, per request, who is asking."""

from __future__ import annotations

import contextvars
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import redis
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from services.api.ratelimit.clients import (
    NO_CREDENTIAL,
    IpNetwork,
    client_address,
    counting_address,
    credential_fingerprint,
    presented_credential,
)
from services.api.ratelimit.counts import Counts, MemoryCounts, RedisCounts, Standing

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from services.settings import Settings

log = logging.getLogger("arena.api.ratelimit")

WINDOW_SECONDS = 60.0
KNOWN_GOOD_SECONDS = 24 * 3600.0
REDIS_RETRY_SECONDS = 5.0  # after a Redis error, count in memory this long
REDIS_TIMEOUT_SECONDS = 0.5  # one check must not stall a request for long

T = TypeVar("T")


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

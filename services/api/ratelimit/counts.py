"""Failure counters: in this process (``MemoryCounts``) or shared by every
api process through Redis (``RedisCounts``, one atomic Lua script)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis


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

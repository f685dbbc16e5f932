"""Per-client limit on failed authentications (in-process).

Tokens carry 256 bits, so guessing is hopeless anyway; the limiter keeps a
client that hammers bad tokens from costing database lookups and log lines.
Counts are per client address over a fixed one-minute window; once over
the limit the client gets 429 + Retry-After until the window ends, without
its token being looked at. Behind a reverse proxy every client shares the
proxy's address: size the limit accordingly.
"""

from __future__ import annotations

import math
import threading
import time


class AuthFailureLimiter:
    WINDOW = 60.0

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:  # noqa: ANN001
        self.per_minute = per_minute
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Seconds to wait when ``client`` is over the limit, else None."""
        if self.per_minute <= 0:
            return None
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self.WINDOW:
                self._windows.pop(client, None)
                return None
        if count < self.per_minute:
            return None
        return max(1, math.ceil(self.WINDOW - (now - start)))

    def failed(self, client: str) -> None:
        if self.per_minute <= 0:
            return
        now = self.clock()
        with self._lock:
            if len(self._windows) > 100_000:  # bounded memory under a spray of addresses
                self._windows.clear()
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self.WINDOW:
                start, count = now, 0
            self._windows[client] = (start, count + 1)

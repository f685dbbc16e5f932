"""Per-run API keys, token budgets and request counts (thread-safe, in
worker memory).

A call first *reserves* (atomically) its prompt estimate plus the output
tokens it may produce, then *settles* to what the provider reports. While a
call is in flight its reservation is not available to the run's other
calls, so concurrent calls can never spend more than the budget between
them (they used to be checked, not reserved: ten concurrent calls against
a 20 000-token budget spent 200 000).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

DEFAULT_MAX_REQUESTS = 200
DEFAULT_MAX_OUTPUT_TOKENS = 4096


@dataclass
class RunUsage:
    run_token: str
    budget: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0  # settled calls (answered by the provider)
    requests: int = 0  # admitted requests (reservations made), settled or not
    reserved: int = 0  # tokens held by calls in flight
    model: str | None = None

    @property
    def used(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def remaining(self) -> int:
        """Tokens neither spent nor held by a call in flight."""
        return max(0, self.budget - self.used - self.reserved)


@dataclass(frozen=True)
class Reservation:
    key: str
    prompt_tokens: int  # the estimate reserved for the prompt
    max_output_tokens: int  # what the provider may produce (sent as max_tokens)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.max_output_tokens


class BudgetExceeded(Exception):
    """The run's remaining tokens cannot cover the call's reservation."""


class RequestLimitExceeded(Exception):
    """The run made its ``max_requests`` requests."""


class KeyRegistry:
    """Maps a per-run API key (handed to exactly one agent container) to that
    run's usage. Keys are random and never derived from the run token."""

    def __init__(
        self,
        *,
        max_requests: int = DEFAULT_MAX_REQUESTS,
        max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
    ) -> None:
        self.max_requests = max_requests
        self.max_output_tokens = max_output_tokens
        self._lock = threading.Lock()
        self._by_key: dict[str, RunUsage] = {}
        self._by_run: dict[str, RunUsage] = {}

    def issue(self, run_token: str, budget: int) -> str:
        key = "sk-arena-" + secrets.token_hex(20)
        usage = RunUsage(run_token=run_token, budget=budget)
        with self._lock:
            self._by_key[key] = usage
            self._by_run[run_token] = usage
        return key

    def lookup(self, key: str) -> RunUsage | None:
        with self._lock:
            return self._by_key.get(key)

    def reserve(self, key: str, prompt_tokens: int, requested_output: int | None) -> Reservation:
        """Hold ``prompt_tokens`` + min(requested or the per-request cap, what
        is left) for one call, atomically. Raises ``KeyError`` (unknown key),
        ``RequestLimitExceeded`` or ``BudgetExceeded`` (not even one output
        token would fit)."""
        prompt_tokens = max(1, prompt_tokens)
        wanted = self.max_output_tokens
        if requested_output is not None and requested_output > 0:
            wanted = min(wanted, requested_output)
        with self._lock:
            usage = self._by_key.get(key)
            if usage is None:
                raise KeyError(key)
            if usage.requests >= self.max_requests:
                raise RequestLimitExceeded(usage.run_token)
            output = min(wanted, usage.remaining - prompt_tokens)
            if output < 1:
                raise BudgetExceeded(usage.run_token)
            usage.requests += 1
            usage.reserved += prompt_tokens + output
            return Reservation(key, prompt_tokens, output)

    def settle(
        self, reservation: Reservation, prompt: int, completion: int, model: str | None
    ) -> None:
        """Release ``reservation`` and record the call's actual usage."""
        with self._lock:
            usage = self._by_key.get(reservation.key)
            if usage is None:
                return
            usage.reserved = max(0, usage.reserved - reservation.tokens)
            usage.prompt_tokens += max(0, prompt)
            usage.completion_tokens += max(0, completion)
            usage.calls += 1
            usage.model = model or usage.model

    def release(self, reservation: Reservation) -> None:
        """The call never reached the provider or failed there: nothing spent."""
        with self._lock:
            usage = self._by_key.get(reservation.key)
            if usage is not None:
                usage.reserved = max(0, usage.reserved - reservation.tokens)

    def usage(self, run_token: str) -> RunUsage | None:
        with self._lock:
            found = self._by_run.get(run_token)
            return None if found is None else RunUsage(**found.__dict__)

    def revoke(self, run_token: str) -> None:
        with self._lock:
            usage = self._by_run.pop(run_token, None)
            if usage is not None:
                for key in [k for k, v in self._by_key.items() if v is usage]:
                    del self._by_key[key]

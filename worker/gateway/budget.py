"""Per-run API keys and token budgets (thread-safe, in worker memory)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass


@dataclass
class RunUsage:
    run_token: str
    budget: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    model: str | None = None

    @property
    def used(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def remaining(self) -> int:
        return max(0, self.budget - self.used)


class BudgetExceeded(Exception):
    pass


class KeyRegistry:
    """Maps a per-run API key (handed to exactly one agent container) to that
    run's usage. Keys are random and never derived from the run token."""

    def __init__(self) -> None:
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

    def reserve(self, key: str) -> int:
        """Remaining tokens of the key's run; raises when nothing is left."""
        with self._lock:
            usage = self._by_key.get(key)
            if usage is None:
                raise KeyError(key)
            if usage.remaining <= 0:
                raise BudgetExceeded(usage.run_token)
            return usage.remaining

    def record(self, key: str, prompt: int, completion: int, model: str | None) -> None:
        with self._lock:
            usage = self._by_key.get(key)
            if usage is None:
                return
            usage.prompt_tokens += max(0, prompt)
            usage.completion_tokens += max(0, completion)
            usage.calls += 1
            usage.model = model or usage.model

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

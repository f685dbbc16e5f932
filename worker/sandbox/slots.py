"""Scenario slots: how many agent containers run at once (issue 22).

Two things decide when a submission may start its next scenario:

- **Host slots**, shared by every worker process of the host: ``capacity``
  lock files under ``<data_dir>/host-slots/slots``; a running scenario holds
  an ``flock`` on one of them (released by the kernel if its process dies).
  Every submission evaluating on the host holds a lock on its own file under
  ``active/``; its **fair share** is ``capacity // active`` (at least one).
  A submission never starts a scenario while it runs its share or more, so
  when a second team's submission arrives, the first stops refilling the
  slots its finishing scenarios free, and the newcomer gets the next one:
  it waits at most one scenario, however large the first submission is.
- **Adaptive parallelism** per submission (``AdaptiveLimit``): it starts at
  ``scenario_parallelism`` and hill-climbs on the measured completion rate
  (scenarios/s over windows of completions): one more while the rate rises
  and the host has memory for another agent, one less when the rate falls
  or memory runs short, never outside [1, ``scenario_parallelism_max``].
  Agents mostly wait on tools and the LLM, so the best parallelism depends
  on the agent, not on the core count. Each container keeps its CPU cap.

The run threads of a submission create their container before asking for
a slot (``Gate.acquire``), so a freed slot is refilled by a start, not by a
create; removal happens after the slot is released.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from services.settings import Settings

POLL_SECONDS = 0.02  # cross-process changes (another process freed a slot)
HANDOFF_SECONDS = 2.0  # longest a run thread defers its engine calls to the next start


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


@dataclass
class AdaptiveLimit:
    """Hill-climbing on completions per second, bounded by [low, high]."""

    start: int
    low: int = 1
    high: int = 1
    per_agent_bytes: int = 512 * 1024**2  # memory one more agent may need
    min_window: int = 4
    limit: int = field(init=False)
    history: list[tuple[float, int, float]] = field(init=False, default_factory=list)
    _direction: int = field(init=False, default=1)
    _window_start: float | None = field(init=False, default=None)
    _window_done: int = field(init=False, default=0)
    _previous_rate: float | None = field(init=False, default=None)
    _hold: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.high = max(1, self.high)
        self.low = max(1, min(self.low, self.high))
        self.limit = max(self.low, min(self.start, self.high))

    def started(self, now: float) -> None:
        if self._window_start is None:
            self._window_start = now

    def _memory_ok(self, extra: int) -> bool:
        available = _meminfo_available()
        return available is None or available >= extra * self.per_agent_bytes

    def completed(self, now: float) -> None:
        """One scenario finished; decides at the end of each window."""
        if self._window_start is None:
            self._window_start = now
        self._window_done += 1
        if self._window_done < max(self.min_window, 2 * self.limit):
            return
        elapsed = max(1e-6, now - self._window_start)
        rate = self._window_done / elapsed
        self.history.append((round(now, 3), self.limit, round(rate, 3)))
        self._window_start, self._window_done = now, 0
        previous, self._previous_rate = self._previous_rate, rate
        if not self._memory_ok(1):  # short of memory for even one agent: shrink
            self.limit = max(self.low, self.limit - 1)
            self._direction = -1
            return
        if previous is not None and rate < previous * 0.95:
            self._direction = -self._direction  # that step hurt: go back
            self._hold = 2 if self._direction < 0 else 0
        elif previous is not None and rate < previous * 1.03:
            # flat: stay a while, then probe upwards again
            self._hold += 1
            if self._hold < 3:
                return
            self._hold, self._direction = 0, 1
        step = self._direction
        if step > 0 and not self._memory_ok(2):
            return
        self.limit = max(self.low, min(self.high, self.limit + step))


class HostSlots:
    """``capacity`` scenario slots shared by every process using ``root``."""

    def __init__(self, root: Path, capacity: int) -> None:
        self.root = root
        self.capacity = max(1, capacity)
        (root / "slots").mkdir(parents=True, exist_ok=True)
        (root / "active").mkdir(parents=True, exist_ok=True)

    @classmethod
    def for_settings(cls, settings: Settings) -> HostSlots:
        """``host_slots_dir`` (every worker of the host must see the same
        directory), else ``<data_dir>/host-slots``; a local run (``assetops
        validate``) without a writable data dir uses the temp dir, per user."""
        capacity = host_capacity(settings)
        try:
            return cls(settings.host_slots_dir or settings.data_dir / "host-slots", capacity)
        except OSError:
            return cls(Path(tempfile.gettempdir()) / f"arena-host-slots-{os.getuid()}", capacity)

    def try_slot(self) -> int | None:
        """An fd holding an exclusive lock on a free slot file, or None."""
        for index in range(self.capacity):
            fd = os.open(self.root / "slots" / f"{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    continue
                raise
            return fd
        return None

    @staticmethod
    def free_slot(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the only fd releases the flock

    @contextlib.contextmanager
    def active(self, submission: str) -> Iterator[None]:
        """Count ``submission`` as evaluating on this host while inside."""
        directory = self.root / "active"
        tmp = directory / f".{submission}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        final = directory / f"{submission}.{os.getpid()}.{threading.get_ident()}.lock"
        os.rename(tmp, final)  # visible only once locked
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                final.unlink()
            os.close(fd)

    def active_count(self) -> int:
        """Submissions whose owners are alive (stale files are removed)."""
        count = 0
        for path in (self.root / "active").glob("*.lock"):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                count += 1  # held: its owner is evaluating
            else:
                with contextlib.suppress(OSError):
                    path.unlink()  # the owner died without removing it
            finally:
                os.close(fd)
        return max(1, count)

    def fair_share(self) -> int:
        return max(1, self.capacity // self.active_count())


def host_capacity(settings: Settings) -> int:
    return max(1, settings.host_scenario_slots or parallelism_bounds(settings)[2])


def parallelism_bounds(settings: Settings) -> tuple[int, int, int]:
    """(start, low, high) of one submission's parallelism."""
    start = max(1, settings.scenario_parallelism)
    if not settings.scenario_parallelism_adaptive:
        return start, start, start
    high = max(start, settings.scenario_parallelism_max or 4 * (os.cpu_count() or 2))
    low = max(1, min(settings.scenario_parallelism_min, start))
    return start, low, high


class Gate:
    """One submission's door to the host slots: at most ``min(adaptive
    limit, fair share)`` of its scenarios run at once."""

    def __init__(self, settings: Settings, host: HostSlots | None = None) -> None:
        start, low, high = parallelism_bounds(settings)
        self.host = host or HostSlots.for_settings(settings)
        self.adaptive = AdaptiveLimit(start, low, high, per_agent_bytes=settings.agent_memory_bytes)
        self._cond = threading.Condition()
        self.in_flight = 0
        self.peak = 0
        self.closed = False
        self.waiting = 0  # run threads blocked in ``acquire`` (created, ready to start)
        self.starts = 0  # agent starts finished (``started``)

    def _allowed(self) -> int:
        # read at every decision (a directory listing): a newcomer's
        # registration must count before the next start, never after it
        return min(self.adaptive.limit, self.host.fair_share())

    def acquire(self) -> int:
        """Block until this submission may start one more scenario; returns
        the slot fd to pass to ``release``."""
        with self._cond:
            self.waiting += 1
            try:
                while True:
                    if self.closed:
                        raise RuntimeError("the submission's gate is closed")
                    now = time.monotonic()
                    if self.in_flight < self._allowed():
                        fd = self.host.try_slot()
                        if fd is not None:
                            self.in_flight += 1
                            self.peak = max(self.peak, self.in_flight)
                            self.adaptive.started(now)
                            return fd
                    self._cond.wait(POLL_SECONDS)
            finally:
                self.waiting -= 1

    def release(self, fd: int, completed: bool = True) -> int | None:
        """Give the slot back. Returns a ticket for ``wait_next_start`` when
        a created container of this submission was waiting for it (None
        otherwise)."""
        HostSlots.free_slot(fd)
        with self._cond:
            self.in_flight -= 1
            if completed:
                self.adaptive.completed(time.monotonic())
            ticket = self.starts if self.waiting and not self.closed else None
            self._cond.notify_all()
            return ticket

    def started(self) -> None:
        """An agent's start returned (or failed): one less start in flight."""
        with self._cond:
            self.starts += 1
            self._cond.notify_all()

    def wait_next_start(self, ticket: int | None, timeout: float = HANDOFF_SECONDS) -> None:
        """Start first: after giving its slot to a waiting container, a run
        thread lets that container's start finish before it asks the engine
        for anything else (removing its own container, creating the next):
        on a small host those calls slow the start that the next scenario
        waits for. Bounded by ``timeout``; no wait without a ticket."""
        if ticket is None:
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.starts <= ticket and not self.closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

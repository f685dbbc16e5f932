"""Scenario slots without Docker (issue 22): the adaptive limit, host slots
shared across processes, stale registrations of dead processes, and the
fair share between two submissions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from services.settings import Settings
from worker.sandbox import slots
from worker.sandbox.slots import AdaptiveLimit, Gate, HostSlots, parallelism_bounds


def _feed(limit: AdaptiveLimit, rate_of: dict[int, float], windows: int) -> list[int]:
    """Completions at the rate ``rate_of[limit]`` (scenarios/s) per window."""
    now = 0.0
    limit.started(now)
    seen = []
    for _ in range(windows):
        n = max(limit.min_window, 2 * limit.limit)
        rate = rate_of.get(limit.limit, rate_of[max(rate_of)])
        for _ in range(n):
            now += 1 / rate
            limit.completed(now)
        seen.append(limit.limit)
    return seen


def test_adaptive_limit_grows_while_the_rate_rises_then_settles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slots, "_meminfo_available", lambda: 64 * 1024**3)
    # rate rises up to 5 in flight, then falls (the host saturates)
    rate_of = {1: 3.0, 2: 6.0, 3: 8.5, 4: 10.0, 5: 11.0, 6: 9.0, 7: 8.0, 8: 7.0}
    limit = AdaptiveLimit(2, 1, 8)
    seen = _feed(limit, rate_of, 30)
    assert max(seen) <= 8 and min(seen) >= 1
    assert seen[:3] == [3, 4, 5]
    # it probes past the knee but keeps coming back to it
    tail = seen[10:]
    assert sum(v in (4, 5, 6) for v in tail) >= 0.8 * len(tail), seen


def test_adaptive_limit_stays_in_bounds_and_shrinks_without_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rising = {i: float(i) for i in range(1, 40)}
    monkeypatch.setattr(slots, "_meminfo_available", lambda: 64 * 1024**3)
    limit = AdaptiveLimit(2, 2, 6)
    assert _feed(limit, rising, 20)[-1] == 6
    monkeypatch.setattr(slots, "_meminfo_available", lambda: 100 * 1024**2)  # < one agent
    seen = _feed(limit, rising, 10)
    assert seen[-1] == 2  # down to the operator's minimum, never below


def test_bounds_come_from_the_operator_settings() -> None:
    assert parallelism_bounds(Settings(scenario_parallelism=2, scenario_parallelism_max=6)) == (
        2,
        1,
        6,
    )
    assert parallelism_bounds(
        Settings(scenario_parallelism=2, scenario_parallelism_adaptive=False)
    ) == (2, 2, 2)
    s = Settings(scenario_parallelism=2, scenario_parallelism_max=6, host_scenario_slots=3)
    assert slots.host_capacity(s) == 3
    # by default the host has as many slots as one submission may grow to
    assert slots.host_capacity(Settings(scenario_parallelism=2, scenario_parallelism_max=6)) == 6


def test_host_slots_are_shared_between_processes(tmp_path: Path) -> None:
    host = HostSlots(tmp_path, 2)
    mine = host.try_slot()
    assert mine is not None
    code = (
        "import sys; from pathlib import Path; from worker.sandbox.slots import HostSlots;"
        f"h = HostSlots(Path({str(tmp_path)!r}), 2); a = h.try_slot(); b = h.try_slot();"
        "sys.exit(0 if a is not None and b is None else 1)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=60).returncode == 0
    HostSlots.free_slot(mine)
    both = [host.try_slot(), host.try_slot()]
    assert None not in both and host.try_slot() is None
    for fd in both:
        HostSlots.free_slot(fd)  # type: ignore[arg-type]


def test_a_dead_processes_registration_is_not_counted(tmp_path: Path) -> None:
    host = HostSlots(tmp_path, 4)
    code = (
        "import sys, time; from pathlib import Path; from worker.sandbox.slots import HostSlots;"
        f"h = HostSlots(Path({str(tmp_path)!r}), 4); cm = h.active('dead'); cm.__enter__();"
        "print('in', flush=True); time.sleep(600)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"in"
        with host.active("alive"):
            assert host.active_count() == 2
            assert host.fair_share() == 2
            proc.kill()
            proc.wait(30)
            assert host.active_count() == 1  # the dead owner's lock is gone
            assert host.fair_share() == 4
        assert list((tmp_path / "active").glob("*.lock")) == []
    finally:
        proc.kill()
        proc.wait(30)


WORK = 0.3  # seconds one simulated scenario takes


def test_a_second_submission_starts_within_one_scenario(tmp_path: Path) -> None:
    """Submission A fills every host slot with 300 ms scenarios; B registers
    and asks for a slot: it starts within one of A's scenarios, and A starts
    nothing beyond its fair share meanwhile."""
    settings = Settings(
        data_dir=tmp_path, scenario_parallelism=4, scenario_parallelism_adaptive=False
    )
    host = HostSlots.for_settings(settings)
    events: list[tuple[float, str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def note(who: str, what: str) -> None:
        with lock:
            events.append((time.monotonic(), who, what))

    def run(gate: Gate, who: str, n: int | None) -> None:
        done = 0
        while (n is None and not stop.is_set()) or (n is not None and done < n):
            try:
                fd = gate.acquire()
            except RuntimeError:
                return
            note(who, "start")
            time.sleep(WORK)  # the scenario's work
            note(who, "end")
            gate.release(fd)
            done += 1

    big = Gate(settings, host)
    with host.active("big"):
        workers = [threading.Thread(target=run, args=(big, "big", None)) for _ in range(4)]
        for w in workers:
            w.start()
        while sum(e[2] == "start" for e in list(events)) < 6:  # A is at full speed
            time.sleep(0.01)
        small = Gate(settings, host)
        with host.active("small"):
            note("small", "asks")
            run(small, "small", 1)
        stop.set()
        big.close()
        for w in workers:
            w.join(10)
    asked = next(t for t, who, what in events if who == "small" and what == "asks")
    first = next(t for t, who, what in events if who == "small" and what == "start")
    # B waits at most one of A's scenarios, plus slack for a loaded host
    print(f"small submission started {1000 * (first - asked):.0f} ms after asking")
    assert first - asked < WORK + 0.2
    # once B is registered, A starts a scenario only within its share (4 // 2)
    running = 0
    for t, who, what in sorted(events):
        if who != "big":
            continue
        running += 1 if what == "start" else -1
        if what == "start" and asked < t < first + WORK:
            assert running <= 2, (t - asked, events)
    assert big.peak == 4

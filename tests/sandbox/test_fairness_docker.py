"""Fairness between submissions on the real runner (issue 22): with a
300-scenario submission running on every host slot, a second team's small
submission starts within one scenario slot, and the large one runs no more
than its fair share from then on."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from contracts.run import ScenarioRun
from services.settings import Settings
from worker.sandbox import slots
from worker.sandbox.runner import RunnerStats, run_submission

from .helpers import make_scenario

pytestmark = pytest.mark.docker


class _Stop(Exception):
    """Ends the large submission once the test has seen what it needs."""


def test_small_submission_starts_within_one_scenario_slot(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    settings = sandbox_settings.model_copy(
        update={
            "scenario_parallelism": 2,
            "scenario_parallelism_adaptive": False,
            "host_scenario_slots": 2,
        }
    )
    events: list[tuple[float, str, str]] = []  # (time, submission, start|end|registered)
    guard = threading.Lock()

    def note(who: str, what: str) -> None:
        with guard:
            events.append((time.monotonic(), who, what))

    def owner() -> str:
        name = threading.current_thread().name
        return "small" if "fair-small" in name else "big"

    real_acquire, real_release, real_active = (
        slots.Gate.acquire,
        slots.Gate.release,
        slots.HostSlots.active,
    )

    def acquire(self: slots.Gate) -> int:
        fd = real_acquire(self)
        note(owner(), "start")
        return fd

    def release(self: slots.Gate, fd: int, completed: bool = True) -> None:
        note(owner(), "end")
        real_release(self, fd, completed)

    def active(self: slots.HostSlots, submission: str) -> Any:
        note("small" if "fair-small" in submission else "big", "registered")
        return real_active(self, submission)

    monkeypatch.setattr(slots.Gate, "acquire", acquire)
    monkeypatch.setattr(slots.Gate, "release", release)
    monkeypatch.setattr(slots.HostSlots, "active", active)

    noop = example_images["noop"]
    stamp = int(time.time())
    big_id, small_id = f"pytest-fair-big-{stamp}", f"pytest-fair-small-{stamp}"
    big_done = threading.Event()
    small_finished = threading.Event()
    big_progress = [0]
    errors: list[BaseException] = []

    def big_progress_cb(done: int, _total: int, _run: ScenarioRun) -> None:
        big_progress[0] = done
        if small_finished.is_set():
            raise _Stop

    def run_big() -> None:
        try:
            run_submission(
                docker_client,
                noop,
                [make_scenario(f"big-{i}", f"big {i}") for i in range(300)],
                "execution",
                settings,
                big_progress_cb,
                submission_id=big_id,
            )
        except _Stop:
            pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            big_done.set()

    big = threading.Thread(target=run_big, daemon=True)
    big.start()
    deadline = time.monotonic() + 240
    while big_progress[0] < 4:  # the large submission runs at full speed
        assert not big_done.is_set(), errors
        assert time.monotonic() < deadline, "the large submission never got going"
        time.sleep(0.05)
    small_stats = RunnerStats()
    small_runs = run_submission(
        docker_client,
        noop,
        [make_scenario(f"small-{i}", f"small {i}") for i in range(3)],
        "execution",
        settings,
        submission_id=small_id,
        stats=small_stats,
    )
    small_finished.set()
    assert big_done.wait(120), "the large submission did not stop"
    big.join(30)
    assert errors == []
    assert [r.facts.output_status for r in small_runs] == ["ok"] * 3

    events.sort()
    registered = next(t for t, who, what in events if who == "small" and what == "registered")
    first = next(t for t, who, what in events if who == "small" and what == "start")
    # one scenario slot: the longest big scenario (start -> end) seen so far
    open_at: list[float] = []
    longest = 0.0
    for t, who, what in events:
        if who == "big" and what == "start":
            open_at.append(t)
        elif who == "big" and what == "end" and open_at:
            longest = max(longest, t - open_at.pop(0))
    waited = first - registered
    print(
        f"small submission: first start {waited * 1000:.0f} ms after it asked; "
        f"longest big scenario {longest * 1000:.0f} ms; big ran "
        f"{big_progress[0]} scenarios meanwhile"
    )
    assert waited <= longest + 0.25, (waited, longest)
    # from the moment the small submission asked, the big one starts a
    # scenario only while it runs fewer than its share (2 slots // 2); one
    # start may have passed its check just before the small one registered
    small_end = max(t for t, who, what in events if who == "small" and what == "end")
    running, early = 0, 0
    for t, who, what in events:
        if who != "big" or what == "registered":
            continue
        running += 1 if what == "start" else -1
        if what == "start" and registered < t < first:
            early += 1
        elif what == "start" and first <= t <= small_end:
            assert running <= 1, (t - registered, running)
    assert early <= 1, early

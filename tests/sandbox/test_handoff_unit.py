"""Start first (issue 22), without Docker: a run thread that gives its slot
to a waiting container lets that container's start reach the engine before
its own removal and its next create; never waits without one, and never
longer than the bound."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from services.settings import Settings
from worker.sandbox.slots import Gate


def _gate(tmp_path: Path, parallelism: int = 1) -> Gate:
    settings = Settings(
        data_dir=tmp_path,
        scenario_parallelism=parallelism,
        scenario_parallelism_adaptive=False,
    )
    return Gate(settings)


def test_no_waiting_container_no_ticket(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    fd = gate.acquire()
    gate.started()
    ticket = gate.release(fd)
    assert ticket is None
    t0 = time.monotonic()
    gate.wait_next_start(ticket)
    assert time.monotonic() - t0 < 0.05


def test_removal_waits_for_the_next_start(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    order: list[str] = []
    first = gate.acquire()
    gate.started()
    got_slot = threading.Event()

    def next_run() -> None:
        fd = gate.acquire()  # blocks: parallelism 1
        got_slot.set()
        time.sleep(0.15)  # the engine's start
        order.append("next started")
        gate.started()
        gate.release(fd)

    t = threading.Thread(target=next_run)
    t.start()
    deadline = time.monotonic() + 5
    while gate.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    ticket = gate.release(first)
    assert ticket is not None
    gate.wait_next_start(ticket)
    order.append("previous removed")
    t.join(5)
    assert got_slot.is_set()
    assert order == ["next started", "previous removed"]


def test_a_failed_start_counts_too_and_the_wait_is_bounded(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    first = gate.acquire()
    gate.started()
    waiter = threading.Thread(target=lambda: gate.release(gate.acquire()))
    waiter.start()
    deadline = time.monotonic() + 5
    while gate.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    ticket = gate.release(first)
    waiter.join(5)  # took the slot, never reported a start (it "hangs")
    t0 = time.monotonic()
    gate.wait_next_start(ticket, timeout=0.2)
    took = time.monotonic() - t0
    assert 0.15 <= took < 1.0
    gate.started()  # a start reported (failed or not) ends the wait at once
    t0 = time.monotonic()
    gate.wait_next_start(ticket, timeout=5)
    assert time.monotonic() - t0 < 0.05


def test_a_closed_gate_never_holds_a_thread(tmp_path: Path) -> None:
    gate = _gate(tmp_path)
    first = gate.acquire()
    gate.started()
    waiter = threading.Thread(target=lambda: _swallow(gate))
    waiter.start()
    deadline = time.monotonic() + 5
    while gate.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    ticket = gate.release(first)
    gate.close()
    t0 = time.monotonic()
    gate.wait_next_start(ticket, timeout=5)
    assert time.monotonic() - t0 < 0.5
    waiter.join(5)


def _swallow(gate: Gate) -> None:
    try:
        fd = gate.acquire()
    except RuntimeError:
        return
    gate.release(fd)

"""Sidecars prepared ahead (issue 22), without an engine: the next chunk's
sidecar is made while the current chunk runs, a preparation is used only
by the submission, track and scenarios it was made for, and nothing
prepared survives a failure."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest

from contracts.run import RunFacts, ScenarioRun
from services.settings import Settings
from worker.sandbox import runner
from worker.sandbox.runner import KeyRegistry, Prepared, RunnerError, RunnerStats

from .helpers import make_scenario


class _Image:
    id = "sha256:" + "0" * 64
    attrs: dict[str, Any] = {"Config": {}}


class _Images:
    def get(self, _ref: str) -> _Image:
        return _Image()


class _Client:
    images = _Images()


class _Fake:
    """Records prepares, runs and releases, in order, across threads."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        fail_chunk: int | None = None,
        wait_for_next: bool = True,
    ) -> None:
        self.wait_for_next = wait_for_next
        self.log: list[tuple[str, int | str]] = []
        self.lock = threading.Lock()
        self.prepared: list[Prepared] = []
        self.released: list[Prepared] = []
        self.fail_chunk = fail_chunk
        self.second_prepare_started = threading.Event()
        monkeypatch.setattr(runner, "prepare", self.prepare)
        monkeypatch.setattr(runner, "release", self.release)
        monkeypatch.setattr(runner, "_run_prepared", self.run_prepared)
        monkeypatch.setattr(runner.janitor, "cleanup", lambda *a, **k: None)

    def _note(self, what: str, value: int | str) -> None:
        with self.lock:
            self.log.append((what, value))

    def prepare(
        self,
        _client: Any,
        _settings: Any,
        scenarios: list[Any],
        track: Any,
        submission: str,
        **_kw: Any,
    ) -> Prepared:
        first = scenarios[0].id
        self._note("prepare", first)
        if first != "s-0":
            self.second_prepare_started.set()
        p = Prepared(
            submission=submission,
            scenario_ids=tuple(s.id for s in scenarios),
            track=track,
            registry=KeyRegistry(max_requests=1, max_output_tokens=1),
        )
        with self.lock:
            self.prepared.append(p)
        return p

    def release(self, _client: Any, p: Prepared, _on_event: Any = None) -> None:
        p.released = True
        self._note("release", p.scenario_ids[0])
        with self.lock:
            self.released.append(p)

    def run_prepared(
        self, _client: Any, p: Prepared, *, track: Any, on_progress: Any, **_kw: Any
    ) -> list[ScenarioRun]:
        self._note("run", p.scenario_ids[0])
        if p.scenario_ids[0] == "s-0" and self.wait_for_next:
            # the next chunk's sidecar is prepared while this chunk runs
            assert self.second_prepare_started.wait(10)
        if self.fail_chunk is not None and p.scenario_ids[0] == f"s-{self.fail_chunk * 2}":
            raise RunnerError("sidecar_died", "gone")
        runs = [ScenarioRun(scenario_id=i, track=track, facts=RunFacts()) for i in p.scenario_ids]
        for done, run in enumerate(runs, start=1):
            on_progress(done, len(runs), run)
        return runs


def _scenarios(n: int) -> list[Any]:
    return [make_scenario(f"s-{i}", "t") for i in range(n)]


def test_the_next_sidecar_is_prepared_while_the_current_chunk_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "MAX_RUNS_PER_SIDECAR", 2)
    fake = _Fake(monkeypatch)
    progress: list[tuple[int, int]] = []
    stats = RunnerStats()
    runs = runner.run_submission(
        _Client(),
        "img",
        _scenarios(5),
        "execution",
        Settings(),
        lambda d, t, _r: progress.append((d, t)),
        submission_id="sub",
        stats=stats,
    )
    assert [r.scenario_id for r in runs] == [f"s-{i}" for i in range(5)]
    assert progress == [(i, 5) for i in range(1, 6)]
    # three chunks, three fresh sidecars, each released, each used once
    assert [p.scenario_ids for p in fake.prepared] == [("s-0", "s-1"), ("s-2", "s-3"), ("s-4",)]
    assert all(p.released for p in fake.prepared) and len(fake.released) == 3
    runs_order = [v for w, v in fake.log if w == "run"]
    assert runs_order == ["s-0", "s-2", "s-4"]
    # chunk 2's sidecar was asked for before chunk 1 finished running
    assert fake.log.index(("prepare", "s-2")) < fake.log.index(("release", "s-0"))


def test_a_preparation_is_used_only_for_what_it_was_made_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _Fake(monkeypatch, wait_for_next=False)
    scenarios = _scenarios(2)
    other = Prepared(
        submission="another",
        scenario_ids=("s-0", "s-1"),
        track="execution",
        registry=KeyRegistry(max_requests=1, max_output_tokens=1),
    )
    handed: Future[Prepared] = Future()
    handed.set_result(other)
    fake.second_prepare_started.set()
    runner.run_submission(
        _Client(), "img", scenarios, "execution", Settings(), submission_id="sub", prepared=handed
    )
    assert other.released  # another submission's sidecar: removed, never used
    assert [v for w, v in fake.log if w == "run"] == ["s-0"]
    assert [p.submission for p in fake.prepared] == ["sub"]

    mine = Prepared(
        submission="sub",
        scenario_ids=("s-0", "s-1"),
        track="execution",
        registry=KeyRegistry(max_requests=1, max_output_tokens=1),
    )
    handed = Future()
    handed.set_result(mine)
    before = len(fake.prepared)
    runner.run_submission(
        _Client(), "img", scenarios, "execution", Settings(), submission_id="sub", prepared=handed
    )
    assert len(fake.prepared) == before and mine.released  # used, then removed


def test_a_failing_chunk_leaves_no_prepared_sidecar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MAX_RUNS_PER_SIDECAR", 2)
    fake = _Fake(monkeypatch, fail_chunk=0)
    with pytest.raises(RunnerError):
        runner.run_submission(
            _Client(), "img", _scenarios(5), "execution", Settings(), submission_id="sub"
        )
    # chunk 1 failed while chunk 2's sidecar was being prepared: both removed,
    # chunk 3's never made
    assert [p.scenario_ids[0] for p in fake.prepared] == ["s-0", "s-2"]
    assert all(p.released for p in fake.prepared)


def test_a_finished_chunk_is_released_while_the_next_runs_and_before_return(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunk 1's sidecar is removed while chunk 2 runs (its release waits
    here until chunk 2 has started: a release on the critical path would
    never see that), and every release has finished when run_submission
    returns."""
    monkeypatch.setattr(runner, "MAX_RUNS_PER_SIDECAR", 2)
    fake = _Fake(monkeypatch, wait_for_next=False)
    second_ran = threading.Event()
    overlapped: list[bool] = []
    release, run_prepared = fake.release, fake.run_prepared

    def slow_release(client: Any, p: Prepared, on_event: Any = None) -> None:
        if p.scenario_ids[0] == "s-0":
            overlapped.append(second_ran.wait(5))
        release(client, p, on_event)

    def run_and_note(client: Any, p: Prepared, **kw: Any) -> list[ScenarioRun]:
        if p.scenario_ids[0] == "s-2":
            second_ran.set()
        return run_prepared(client, p, **kw)

    monkeypatch.setattr(runner, "release", slow_release)
    monkeypatch.setattr(runner, "_run_prepared", run_and_note)
    runs = runner.run_submission(
        _Client(), "img", _scenarios(5), "execution", Settings(), submission_id="sub"
    )
    assert [r.scenario_id for r in runs] == [f"s-{i}" for i in range(5)]
    assert overlapped == [True]
    assert len(fake.released) == 3 and all(p.released for p in fake.prepared)


def test_an_interrupted_chunk_is_released_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "MAX_RUNS_PER_SIDECAR", 2)
    fake = _Fake(monkeypatch, fail_chunk=1, wait_for_next=False)
    with pytest.raises(RunnerError):
        runner.run_submission(
            _Client(), "img", _scenarios(6), "execution", Settings(), submission_id="sub"
        )
    # chunks 1 and 2 ran and were released; chunk 3 was prepared, never run, released
    assert all(p.released for p in fake.prepared)
    assert [v for w, v in fake.log if w == "run"] == ["s-0", "s-2"]

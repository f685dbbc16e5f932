"""The sandbox interface's events, without an engine: what a
``DockerSandbox`` records around the runner and the janitor, and that an
observer can neither lose events nor change a run's outcome."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from contracts.run import RunFacts, ScenarioRun
from services.settings import Settings
from worker.sandbox import events as E
from worker.sandbox import runner
from worker.sandbox.environment import DockerSandbox, RunnerError

from .helpers import make_scenario


def _fake_run(lifecycle: list[E.SandboxEvent], error: RunnerError | None = None) -> Any:
    """A stand-in for runner.run_submission that reports ``lifecycle``
    through the callback it is given, then returns or raises."""

    def run_submission(
        client: Any,
        image_id: str,
        scenarios: list[Any],
        track: str,
        settings: Settings,
        on_progress: Any = None,
        **kw: Any,
    ) -> list[ScenarioRun]:
        for event in lifecycle:
            kw["on_event"](event)
        if kw["log_tails"] is not None:
            kw["log_tails"].update({s.id: f"log of {s.id}" for s in scenarios})
        if error is not None:
            raise error
        return [ScenarioRun(scenario_id=s.id, track=track, facts=RunFacts()) for s in scenarios]

    return run_submission


def _lifecycle(submission: str, scenario: str) -> list[E.SandboxEvent]:
    who = {"submission": submission, "role": "agent", "scenario_id": scenario}
    return [
        E.ContainerCreated(**who, container_id="c1"),
        E.ContainerStarted(**who, container_id="c1"),
        E.ContainerExited(**who, container_id="c1", exit_code=137, wall_seconds=2.0),
        E.LimitHit(submission=submission, scenario_id=scenario, limit="wall_time", detail="2s"),
        E.ContainerRemoved(**who, container_id="c1"),
    ]


def test_run_records_the_runners_events_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "run_submission", _fake_run(_lifecycle("lbl", "s-1")))
    box = DockerSandbox(object(), Settings())
    seen: list[E.SandboxEvent] = []
    box.subscribe(seen.append)
    [run] = box.run("sha256:x", [make_scenario("s-1", "t")], "execution", label="lbl")
    assert run.scenario_id == "s-1"
    kinds = [type(e).__name__ for e in box.events()]
    assert kinds == [
        "ContainerCreated",
        "ContainerStarted",
        "ContainerExited",
        "LimitHit",
        "ContainerRemoved",
    ]
    assert seen == box.events()  # the listener saw the same, in the same order
    [limit] = box.events(E.LimitHit)
    assert isinstance(limit, E.LimitHit) and limit.limit == "wall_time"
    assert limit.scenario_id == "s-1" and limit.submission == "lbl"
    assert box.logs() == {}  # the server's default: no agent output kept


def test_run_one_keeps_logs_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "run_submission", _fake_run([]))
    box = DockerSandbox(object(), Settings(), keep_logs=True)
    run = box.run_one("sha256:x", make_scenario("s-2", "t"), "execution", label="lbl")
    assert run.scenario_id == "s-2"
    assert box.logs() == {"s-2": "log of s-2"}


def test_an_infrastructure_failure_is_an_event_and_still_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failure = RunnerError("sidecar_died", "gone")
    monkeypatch.setattr(
        runner, "run_submission", _fake_run(_lifecycle("lbl", "s-1")[:2], error=failure)
    )
    box = DockerSandbox(object(), Settings())
    with pytest.raises(RunnerError):
        box.run("sha256:x", [make_scenario("s-1", "t")], "execution", label="lbl")
    [failed] = box.events(E.SandboxFailed)
    assert isinstance(failed, E.SandboxFailed)
    assert (failed.code, failed.message, failed.submission) == ("sidecar_died", "gone", "lbl")
    assert [type(e) for e in box.events()][-1] is E.SandboxFailed


def test_a_failing_listener_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "run_submission", _fake_run(_lifecycle("lbl", "s-1")))
    box = DockerSandbox(object(), Settings())

    def broken(_event: E.SandboxEvent) -> None:
        raise RuntimeError("observer bug")

    box.subscribe(broken)
    [run] = box.run("sha256:x", [make_scenario("s-1", "t")], "execution", label="lbl")
    assert run.scenario_id == "s-1" and len(box.events()) == 5
    # the runner's own emit is just as defensive
    runner._emit(broken, E.CleanedUp(submission="x", containers=0, volumes=0, images=0))


class _Listed:
    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.attrs = {"Labels": labels}
        self.short_id = self.name = "x"
        self.removed = False

    def remove(self, **_kw: Any) -> None:
        self.removed = True


class _Collection:
    def __init__(self, items: list[_Listed]) -> None:
        self.items = items

    def list(self, **_kw: Any) -> list[_Listed]:
        return self.items


class _Client:
    def __init__(self, containers: list[_Listed], volumes: list[_Listed]) -> None:
        self.containers, self.volumes = _Collection(containers), _Collection(volumes)
        self.images = _Collection([])


def test_cleanup_reports_what_it_removed() -> None:
    old = {"org.assetops.created": "0", "org.assetops.role": "agent"}
    containers, volumes = [_Listed(old), _Listed(old)], [_Listed(old)]
    box = DockerSandbox(_Client(containers, volumes), Settings())
    report = box.cleanup("lbl", older_than=0, images=True)
    assert (report.containers, report.volumes) == (2, 1)
    assert all(c.removed for c in [*containers, *volumes])
    [cleaned] = box.events(E.CleanedUp)
    assert isinstance(cleaned, E.CleanedUp)
    assert (cleaned.submission, cleaned.containers, cleaned.volumes, cleaned.images) == (
        "lbl",
        2,
        1,
        0,
    )


def test_events_are_immutable_records_without_scenario_text() -> None:
    event = E.ContainerExited(
        submission="lbl", role="agent", container_id="c", scenario_id="s", exit_code=0
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.exit_code = 1  # type: ignore[misc]
    # only ids, codes and figures: safe to log on the server
    allowed = {
        "submission",
        "at",
        "role",
        "container_id",
        "scenario_id",
        "exit_code",
        "wall_seconds",
        "image_id",
        "reference",
        "size_bytes",
        "code",
        "message",
        "limit",
        "detail",
        "containers",
        "volumes",
        "images",
    }
    for cls in E.SandboxEvent.__subclasses__():
        assert {f.name for f in dataclasses.fields(cls)} <= allowed, cls


def test_prepare_hands_the_sidecar_to_run_or_close_removes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[runner.Prepared] = []
    released: list[runner.Prepared] = []

    def prepare(
        _c: Any, _s: Any, scenarios: list[Any], track: Any, submission: str, **_kw: Any
    ) -> runner.Prepared:
        p = runner.Prepared(
            submission=submission,
            scenario_ids=tuple(s.id for s in scenarios),
            track=track,
            registry=runner.KeyRegistry(max_requests=1, max_output_tokens=1),
        )
        made.append(p)
        return p

    handed: list[Any] = []

    def run_submission(*args: Any, **kw: Any) -> list[ScenarioRun]:
        handed.append(kw["prepared"].result() if kw["prepared"] is not None else None)
        return []

    monkeypatch.setattr(runner, "prepare", prepare)
    monkeypatch.setattr(runner, "release", lambda _c, p, _e=None: released.append(p))
    monkeypatch.setattr(runner, "run_submission", run_submission)
    scenarios = [make_scenario("s-1", "t")]

    box = DockerSandbox(object(), Settings())
    box.prepare(scenarios, "execution", label="sub-a1")
    box.run("sha256:x", scenarios, "execution", label="sub-a1")
    assert handed == [made[0]] and made[0].submission == "sub-a1" and released == []
    box.run("sha256:x", scenarios, "execution", label="sub-a1")
    assert handed[-1] is None  # a preparation serves one run only

    box.prepare(scenarios, "execution", label="sub-a2")
    box.close()  # never run: removed (or cancelled before it made anything)
    assert released == made[1:]

"""``DockerSandbox`` on a real engine: every scenario's container is
reported created, started, exited and removed, in that order, a run past
its wall time reports the limit, and nothing is left behind."""

from __future__ import annotations

from typing import Any

import pytest

from services.settings import Settings
from worker.sandbox import events as E
from worker.sandbox.environment import DockerSandbox

from .helpers import make_scenario

pytestmark = pytest.mark.docker


@pytest.mark.usefixtures("no_leftovers")
def test_events_tell_each_containers_life(
    docker_client: Any, hostile_image: str, sandbox_settings: Settings, submission_id: str
) -> None:
    settings = sandbox_settings.model_copy(update={"agent_wall_seconds": 3.0})
    box = DockerSandbox(docker_client, settings)
    scenarios = [
        make_scenario("ok-0", "HOSTILE control"),
        make_scenario("ok-1", "HOSTILE control"),
        make_scenario("slow", "HOSTILE sleepforever"),
    ]
    runs = box.run(hostile_image, scenarios, "planning", label=submission_id)
    by_id = {r.scenario_id: r for r in runs}
    assert by_id["slow"].facts.timed_out and not by_id["ok-0"].facts.timed_out

    events = box.events()
    assert {e.submission for e in events} == {submission_id}
    for scenario in ("ok-0", "ok-1", "slow"):
        mine = [e for e in events if getattr(e, "scenario_id", None) == scenario]
        life = [type(e) for e in mine if not isinstance(e, E.LimitHit)]
        assert life == [
            E.ContainerCreated,
            E.ContainerStarted,
            E.ContainerExited,
            E.ContainerRemoved,
        ], scenario
        # one fresh container per scenario, never another's
        assert len({getattr(e, "container_id", None) for e in mine} - {None}) == 1
    exited = {e.scenario_id: e for e in events if isinstance(e, E.ContainerExited)}
    assert exited["ok-0"].exit_code == 0 and exited["slow"].wall_seconds >= 3.0
    limits = [e for e in events if isinstance(e, E.LimitHit)]
    assert [(e.scenario_id, e.limit) for e in limits] == [("slow", "wall_time")]
    sidecar = [type(e) for e in events if getattr(e, "role", None) == "sidecar"]
    assert sidecar == [E.ContainerCreated, E.ContainerStarted, E.ContainerRemoved]
    # the sidecar comes up before any agent and goes after every agent
    roles = [getattr(e, "role", None) for e in events if isinstance(e, E.ContainerRemoved)]
    assert roles[-1] == "sidecar"
    assert isinstance(events[0], E.ContainerCreated) and events[0].role == "sidecar"
    assert box.stats.runs == 3

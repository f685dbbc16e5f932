"""Agents flooding their submission's sidecar (issue 14, part 3), on the real
runner, the real sidecar image and a flood agent image (tests/sandbox/flood):

- a tool-log flood and a body flood keep the sidecar under its memory limit
  (its cgroup's peak usage is sampled while the runs go); the tool-log flood
  is scored as the agent's failure with a clear reason, the body flood only
  gets 413s, and a control run in the same submission is unaffected;
- a sidecar the agents exhaust anyway (an operator's too-small memory limit)
  is the agents' scored failure, not an infrastructure retry;
- a sidecar that dies on its own stays an infrastructure failure (retried).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker.errors
import pytest

from contracts.run import ScenarioRun
from services.settings import Settings
from worker.sandbox import labels as L
from worker.sandbox import results
from worker.sandbox.runner import RunnerError, run_submission

from .conftest import HERE, TEST_LABEL, sandbox_leftovers
from .helpers import make_scenario

pytestmark = pytest.mark.docker

MiB = 1024**2
PEAK_FILES = (
    "/sys/fs/cgroup/memory/memory.max_usage_in_bytes",  # cgroup v1
    "/sys/fs/cgroup/memory.peak",  # cgroup v2 (kernel >= 5.19)
)


@pytest.fixture(scope="module")
def flood_image(docker_client: Any) -> str:
    from worker.sandbox.build import build_image

    return build_image(
        docker_client, HERE / "flood", "arena-test-flood:latest", extra_labels=TEST_LABEL
    )


class PeakSampler:
    """Polls the peak memory usage of the submission's sidecar cgroup while
    the runner works (the runner removes the sidecar at its end)."""

    def __init__(self, client: Any, submission: str) -> None:
        self.client, self.submission = client, submission
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _sidecar(self) -> Any:
        found = self.client.containers.list(
            filters={"label": [f"{L.SUBMISSION}={self.submission}", f"{L.ROLE}=sidecar"]}
        )
        return found[0] if found else None

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                side = self._sidecar()
                if side is not None:
                    for path in PEAK_FILES:
                        code, out = side.exec_run(["cat", path])
                        if code == 0:
                            self.peak = max(self.peak, int(out.strip()))
                            self.samples += 1
                            break
            except (docker.errors.APIError, ValueError):
                pass  # the sidecar is going away
            self._stop.wait(0.3)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def _settings(tmp: Path, sidecar_image: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "sidecar_image": sidecar_image,
        "data_dir": tmp / "data",
        "gateway_socket_dir": tmp / "gw",
        "agent_wall_seconds": 60.0,
        "agent_memory_bytes": 256 * MiB,
        # the body flood runs 128 threads at once (+ the main thread and init)
        "agent_pids_limit": 192,
        "agent_output_bytes": 2 * MiB,
        "agent_tmpfs_bytes": 16 * MiB,
        "scenario_parallelism": 3,
        "sidecar_memory_bytes": 768 * MiB,
        "llm_model": "mock/echo",
        **overrides,
    }
    return Settings(**values)


def _answer(run: ScenarioRun) -> dict[str, Any]:
    assert run.result is not None, run.facts
    return json.loads(run.result.answer)


@pytest.fixture(scope="module")
def flooded(
    docker_client: Any, flood_image: str, sidecar_image: str, tmp_path_factory: Any
) -> tuple[dict[str, ScenarioRun], PeakSampler, Settings]:
    tmp = tmp_path_factory.mktemp("flood")
    settings = _settings(tmp, sidecar_image)
    scenarios = [make_scenario(b, f"FLOOD {b}") for b in ("calls", "bodies", "control")]
    submission = f"pytest-flood-{int(time.time())}"
    with PeakSampler(docker_client, submission) as sampler:
        runs = run_submission(
            docker_client,
            flood_image,
            scenarios,
            "execution",
            settings,
            submission_id=submission,
        )
    containers, volumes = sandbox_leftovers(docker_client, submission)
    assert containers == [] and volumes == []
    return {r.scenario_id: r for r in runs}, sampler, settings


def test_flood_keeps_the_sidecar_under_its_memory_limit(
    flooded: tuple[dict[str, ScenarioRun], PeakSampler, Settings],
) -> None:
    runs, sampler, settings = flooded
    assert sampler.samples > 3, "the sidecar's memory was never sampled"
    print(f"sidecar peak {sampler.peak / MiB:.0f} MiB of {settings.sidecar_memory_bytes / MiB:.0f}")
    assert sampler.peak < settings.sidecar_memory_bytes * 0.8
    # the sidecar served to the end: the control run is untouched
    assert _answer(runs["control"])["control"] == "ok"


def test_tool_log_flood_is_the_agents_scored_failure(
    flooded: tuple[dict[str, ScenarioRun], PeakSampler, Settings],
) -> None:
    runs, _sampler, settings = flooded
    run = runs["calls"]
    assert run.result is None  # the answer it wrote afterwards does not count
    assert run.facts.output_status == "invalid"
    assert (run.facts.output_error or "").startswith(results.LIMIT_REASON), run.facts
    assert 0 < len(run.tool_calls) <= settings.sidecar_max_log_entries
    logged = sum(len(r.model_dump_json()) + 1 for r in run.tool_calls)
    assert logged <= settings.sidecar_max_log_bytes


def test_body_flood_only_gets_refusals(
    flooded: tuple[dict[str, ScenarioRun], PeakSampler, Settings],
) -> None:
    runs, _sampler, _settings = flooded
    report = _answer(runs["bodies"])
    statuses = {int(k): v for k, v in report["statuses"].items()}
    assert statuses.get(413, 0) >= 64  # every announced 1 GB body, and streamed ones
    assert set(statuses) <= {413, 503, 0}, statuses  # never read whole, never a 500
    assert report["after"] == 200
    assert runs["bodies"].facts.output_status == "ok"  # refusals are not a run failure


def _kill_sidecar_when_agents_run(
    client: Any, submission: str, kill: Callable[[Any], None]
) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            agents = client.containers.list(
                filters={"label": [f"{L.SUBMISSION}={submission}", f"{L.ROLE}=agent"]}
            )
            sides = client.containers.list(
                filters={"label": [f"{L.SUBMISSION}={submission}", f"{L.ROLE}=sidecar"]}
            )
            if agents and sides:
                kill(sides[0])
                return
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_sidecar_exhausted_by_its_agents_is_their_scored_failure(
    docker_client: Any,
    flood_image: str,
    sidecar_image: str,
    tmp_path: Path,
    submission_id: str,
    no_leftovers: None,
) -> None:
    """An operator let bodies of 64 MiB through: the body flood then holds
    more than the sidecar may and the kernel kills it. Its agents did that:
    every run of the submission fails with the reason, and nothing raises
    the infrastructure error that would retry the submission."""
    settings = _settings(tmp_path, sidecar_image, sidecar_max_body_bytes=64 * MiB)
    scenarios = [make_scenario(b, f"FLOOD {b}") for b in ("bodies", "control")]
    runs = run_submission(
        docker_client, flood_image, scenarios, "execution", settings, submission_id=submission_id
    )
    assert len(runs) == 2
    for run in runs:
        assert run.result is None
        assert run.facts.output_status == "invalid"
        error = run.facts.output_error or ""
        assert error.startswith(results.LIMIT_REASON) and "memory" in error, run.facts


def test_sidecar_dying_on_its_own_stays_an_infrastructure_failure(
    docker_client: Any,
    flood_image: str,
    sidecar_image: str,
    tmp_path: Path,
    submission_id: str,
    no_leftovers: None,
) -> None:
    """Killed from outside (not by its memory limit) while a run goes on:
    nothing the agent did, so the submission is retried, never scored."""
    settings = _settings(tmp_path, sidecar_image)
    killer = _kill_sidecar_when_agents_run(
        docker_client, submission_id, lambda side: side.kill(signal="SIGKILL")
    )
    with pytest.raises(RunnerError) as caught:
        run_submission(
            docker_client,
            flood_image,
            [make_scenario("control", "FLOOD control")],
            "execution",
            settings,
            submission_id=submission_id,
        )
    killer.join(5)
    assert caught.value.code == "sidecar_died"

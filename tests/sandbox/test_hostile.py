"""Hostile agents (tests/sandbox/hostile): every attack runs in ONE
submission, in parallel with well-behaved control runs. Each attack must be
contained, end as a failed run with a clear reason, leave the control runs
and the host untouched, and leave nothing behind."""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

import pytest

from contracts.run import ScenarioRun
from services.settings import Settings
from worker.sandbox.runner import run_submission

from .helpers import make_scenario

pytestmark = pytest.mark.docker

BEHAVIOURS = (
    "forkbomb",
    "membomb",
    "diskfill",
    "logflood",
    "network",
    "sleepforever",
    "hugeresult",
    "nanresult",
    "notjson",
    "secrets",
    "privesc",
    "writeoutside",
)
OPERATOR_SECRET = "sk-operator-SECRET-do-not-leak-0123456789"


@pytest.fixture(scope="module")
def hostile_runs(
    docker_client: Any, hostile_image: str, sidecar_image: str, tmp_path_factory: Any
) -> dict[str, ScenarioRun]:
    tmp = tmp_path_factory.mktemp("hostile")
    settings = Settings(
        sidecar_image=sidecar_image,
        data_dir=tmp / "data",
        gateway_socket_dir=tmp / "gw",
        agent_wall_seconds=8.0,
        agent_memory_bytes=96 * 1024**2,
        agent_pids_limit=48,
        agent_tmpfs_bytes=8 * 1024**2,
        agent_output_bytes=4 * 1024**2,
        agent_fsize_bytes=16 * 1024**2,
        agent_log_bytes=128 * 1024,
        scenario_parallelism=4,
    )
    scenarios = [make_scenario(name, f"HOSTILE {name}") for name in BEHAVIOURS]
    scenarios += [make_scenario(f"control-{i}", "HOSTILE control") for i in range(2)]
    disk_before = shutil.disk_usage("/").free
    # a provider key in the worker's environment must never reach an agent
    old = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = OPERATOR_SECRET
    try:
        runs = run_submission(
            docker_client,
            hostile_image,
            scenarios,
            "execution",
            settings,
            submission_id="hostile-suite",
        )
    finally:
        if old is None:
            os.environ.pop("OPENAI_API_KEY", None)
        else:
            os.environ["OPENAI_API_KEY"] = old
    # the host's disk did not absorb a disk bomb (tmpfs + caps, 1 GiB slack for others)
    assert disk_before - shutil.disk_usage("/").free < 1024**3
    return {run.scenario_id: run for run in runs}


def _report(run: ScenarioRun) -> dict[str, Any]:
    assert run.result is not None, run.facts
    return json.loads(run.result.answer)


def test_control_runs_unaffected(hostile_runs: dict[str, ScenarioRun]) -> None:
    for sid in ("control-0", "control-1"):
        assert _report(hostile_runs[sid])["control"] == "ok"
        assert hostile_runs[sid].facts.exit_code == 0


def test_forkbomb_hits_pids_limit_and_wall_clock(hostile_runs: dict[str, ScenarioRun]) -> None:
    facts = hostile_runs["forkbomb"].facts
    # Contained either way: the pids limit stops the fork storm and the wall
    # clock ends it, or, on a loaded host, the forks that did start reach
    # the memory cap first (seen in CI: oom_killed after 7.5 s).
    assert (facts.timed_out or facts.oom_killed) and hostile_runs["forkbomb"].result is None
    assert facts.output_status == "missing"


def test_membomb_is_oom_killed(hostile_runs: dict[str, ScenarioRun]) -> None:
    facts = hostile_runs["membomb"].facts
    assert facts.oom_killed and facts.exit_code == 137
    assert facts.output_status == "missing" and "memory" in (facts.output_error or "")


def test_diskfill_is_capped(hostile_runs: dict[str, ScenarioRun]) -> None:
    facts = hostile_runs["diskfill"].facts
    assert facts.exit_code == 2 and not facts.timed_out  # every write was stopped
    assert facts.output_status == "missing"


def test_logflood_is_killed_at_wall_clock(hostile_runs: dict[str, ScenarioRun]) -> None:
    facts = hostile_runs["logflood"].facts
    assert facts.timed_out and facts.output_status == "missing"


def test_sleep_forever_ignoring_sigterm_is_killed(hostile_runs: dict[str, ScenarioRun]) -> None:
    run = hostile_runs["sleepforever"]
    assert run.facts.timed_out
    assert run.facts.wall_seconds < 8.0 + 10
    assert run.result is None  # the answer written before hanging does not count
    assert "wall time exceeded" in (run.facts.output_error or "")


def test_huge_result_is_too_large(hostile_runs: dict[str, ScenarioRun]) -> None:
    run = hostile_runs["hugeresult"]
    assert run.facts.output_status == "too_large" and run.result is None


def test_nan_and_garbage_results_are_invalid(hostile_runs: dict[str, ScenarioRun]) -> None:
    nan = hostile_runs["nanresult"].facts
    assert nan.output_status == "invalid" and "NaN" in (nan.output_error or "")
    garbage = hostile_runs["notjson"].facts
    assert garbage.output_status == "invalid" and "json" in (garbage.output_error or "")


def test_network_escape_is_impossible(hostile_runs: dict[str, ScenarioRun]) -> None:
    report = _report(hostile_runs["network"])
    assert report["interfaces"] == ["lo"]
    assert report["dns"] == "blocked"
    for key, outcome in report.items():
        if ":" in key and not key.startswith("/"):
            assert outcome.startswith("blocked"), (key, outcome)
    assert report["/var/run/docker.sock"] == "absent"
    assert report["/run/docker.sock"] == "absent"


def test_no_secrets_visible(hostile_runs: dict[str, ScenarioRun]) -> None:
    report = _report(hostile_runs["secrets"])
    env = report["env"]
    dump = json.dumps(report)
    assert OPERATOR_SECRET not in dump
    assert env["OPENAI_API_KEY"].startswith("sk-arena-")  # its own per-run key only
    assert set(report["keys_seen"]) <= {env["OPENAI_API_KEY"]}
    assert not any(k.startswith(("ARENA_", "DOCKER")) for k in env)
    assert "CANARY-" not in json.dumps(env)
    # own pid namespace: no sidecar or sibling processes to read
    assert len(report["pids"]) <= 4
    assert not report["/runs"] and not report["/gateway"] and not report["/app"]


def test_root_image_with_setuid_binary_stays_unprivileged(
    hostile_runs: dict[str, ScenarioRun],
) -> None:
    report = _report(hostile_runs["privesc"])
    assert report["uid"] != 0 and report["euid"] != 0
    assert report["setuid0"].startswith("denied")
    assert report["setuid_binary_euid"] != "0"
    assert int(report["cap_eff"], 16) == 0 and report["no_new_privs"] == "1"


def test_writes_outside_output_fail(hostile_runs: dict[str, ScenarioRun]) -> None:
    report = _report(hostile_runs["writeoutside"])
    assert report.pop("/tmp/ok") == "written"
    assert all(outcome != "written" for outcome in report.values()), report


def test_nothing_left_behind(hostile_runs: dict[str, ScenarioRun], docker_client: Any) -> None:
    flt = {"label": ["org.assetops.sandbox=1", "org.assetops.submission=hostile-suite"]}
    assert docker_client.containers.list(all=True, filters=flt) == []
    assert docker_client.volumes.list(filters=flt) == []

"""Issue 18 end to end on real Postgres, Redis, Celery and Docker: a phase
with attempts = 3 runs every scenario three times (separate runs, tool logs
and progress), scores them as one scenario each with intervals, records how
the score was produced, and a re-evaluation of the same image under the same
record gives the same scores."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from arena_api_env import World, auth
from fastapi.testclient import TestClient
from sqlalchemy import update
from test_lifecycle_integration import pg_dump, scenario_secrets, upload_file, wait_for

from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Phase

pytestmark = [pytest.mark.integration, pytest.mark.docker]
CANARY = re.compile(r"CANARY-[0-9a-f]{16}")
FINAL = ("finished", "failed", "cancelled")
# what a re-evaluation must reproduce exactly (the rest describes the occasion)
DETERMINISTIC_SCORES = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination_rate",
    "overall",
    "pass_rate",
    "deployment_ready",
    "scenarios",
    "passed",
    "attempts",
    "runs",
    "pass_hat_k",
    "flip_rate",
    "overall_attempt_sd",
    "intervals",
    "run_failures",
    "groups",
    "rubric_version",
    "failure_statements",
    "prompt_tokens",
    "completion_tokens",
)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Overrides the worker tests' file: three public-set tasks of three
    kinds that the baseline agent answers with tool calls (an operator's
    scenario file, as ARENA_SCENARIO_FILE would name it)."""
    from hidden_scenarios.sets import public_set

    wanted = {"iot.site_assets", "iot.sensor_daily_stat", "fmsr.modes_for_sensor"}
    chosen: dict[str, Any] = {}
    for s in public_set():
        if s.template in wanted and "execution" in s.tracks and not s.faults:
            chosen.setdefault(s.template, s)
    assert set(chosen) == wanted
    path = tmp_path_factory.mktemp("attempts") / "scenarios.json"
    path.write_text(json.dumps([s.model_dump(mode="json") for s in chosen.values()]))
    return path


@pytest.fixture
def client(worker_settings: Settings) -> Any:
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    with TestClient(create_app(worker_settings, configure_logging=False)) as c:
        yield c


def set_attempts(settings: Settings, phase_id: int, k: int) -> None:
    with session_factory(settings.database_url)() as session:
        session.execute(update(Phase).where(Phase.id == phase_id).values(attempts=k))
        session.commit()


def test_three_attempts_are_three_separate_runs(
    client: TestClient, world: World, worker_settings: Settings, agent_tars: dict[str, Path]
) -> None:
    """The pipeline hands the runner three copies of every scenario, each
    run in its own container with its own token: three runs per scenario,
    each with its own tool log (numbered from 0, not merged); progress
    counts every run; the evaluator gets them as attempts 1..3."""
    from hidden_scenarios.sets import load_file
    from worker import pipeline

    set_attempts(worker_settings, world.phase_id, 3)
    scenarios = [s for s in load_file(worker_settings.scenario_file) if "execution" in s.tracks]
    sid = upload_file(client, world.team_a, agent_tars["baseline"])["id"]
    deps = pipeline.default_deps(worker_settings)
    seen: dict[str, Any] = {"progress": []}
    real_sandbox, real_evaluate = deps.sandbox, deps.evaluate

    def sandbox() -> Any:
        box = real_sandbox()
        real_run = box.run

        def run(image_id: str, to_run: list, track: str, on_progress: Any, **kw: Any) -> list:
            seen["to_run"] = [s.id for s in to_run]

            def progress(done: int, total: int, run: Any) -> None:
                seen["progress"].append((done, total))
                on_progress(done, total, run)

            runs = real_run(image_id, to_run, track, progress, **kw)
            seen["raw"] = runs
            return runs

        box.run = run
        return box

    def evaluate(scenarios_: Any, runs: list, *args: Any, **kw: Any) -> Any:
        seen["runs"], seen["attempts"] = list(runs), kw.get("attempts")
        return real_evaluate(scenarios_, runs, *args, **kw)

    deps.sandbox, deps.evaluate = sandbox, evaluate
    assert pipeline.process(uuid.UUID(sid), deps) == "finished"

    ids = [s.id for s in scenarios]
    assert sorted(seen["to_run"]) == sorted(
        [*ids, *(f"{i}.a2" for i in ids), *(f"{i}.a3" for i in ids)]
    )
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", i) for i in seen["to_run"])
    assert seen["progress"][-1] == (9, 9) and len(seen["progress"]) == 9
    assert seen["attempts"] == 3
    runs = seen["runs"]
    assert sorted((r.scenario_id, r.attempt) for r in runs) == sorted(
        (i, a) for i in ids for a in (1, 2, 3)
    )
    for run in runs:
        assert run.facts.output_status == "ok", run.facts
        seqs = [c.seq for c in run.tool_calls]
        assert seqs and seqs == list(range(len(seqs))), seqs  # its own log, from 0
    per_scenario = {i: {len(r.tool_calls) for r in runs if r.scenario_id == i} for i in ids}
    assert all(len(counts) == 1 for counts in per_scenario.values())  # not merged
    body = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()
    assert body["scenarios_total"] == body["scenarios_done"] == 9
    scores = body["scores"]
    assert scores["scenarios"] == 3 and scores["attempts"] == 3 and scores["runs"] == 9
    assert scores["record"]["totals"]["runs"] == 9


@pytest.mark.parametrize("worker_settings", [{"upload_retention_seconds": 3600}], indirect=True)
def test_attempts_record_and_identical_reevaluation(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    celery_worker: Any,
) -> None:
    """The way an operator and a participant meet it: the admin sets k = 3
    on the phase, the team submits, the Celery worker scores; the scores
    carry intervals and the record of the settings in force, downloadable;
    an admin re-run of the same archive gives the same scores and the same
    record (the occasion aside); nothing per scenario is stored."""
    from evaluator.scoring import RUBRIC_VERSION
    from services.version import engine_revision
    from worker.record import deterministic_part

    r = client.patch(
        f"/api/v1/admin/phases/{world.phase_id}", json={"attempts": 3}, headers=auth(world.admin)
    )
    assert r.status_code == 200 and r.json()["attempts"] == 3
    assert client.get(f"/api/v1/phases/{world.phase_id}").json()["attempts"] == 3
    worker = celery_worker()
    sid = upload_file(client, world.team_a, agent_tars["baseline"])["id"]
    first = wait_for(client, world.team_a, sid, lambda b: b["status"] in FINAL)
    assert first["status"] == "finished", (first, worker.logs()[-3000:])
    assert first["scenarios_total"] == 9  # 3 scenarios x 3 attempts
    scores = first["scores"]
    assert scores["scenarios"] == 3 and scores["attempts"] == 3 and scores["runs"] == 9
    assert scores["pass_hat_k"] is not None and scores["flip_rate"] is not None
    for key in ("overall", "pass_rate", "task_completion", "hallucination_rate"):
        ci = scores["intervals"][key]
        assert ci["low"] <= scores[key] <= ci["high"], key

    # the record is the settings in force
    record = scores["record"]
    s = worker_settings
    assert record["attempts"] == 3
    assert record["sandbox"] == {
        "wall_seconds": s.agent_wall_seconds,
        "cpus": s.agent_cpus,
        "memory_bytes": s.agent_memory_bytes,
        "pids_limit": s.agent_pids_limit,
        "tmpfs_bytes": s.agent_tmpfs_bytes,
        "runtime": s.agent_runtime or "default",
        "parallelism": s.scenario_parallelism,
    }
    assert record["llm"]["model"] == s.llm_model
    assert record["llm"]["token_budget_per_run"] == s.llm_token_budget
    assert record["plant_seed"] == s.plant_seed
    assert record["rubric_version"] == RUBRIC_VERSION == scores["rubric_version"]
    assert record["engine_revision"] == engine_revision()  # the worker runs this checkout
    assert s.scenario_file is not None
    digest = "sha256:" + hashlib.sha256(s.scenario_file.read_bytes()).hexdigest()
    assert record["scenario_pack"]["digest"] == digest
    assert record["image"]["archive_sha256"] == first["image_sha256"]
    assert record["image"]["image_id"].startswith("sha256:")
    assert record["scenario_set"]["scenarios"] == 3
    assert record["totals"]["runs"] == record["totals"]["scored_runs"] == 9
    assert record["per_run"]["wall_seconds"]["p50"] > 0
    assert record["started_at"] < record["finished_at"]
    assert scores["wall_seconds"] == round(record["totals"]["wall_seconds"], 1)
    download = client.get(f"/api/v1/submissions/{sid}/record", headers=auth(world.team_a))
    assert download.status_code == 200 and download.json()["record"] == record
    assert "attachment" in download.headers["content-disposition"]
    board = client.get(
        "/api/v1/leaderboard", params={"phase": world.phase_id, "track": "execution"}
    ).json()
    [entry] = board["entries"]
    assert (
        entry["attempts"] == 3 and entry["overall_ci_low"] == scores["intervals"]["overall"]["low"]
    )
    assert entry["wall_seconds"] == scores["wall_seconds"] and entry["tokens"] == scores["tokens"]

    # re-evaluate the same archive under the same settings: same scores
    r = client.post(f"/api/v1/admin/submissions/{sid}/rerun", headers=auth(world.admin))
    assert r.status_code == 200, r.text
    second = wait_for(
        client,
        world.team_a,
        sid,
        lambda b: b["status"] in FINAL and b["finished_at"] != first["finished_at"],
    )
    assert second["status"] == "finished", (second, worker.logs()[-3000:])
    again = second["scores"]
    for key in DETERMINISTIC_SCORES:
        assert again[key] == scores[key], key
    assert deterministic_part(again["record"]) == deterministic_part(record)
    assert again["record"]["started_at"] > record["finished_at"]  # a new occasion

    # aggregates only: no canary or scenario text in the database, the api
    # answers (record included) or the worker's log
    canaries, texts = scenario_secrets(worker_settings)
    dump = pg_dump(worker_settings)
    assert sid in dump
    for blob in [dump, json.dumps(second), download.text, json.dumps(board), worker.logs()]:
        assert not CANARY.search(blob), "a canary leaked"
        for secret in [*canaries, *texts]:
            assert secret not in blob, "scenario text leaked"

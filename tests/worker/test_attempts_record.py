"""Attempts expansion and the reproducibility record, without Docker
(issue 18; the end-to-end checks are in test_attempts_integration.py)."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evaluator"))

from evaluator_factories import number_scenario, run_of  # noqa: E402

from contracts.run import RunFacts  # noqa: E402
from services.settings import Settings  # noqa: E402
from worker import pipeline, record  # noqa: E402

VALID_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def test_expand_attempts_in_rounds_with_valid_ids() -> None:
    sc = [number_scenario(f"hid-{i:04d}") for i in range(3)]
    copies, mapping = pipeline.expand_attempts(sc, 3)
    assert [c.id for c in copies] == [
        "hid-0000.a2",
        "hid-0001.a2",
        "hid-0002.a2",
        "hid-0000.a3",
        "hid-0001.a3",
        "hid-0002.a3",
    ]
    assert all(VALID_ID.match(run_id) for run_id in mapping)
    assert mapping["hid-0001"] == ("hid-0001", 1) and mapping["hid-0002.a3"] == ("hid-0002", 3)
    assert all(c.text == sc[0].text for c in copies)  # same task, same faults
    assert pipeline.expand_attempts(sc, 1) == ([], {s.id: (s.id, 1) for s in sc})
    with pytest.raises(ValueError):
        pipeline.expand_attempts(sc, 2, taken={"hid-0001.a2"})


def test_attempt_runs_rename_back_and_drop_probes() -> None:
    sc = [number_scenario("s-1"), number_scenario("s-2")]
    copies, mapping = pipeline.expand_attempts(sc, 2)
    runs = [run_of(s) for s in [*sc, number_scenario("s-1.entity"), *copies]]
    out = pipeline.attempt_runs(runs, mapping)
    assert sorted((r.scenario_id, r.attempt) for r in out) == [
        ("s-1", 1),
        ("s-1", 2),
        ("s-2", 1),
        ("s-2", 2),
    ]


def test_record_matches_the_settings_in_force() -> None:
    settings = Settings(
        agent_wall_seconds=77.0,
        agent_cpus=1.5,
        agent_memory_bytes=300 * 1024**2,
        agent_pids_limit=64,
        llm_model="mock/echo",
        llm_token_budget=12345,
        plant_seed=42,
        scenario_parallelism=3,
    )
    sc = [number_scenario(f"s-{i}") for i in range(4)]
    scored = [
        run_of(
            s, facts=RunFacts(wall_seconds=float(i + 1), prompt_tokens=10 * i, completion_tokens=1)
        ).model_copy(update={"attempt": a})
        for i, s in enumerate(sc)
        for a in (1, 2)
    ]
    probes = [run_of(number_scenario("s-0.entity"), facts=RunFacts(prompt_tokens=1000))]

    class Source:
        name, version, digest, public = "spring", "3", "sha256:" + "a" * 64, False

    costs = record.run_costs(scored, [*scored, *probes], 1, 0)
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    rec = record.build_record(
        settings,
        image_sha256="f" * 64,
        image_id="sha256:" + "1" * 64,
        declared_image_id=None,
        source=Source(),
        scenarios=sc,
        attempts=2,
        track="execution",
        costs=costs,
        started_at=t0,
        finished_at=t0 + timedelta(seconds=90),
        worker="worker-7",
    )
    assert rec["sandbox"] == {
        "wall_seconds": 77.0,
        "cpus": 1.5,
        "memory_bytes": 300 * 1024**2,
        "pids_limit": 64,
        "tmpfs_bytes": settings.agent_tmpfs_bytes,
        "runtime": "default",
        "parallelism": 3,
    }
    assert rec["llm"]["model"] == "mock/echo" and rec["llm"]["token_budget_per_run"] == 12345
    assert rec["plant_seed"] == 42 and rec["attempts"] == 2
    assert rec["scenario_pack"]["digest"] == Source.digest
    assert rec["image"]["declared_image_id"] == rec["image"]["image_id"]
    assert rec["totals"]["runs"] == 9 and rec["totals"]["scored_runs"] == 8
    assert rec["totals"]["tokens"] == sum(10 * i + 1 for i in range(4)) * 2 + 1000
    assert rec["totals"]["wall_seconds"] == 90.0
    assert rec["per_run"]["wall_seconds"] == {"p50": 2.0, "p95": 4.0}
    assert rec["per_run"]["tokens"] == {"p50": 11.0, "p95": 31.0}
    assert rec["worker"] == {"host": "worker-7"}
    assert rec["started_at"] == "2026-12-01T00:00:00Z"
    from evaluator.scoring import RUBRIC_VERSION
    from services.version import engine_revision

    assert rec["rubric_version"] == RUBRIC_VERSION and rec["engine_revision"] == engine_revision()
    # the set is pinned by a digest: no scenario id, text or canary in the record
    dumped = json.dumps(rec)
    assert "s-1" not in dumped and "CANARY-" not in dumped and "Chiller" not in dumped
    assert rec["scenario_set"]["digest"] == record.scenario_set_digest(list(reversed(sc)))
    other = record.scenario_set_digest([*sc[:3], number_scenario("s-3", text="other text")])
    assert other != rec["scenario_set"]["digest"]


def test_engine_revision_prefers_the_baked_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from services import version

    version.engine_revision.cache_clear()
    monkeypatch.setenv(version.ENV, "abc123def456")
    try:
        assert version.engine_revision() == "abc123def456"
        monkeypatch.delenv(version.ENV)
        version.engine_revision.cache_clear()
        rev = version.engine_revision()
        assert rev == "unknown" or re.fullmatch(r"[0-9a-f]{12}(-dirty)?", rev)
    finally:
        version.engine_revision.cache_clear()

"""Submission-level report: no-op ≈ 0, oracle-like ≥ 95, determinism,
group threshold, nothing per-scenario in the output (canary scan)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from evaluator_factories import CANARY, honest_calls, number_scenario, run_of

from contracts.run import RunFacts
from evaluator import EvaluatorError, evaluate_submission
from hidden_scenarios.schema import CANARY_RE

NOW = datetime(2026, 1, 1, tzinfo=UTC)
GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."


def scenarios(n: int = 12):
    out = []
    for i in range(n):
        canary = f"CANARY-{i:016x}"
        s = number_scenario(
            f"s-{i:03d}",
            family="iot" if i % 2 else "multi",
            text=f"Average Chiller 6 Tonnage 2020-06-01..2020-06-08? {canary}",
            canary=canary,
        )
        out.append(s)
    return out


def test_noop_near_zero_and_perfect_high() -> None:
    sc = scenarios()
    noop = evaluate_submission(sc, [run_of(s, "") for s in sc], [], NOW)
    assert noop.overall <= 1.0 and noop.pass_rate == 0.0 and not noop.deployment_ready
    assert noop.run_failures == {"answer_empty": len(sc)}
    perfect = evaluate_submission(sc, [run_of(s, GOOD, honest_calls()) for s in sc], [], NOW)
    assert perfect.overall >= 95 and perfect.pass_rate == 100.0 and perfect.deployment_ready
    assert perfect.clusters == [] and perfect.failure_statements == 0
    assert perfect.prompt_tokens == 100 * len(sc)


def test_missing_runs_timeouts_and_groups() -> None:
    sc = scenarios(12)
    runs = [run_of(s, GOOD, honest_calls()) for s in sc[:6]]
    runs += [run_of(s, GOOD, facts=RunFacts(timed_out=True)) for s in sc[6:9]]
    r = evaluate_submission(sc, runs, [], NOW)  # three scenarios have no run at all
    assert r.run_failures == {"output_missing": 3, "timeout": 3}
    assert r.pass_rate == 50.0
    assert r.hallucination_rate_answered == 0.0
    assert {g.group for g in r.groups} == {"family:iot", "family:multi", "task_type:data_retrieval"}
    small = evaluate_submission(sc[:4], [], [], NOW)
    assert small.groups == []  # groups below 5 scenarios are never published
    keys = {c.key for c in r.clusters}
    assert "fc-arena-timeout" in keys and "fc-arena-output" in keys
    assert sum(c.share for c in r.clusters) == pytest.approx(1.0, abs=1e-4)


def test_same_inputs_same_report_and_catalog_carries_over() -> None:
    sc = scenarios(10)
    runs = [
        run_of(s, GOOD if i % 3 else "Chiller 7 was 512.7", honest_calls() if i % 2 else [])
        for i, s in enumerate(sc)
    ]
    a = evaluate_submission(sc, runs, [], NOW)
    b = evaluate_submission(list(reversed(sc)), list(reversed(runs)), [], NOW)
    assert a.model_dump() == b.model_dump()
    c = evaluate_submission(sc, runs, a.catalog_updates, NOW)
    assert {x.key for x in c.clusters} == {x.key for x in a.clusters}
    assert all(e.submissions == 2 for e in c.catalog_updates)


def test_report_is_safe_to_persist() -> None:
    sc = scenarios(8)
    runs = [run_of(s, f"{s.canary} {GOOD} secret-answer-text", honest_calls()) for s in sc]
    dumped = json.dumps(evaluate_submission(sc, runs, [], NOW).model_dump(mode="json"))
    assert not CANARY_RE.search(dumped) and CANARY not in dumped
    for leaked in ("secret-answer-text", "Chiller 6", "420.0", "Tonnage"):
        assert leaked not in dumped


def test_bad_input_has_stable_codes() -> None:
    sc = scenarios(3)
    with pytest.raises(EvaluatorError) as e:
        evaluate_submission([], [], [], NOW)
    assert e.value.code == "no_scenarios"
    with pytest.raises(EvaluatorError) as e:
        evaluate_submission(sc, [run_of(number_scenario("zzz"), GOOD)], [], NOW)
    assert e.value.code == "unknown_scenario"
    with pytest.raises(EvaluatorError) as e:
        evaluate_submission(sc, [run_of(sc[0], GOOD), run_of(sc[0], GOOD)], [], NOW)
    assert e.value.code == "duplicate_run"

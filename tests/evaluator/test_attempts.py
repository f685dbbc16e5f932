"""Repeated attempts and uncertainty (issue 18): k runs per scenario are one
scenario each; pass@1, pass^k, flip rate; bootstrap intervals that are
deterministic and contain the point estimate."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
from evaluator_factories import honest_calls, number_scenario, run_of

from evaluator import EvaluatorError, evaluate_submission, stats
from hidden_scenarios.schema import CANARY_RE

NOW = datetime(2026, 1, 1, tzinfo=UTC)
GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."
BAD = "Chiller 7 was 512.7"


def scenarios(n: int):
    return [
        number_scenario(
            f"s-{i:03d}",
            family="iot" if i % 2 else "multi",
            text=f"Average Chiller 6 Tonnage? CANARY-{i:016x}",
            canary=f"CANARY-{i:016x}",
        )
        for i in range(n)
    ]


def attempt(run, n: int):
    return run.model_copy(update={"attempt": n})


def test_k_attempts_are_one_scenario_each() -> None:
    sc = scenarios(10)
    # attempt 1 and 2 solve everything, attempt 3 solves the even scenarios only
    runs = []
    for i, s in enumerate(sc):
        runs.append(attempt(run_of(s, GOOD, honest_calls()), 1))
        runs.append(attempt(run_of(s, GOOD, honest_calls()), 2))
        runs.append(attempt(run_of(s, GOOD if i % 2 == 0 else BAD, honest_calls()), 3))
    r = evaluate_submission(sc, runs, [], NOW, attempts=3)
    assert r.scenarios == 10 and r.attempts == 3 and r.runs == 30
    assert r.passed == 25
    assert r.pass_rate == pytest.approx(100 * 25 / 30, abs=1e-3)  # pass@1
    assert r.pass_hat_k == 50.0  # passed in all three: the even half
    assert r.flip_rate == 50.0  # the odd half passed twice, failed once
    assert r.overall_attempt_sd is not None and r.overall_attempt_sd > 0
    # groups count scenarios, not runs (5 per family)
    assert {g.group: g.scenarios for g in r.groups} == {
        "family:iot": 5,
        "family:multi": 5,
        "task_type:data_retrieval": 10,
    }
    assert r.prompt_tokens == 100 * 30  # every attempt's tokens


def test_k1_matches_the_single_run_report() -> None:
    sc = scenarios(8)
    runs = [run_of(s, GOOD if i % 3 else BAD, honest_calls()) for i, s in enumerate(sc)]
    one = evaluate_submission(sc, runs, [], NOW)
    assert one.attempts == 1 and one.runs == 8 and one.scenarios == 8
    assert one.flip_rate is None and one.overall_attempt_sd is None
    assert one.pass_hat_k == one.pass_rate
    # the same runs given as attempt 1 of k = 2 with attempt 2 identical: same means
    twice = evaluate_submission(sc, runs + [attempt(r, 2) for r in runs], [], NOW, attempts=2)
    assert twice.dimensions == one.dimensions and twice.overall == one.overall
    assert twice.pass_rate == one.pass_rate and twice.flip_rate == 0.0


def test_intervals_are_deterministic_and_contain_the_point_estimate() -> None:
    sc = scenarios(12)
    runs = []
    for i, s in enumerate(sc):
        for a in (1, 2, 3):
            good = (i + a) % 3 != 0
            runs.append(attempt(run_of(s, GOOD if good else BAD, honest_calls()), a))
    a = evaluate_submission(sc, runs, [], NOW, attempts=3)
    b = evaluate_submission(list(reversed(sc)), list(reversed(runs)), [], NOW, attempts=3)
    assert a.intervals == b.intervals and a.model_dump() == b.model_dump()
    assert set(a.intervals) == {
        "task_completion",
        "retrieval_accuracy",
        "result_verification",
        "sequence_correctness",
        "clarity_justification",
        "hallucination",
        "overall",
        "pass_rate",
    }
    point = dict(a.dimensions, overall=a.overall, pass_rate=a.pass_rate)
    for name, (low, high) in a.intervals.items():
        assert low <= point[name] + 1e-9 <= high + 2e-9, name
    lo, hi = a.intervals["overall"]
    assert hi - lo > 1.0  # outcomes vary: a real interval, not a point
    # all-identical runs: the interval collapses onto the mean
    same = evaluate_submission(sc, [run_of(s, GOOD, honest_calls()) for s in sc], [], NOW)
    assert same.intervals["pass_rate"] == [100.0, 100.0]


def test_k1_interval_is_over_scenarios() -> None:
    """With one attempt the second bootstrap stage is the identity: the
    interval is the scenarios bootstrap (checked against a direct one)."""
    values = np.array([[0.0], [1.0], [1.0], [0.5], [0.25], [1.0]])
    iv = stats.intervals({"x": values})["x"]
    rng = np.random.default_rng(stats.BOOTSTRAP_SEED)
    means = []
    for _ in range(0, stats.BOOTSTRAP_REPLICATES, stats._BLOCK):
        idx = rng.integers(0, 6, size=(stats._BLOCK, 6))
        means.append(values[idx, 0].mean(axis=1))
    low, high = np.quantile(np.concatenate(means), [0.025, 0.975])
    assert (iv.low, iv.high) == pytest.approx((low, high))


def test_more_attempts_narrow_the_interval_of_a_noisy_agent() -> None:
    rng = np.random.default_rng(1)
    one = stats.intervals({"x": rng.random((40, 1))})["x"]
    many = stats.intervals({"x": rng.random((40, 8))})["x"]
    assert many.high - many.low < one.high - one.low


def test_attempt_errors_and_missing_attempts() -> None:
    sc = scenarios(3)
    with pytest.raises(EvaluatorError) as e:
        evaluate_submission(sc, [attempt(run_of(sc[0], GOOD), 3)], [], NOW, attempts=2)
    assert e.value.code == "unknown_attempt"
    with pytest.raises(EvaluatorError) as e:
        evaluate_submission(
            sc,
            [attempt(run_of(sc[0], GOOD), 2), attempt(run_of(sc[0], GOOD), 2)],
            [],
            NOW,
            attempts=2,
        )
    assert e.value.code == "duplicate_run"
    # an attempt that never ran is a missing output, scored, not dropped
    r = evaluate_submission(sc, [run_of(s, GOOD, honest_calls()) for s in sc], [], NOW, attempts=2)
    assert r.runs == 6 and r.run_failures == {"output_missing": 3}
    assert r.pass_hat_k == 0.0 and r.flip_rate == 100.0


def test_uncertainty_is_safe_to_persist() -> None:
    sc = scenarios(6)
    runs = [
        attempt(run_of(s, f"{s.canary} {GOOD} secret-answer-text", honest_calls()), a)
        for s in sc
        for a in (1, 2)
    ]
    dumped = json.dumps(evaluate_submission(sc, runs, [], NOW, attempts=2).model_dump(mode="json"))
    assert not CANARY_RE.search(dumped)
    for leaked in ("secret-answer-text", "s-000", "Chiller 6", "420.0"):
        assert leaked not in dumped

"""Rubric version 3: a result is credited only as far as the data it rests
on was looked at. The red team's "priors" agents guessed each task type's
usual answer without a call and passed 12.9-18.8 % of the hidden set under
rubric 2 (the ground truth grounded the guess, and a pass asked for no
retrieval). The honest run keeps its full credit."""

from __future__ import annotations

from evaluator_factories import HISTORY_ARGS, honest_calls, number_scenario, record, run_of

from evaluator import score_run
from evaluator.scoring import RUBRIC_VERSION

GOOD = "The average Chiller 6 Tonnage was 420.0 tons."


def test_rubric_version_is_3() -> None:
    assert RUBRIC_VERSION == 3


def test_a_right_guess_without_the_data_earns_nothing() -> None:
    s = number_scenario()
    guessed = score_run(s, run_of(s, GOOD, []))
    assert not guessed.passed
    assert guessed.task_completion.score == 0.0
    assert "unsupported:looked=0.00" in guessed.task_completion.reason
    assert guessed.overall == 0.0


def test_a_right_guess_after_lookups_only_earns_nothing() -> None:
    s = number_scenario()
    lookups = honest_calls()[:1]  # the sensor list, never the readings
    guessed = score_run(s, run_of(s, GOOD, lookups))
    assert not guessed.passed and guessed.task_completion.score == 0.0


def test_the_honest_run_keeps_its_credit() -> None:
    s = number_scenario()
    honest = score_run(s, run_of(s, GOOD, honest_calls()))
    assert honest.passed and honest.task_completion.score == 1.0
    assert "unsupported" not in honest.task_completion.reason


def test_partial_retrieval_scales_the_credit_and_fails_the_task() -> None:
    s = number_scenario()
    other = {**HISTORY_ARGS, "sensor_name": "Chiller 6 Power Input"}
    two = s.expectation.model_copy(
        update={
            "required_retrievals": [
                *s.expectation.required_retrievals,
                s.expectation.required_retrievals[0].model_copy(update={"arguments": other}),
            ]
        }
    )
    s2 = s.model_copy(update={"expectation": two})
    half = score_run(s2, run_of(s2, GOOD, honest_calls()))
    assert not half.passed
    assert abs(half.task_completion.score - 0.5) < 1e-9
    both = honest_calls() + [
        record(2, "iot.history", other, entities=["Chiller 6 Power Input"], values=[1.0])
    ]
    assert score_run(s2, run_of(s2, GOOD, both)).passed


def test_a_scenario_without_required_data_is_unchanged() -> None:
    s = number_scenario()
    none = s.model_copy(
        update={"expectation": s.expectation.model_copy(update={"required_retrievals": []})}
    )
    r = score_run(none, run_of(none, GOOD, []))
    assert "unsupported" not in r.task_completion.reason

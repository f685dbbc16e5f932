"""Detector rules of the tenth round (issue 19), chosen on fresh8 after its
one measurement (so on seen defects):

- an answer that says there is nothing ("0 readings", "No matching rules",
  a null field) although every required tool answered with records is a
  wrong result from the right data (MAST-3.3); an answer that claims
  nothing was otherwise kept out of "wrong result" (round 6);
- a right answer whose task failed only for a write nobody asked for is not
  a wrong result (no MAST-3.3).

Each is checked against a run where it must not fire."""

from __future__ import annotations

from evaluator_factories import (
    HISTORY_ARGS,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
)

from evaluator import score_run

WRONG_RESULT = "MAST-3.3"


def test_nothing_found_with_the_data_at_hand_is_a_wrong_result() -> None:
    s = number_scenario()
    run = run_of(s, "0 readings in that week", honest_calls())  # names nothing to ground
    assert not score_run(s, run).passed
    assert WRONG_RESULT in codes_for(s, run)
    # the data never came back: saying "0" is not a wrong result from it
    empty = [honest_calls()[0], record(1, "iot.history", HISTORY_ARGS, status="empty")]
    assert WRONG_RESULT not in codes_for(s, run_of(s, "0 readings in that week", empty))
    # giving up is not a result
    gave_up = run_of(s, "I could not compute the average.", honest_calls())
    assert WRONG_RESULT not in codes_for(s, gave_up)
    # "no" inside an answer that says something else is not "nothing found"
    vague = run_of(s, "The value looks normal, no cause for concern.", honest_calls())
    assert WRONG_RESULT not in codes_for(s, vague)


def _written(seq: int):
    r = record(
        seq,
        "wo.create_workorder",
        {"asset_num": "Chiller 6", "description": "inspect"},
        entities=["WO900001"],  # the new order's number: quoting it is grounded
    )
    return r.model_copy(update={"written": {"wonum": "WO900001", "status": "WAPPR"}})


def test_a_right_answer_with_an_unasked_write_is_not_a_wrong_result() -> None:
    s = number_scenario()
    calls = [*honest_calls(), _written(2)]  # the honest calls' values average 420.0
    right = run_of(s, "420.0 (mean of Chiller 6 Tonnage). I also opened WO900001.", calls)
    score = score_run(s, right)
    assert not score.passed and "unasked_writes" in score.task_completion.reason
    assert WRONG_RESULT not in codes_for(s, right)
    # a wrong answer with the same write still is one
    wrong = run_of(s, "512.0 (mean of Chiller 6 Tonnage).", calls)
    assert WRONG_RESULT in codes_for(s, wrong)

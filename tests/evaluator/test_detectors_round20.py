"""Detector rule of the twentieth round (issue 19), chosen on the seen
defects after fresh17's one measurement; not measured on a new batch yet.

An answer whose claims beyond the task's own data all come from a data call
the task never needed (the site's open work orders appended "for
context") drifted off the question: MAST-2.3 (task derailment), not
ARENA-HALLUCINATION ("values that appear in no tool result": they do
appear, in the unrelated call's result). Before this round MAST-2.3 needed
three off-task calls or more, half the run's calls."""

from __future__ import annotations

from evaluator_factories import codes_for, honest_calls, number_scenario, record, run_of

DERAILED = "MAST-2.3"
UNGROUNDED = "ARENA-HALLUCINATION"
ANSWER = "The average tonnage was 420.0. For context: WO104443 is in progress at site MAIN."
IN_PROGRESS = {"site_id": "MAIN", "status": "INPRG"}


def test_an_answer_padded_from_an_unrelated_call_drifted_off_the_task() -> None:
    s = number_scenario()
    calls = [*honest_calls(), record(2, "wo.list_workorders", IN_PROGRESS, entities=["WO104443"])]
    codes = codes_for(s, run_of(s, ANSWER, calls))
    assert DERAILED in codes and UNGROUNDED not in codes


def test_an_id_no_call_returned_stays_ungrounded() -> None:
    s = number_scenario()
    codes = codes_for(s, run_of(s, ANSWER, honest_calls()))
    assert UNGROUNDED in codes and DERAILED not in codes
    # an unrelated call that does not return it changes nothing
    calls = [*honest_calls(), record(2, "wo.list_workorders", IN_PROGRESS, entities=["WO100001"])]
    codes = codes_for(s, run_of(s, ANSWER, calls))
    assert UNGROUNDED in codes and DERAILED not in codes

"""Detector rules of the seventh round (issue 19), each stated in terms of
the run record: a rejected call whose window is no ISO time the service
reads is the agent's argument error; a required tool never called while
another tool of its family answered is an answer resting on the wrong data;
a range given where one number was asked for is the wrong answer format.
Detectors only name failures: the scores are unchanged."""

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
from hidden_scenarios.schema import RequiredRetrieval


def _rejected(args: dict, status: int = 422, injected: str | None = None):
    calls = honest_calls()
    bad = record(1, "iot.history", args, status="error").model_copy(
        update={"http_status": status, "error_code": "invalid_argument", "injected_fault": injected}
    )
    return [calls[0], bad]


def test_rejected_call_with_a_window_that_is_no_iso_time_is_an_argument_error() -> None:
    s = number_scenario()
    us = dict(HISTORY_ARGS, start="06/01/2020 00:00", final="06/08/2020 00:00")
    answer = (
        "I could not complete this task: iot.history rejected the request (422): "
        "start: '06/01/2020 00:00' is not an ISO 8601 date/time."
    )
    run = run_of(s, answer, _rejected(us))
    codes = codes_for(s, run)
    assert "MAST-1.1-ARGS" in codes
    # the quoted dates are not invented values: the argument error explains them
    assert "ARENA-HALLUCINATION" not in codes
    # rejected by an injected fault: the tool's failure, not the arguments
    injected = run_of(s, answer, _rejected(us, status=400, injected="error"))
    assert "MAST-1.1-ARGS" not in codes_for(s, injected)
    # the scores do not depend on the detectors
    assert score_run(s, run) == score_run(s, run_of(s, answer, _rejected(us)))


def test_required_tool_replaced_by_a_sibling_of_its_family_is_overstated() -> None:
    s = number_scenario()
    forecast = RequiredRetrieval(tool="tsfm.run_tsfm_forecasting", arguments={})
    s = s.model_copy(
        update={
            "expectation": s.expectation.model_copy(
                update={"required_retrievals": [*s.expectation.required_retrievals, forecast]}
            )
        }
    )
    calls = honest_calls() + [record(2, "tsfm.run_tsad", {"dataset_id": "d1"})]
    codes = codes_for(s, run_of(s, "The forecast came back empty.", calls))
    assert "ARENA-OVERSTATED" in codes
    # no sibling called (the family never reached): not this rule
    codes = codes_for(s, run_of(s, "The forecast came back empty.", honest_calls()))
    assert "ARENA-OVERSTATED" not in codes


def test_a_range_where_one_number_was_asked_is_the_wrong_format() -> None:
    s = number_scenario()
    answer = "somewhere between 378 and 462 (mean of 5 readings of Chiller 6 Tonnage)"
    codes = codes_for(s, run_of(s, answer, honest_calls()))
    assert "MAST-1.1-FORMAT" in codes
    # the bounds are not claimed results
    assert "MAST-3.3" not in codes and "ARENA-HALLUCINATION" not in codes
    for other in ("378 to 462 tons", "378 – 462 (mean)"):
        assert "MAST-1.1-FORMAT" in codes_for(s, run_of(s, other, honest_calls()))
    # a range after the result (a typical band) is not the answer's form
    padded = "410.0 tons. Typical readings for such chillers lie between 40 and 55."
    assert "MAST-1.1-FORMAT" not in codes_for(s, run_of(s, padded, honest_calls()))
    # nor dates of a window
    dated = "410.0 (mean from 2020-06-01 to 2020-06-08)"
    assert "MAST-1.1-FORMAT" not in codes_for(s, run_of(s, dated, honest_calls()))

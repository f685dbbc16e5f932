"""Detector rules of the thirteenth round (issue 19), chosen on the seen
defects (fresh11 among them, after its one measurement) before fresh12's:

- a call the service rejected (4xx, no injected fault) for the agent's own
  argument is MAST-1.1-ARGS also when that argument is a window given in
  another form than ISO 8601 (Unix epoch seconds), an argument the task's
  reference calls never give the tool ("limit" beside page_size), a list
  sent as one value, or a wrong entity in a reference lookup (not only in
  a required retrieval);
- the HTTP status of a failed call quoted in the answer ("rejected the
  request (422)") is the tool's error cited, not a value claimed: no
  hallucination, and the answer still "gave up";
- an ids answer with the asked ids' digits masked ("Chiller **") is the
  wrong format, not an empty failure.

Each is checked against a run where it must not fire."""

from __future__ import annotations

from typing import Any

from evaluator_factories import (
    HISTORY_ARGS,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
    with_expectation,
)

from evaluator import score_run
from hidden_scenarios.schema import IdSetCheck, ReferenceStep, RequiredRetrieval

ARGS, FORMAT, HALLUCINATION = "MAST-1.1-ARGS", "MAST-1.1-FORMAT", "ARENA-HALLUCINATION"
GAVE_UP = "I could not complete this task: iot.history rejected the request ({status})."


def _rejected(tool: str, args: dict[str, Any], status: int = 422, injected: str | None = None):
    r = record(1, tool, args, status="error", injected=injected)
    return r.model_copy(update={"http_status": status, "error_code": "invalid_arguments"})


def _history_rejected(**changes: Any):
    args = {**HISTORY_ARGS, **changes}
    return [honest_calls()[0], _rejected("iot.history", args)]


def _codes(scenario, calls, answer: str) -> list[str]:
    run = run_of(scenario, answer, calls)
    assert not score_run(scenario, run).passed
    return codes_for(scenario, run)


def test_a_window_in_epoch_seconds_rejected_is_a_wrong_argument() -> None:
    s = number_scenario()
    codes = _codes(
        s, _history_rejected(start=1590969600, final=1591574400), GAVE_UP.format(status=422)
    )
    assert ARGS in codes and HALLUCINATION not in codes
    # the same report after a server fault the agent could not help: no argument
    fault = [honest_calls()[0], _rejected("iot.history", HISTORY_ARGS, 503, injected="error")]
    codes = _codes(s, fault, GAVE_UP.format(status=503))
    assert ARGS not in codes and HALLUCINATION not in codes


def test_an_argument_of_another_api_rejected_is_a_wrong_argument() -> None:
    s = number_scenario()
    assert ARGS in _codes(s, _history_rejected(limit=100), GAVE_UP.format(status=422))
    # round 15: any refused difference from the task's call is the agent's,
    # a paging argument too (test_detectors_round15.py)
    assert ARGS in _codes(s, _history_rejected(page_size=50), GAVE_UP.format(status=422))


def test_a_list_sent_as_one_value_rejected_is_a_wrong_argument() -> None:
    s = number_scenario()
    codes = _codes(s, _history_rejected(sensors="Chiller 6 Tonnage"), GAVE_UP.format(status=422))
    assert ARGS in codes


def test_a_reference_lookup_for_another_entity_rejected_is_a_wrong_argument() -> None:
    s = number_scenario()
    lookup = {"site_name": "MAIN", "asset_id": "Chiller 6"}
    plan = [
        ReferenceStep(agent="iot", tool="get_asset", arguments=lookup),
        ReferenceStep(agent="iot", tool="history", arguments=HISTORY_ARGS),
    ]
    s = with_expectation(s, reference_plan=plan)
    split = [_rejected("iot.get_asset", {**lookup, "asset_id": "Chiller"}, 404)]
    answer = "I could not complete this task: iot.get_asset rejected the request (404)."
    assert ARGS in _codes(s, split, answer)
    assert ARGS not in _codes(s, [_rejected("iot.get_asset", lookup, 404)], answer)


def test_a_number_that_is_no_failed_call_status_is_still_a_claim() -> None:
    s = number_scenario()
    calls = [*honest_calls(), _rejected("iot.history", {**HISTORY_ARGS, "limit": 1}, 422)]
    # 503 is a value here: no call failed with it
    codes = _codes(s, calls, "503.0 (mean of Chiller 6 Tonnage)")
    assert "MAST-3.3" in codes or HALLUCINATION in codes


def test_masked_ids_are_the_wrong_format() -> None:
    lookup_args = {"site_name": "ANNEX", "asset_type": "chiller"}
    s = number_scenario(output_format="ids", text="Which chillers are at site ANNEX?")
    s = with_expectation(
        s,
        check=IdSetCheck(ids=["Chiller 13", "Chiller 14"]),
        evidence=[],
        required_retrievals=[RequiredRetrieval(tool="iot.assets", arguments=lookup_args)],
        reference_plan=[ReferenceStep(agent="iot", tool="assets", arguments=lookup_args)],
    )
    lookup = record(0, "iot.assets", lookup_args, entities=["Chiller 13", "Chiller 14"])
    codes = _codes(s, [lookup], "Chiller **, Chiller **")
    assert FORMAT in codes
    assert FORMAT not in _codes(s, [lookup], "Chiller 12, Chiller 15")
    assert codes_for(s, run_of(s, "Chiller 13, Chiller 14", [lookup])) == []


def test_an_entity_the_tools_returned_masked_in_any_answer_is_the_wrong_format() -> None:
    s = number_scenario()
    masked = "Chiller * Tonnage averaged 450.0 over the week."
    assert FORMAT in _codes(s, honest_calls(), masked)
    assert FORMAT not in _codes(s, honest_calls(), masked.replace("*", "6"))
    # markdown emphasis next to a name is no mask
    emphasis = "Chiller 6 Tonnage averaged *450.0* over the week (Chiller *is* steady)."
    assert FORMAT not in _codes(s, honest_calls(), emphasis)


def test_an_argument_in_another_spelling_rejected_is_a_wrong_argument() -> None:
    """Round 14, chosen on fresh12 after its one measurement: the value the
    task fixes, written another way ("MAIN" as "Main"), and the tool, which
    takes the exact value, rejects it."""
    s = number_scenario()
    codes = _codes(s, _history_rejected(site_name="Main"), GAVE_UP.format(status=422))
    assert ARGS in codes
    # the exact value, rejected: nothing says it was the agent's argument
    assert ARGS not in _codes(s, _history_rejected(), GAVE_UP.format(status=422))


def test_a_masked_name_is_found_beside_a_long_history() -> None:
    """A history returns thousands of timestamps (no ids): they must not push
    the names the answer masks past the bound on names compared."""
    s = number_scenario()
    stamps = [
        f"2020-06-0{d}T{h:02d}:{m:02d}:00"
        for d in range(1, 8)
        for h in range(24)
        for m in (0, 15, 30, 45)
    ]
    calls = honest_calls()
    calls[1] = calls[1].model_copy(update={"entities": [*stamps, *calls[1].entities]})
    assert FORMAT in _codes(s, calls, "Chiller * Tonnage averaged 450.0 over the week.")

"""Detector rules of the ninth round (issue 19), chosen on fresh7 after its
one measurement (so on seen defects):

- an answer written twice back to back is the wrong format, and the glued
  numbers or ids of its copies are not wrong results or invented values;
- a dataset id the agent made up although the data call had answered (it
  had the id, and passed another) is a wrong argument (MAST-1.1-ARGS), not
  acting before verifying (ARENA-SEQUENCE, kept for calls made before the
  data call);
- a failed or empty call with the task's window retried for another window
  (the window left out: the tool's default range) is a wrong argument.

Each is checked against an honest run of the same task (no new statement).
Scrubbing of entities as whole words is tested in test_failures."""

from __future__ import annotations

from evaluator_factories import (
    HISTORY_ARGS,
    TONNAGE_VALUES,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
    with_expectation,
)

from evaluator import score_run
from evaluator.textparse import doubled_text
from hidden_scenarios.schema import IdSetCheck, RequiredRetrieval

FORMAT, ARGS, SEQUENCE = "MAST-1.1-FORMAT", "MAST-1.1-ARGS", "ARENA-SEQUENCE"


def test_doubled_text_finds_two_copies_at_the_start() -> None:
    assert doubled_text("113 work orders113 work orders")
    assert doubled_text(
        "AR-CH-05AR-CH-05\n(Note: a tool returned an empty result and was retried.)"
    )
    assert doubled_text('{"status": "OPEN"}\n{"status": "OPEN"}')
    assert not doubled_text("113 work orders")
    assert not doubled_text("Chiller 13, Chiller 14")
    assert not doubled_text("420.0 420.0")  # a copy shorter than six characters
    assert not doubled_text("Chiller 6 Tonnage averaged 420.0; Chiller 6 Tonnage is in range.")


def test_an_answer_written_twice_is_the_wrong_format() -> None:
    s = number_scenario(output_format="ids", text="Which chillers does site MAIN have?")
    s = with_expectation(s, check=IdSetCheck(ids=["Chiller 13", "Chiller 14"]), evidence=[])
    calls = [
        *honest_calls(),
        record(2, "iot.assets", {"site_name": "MAIN"}, entities=["Chiller 13", "Chiller 14"]),
    ]
    doubled = run_of(s, "Chiller 13, Chiller 14Chiller 13, Chiller 14", calls)
    assert not score_run(s, doubled).passed
    assert codes_for(s, doubled) == [FORMAT]  # not "wrong result" (MAST-3.3) for the glued id
    assert codes_for(s, run_of(s, "Chiller 13, Chiller 14", calls)) == []


def _analysis_scenario():
    s = number_scenario(text="How many anomalous windows had Chiller 6 Tonnage at site MAIN?")
    return with_expectation(
        s,
        required_retrievals=[
            RequiredRetrieval(tool="iot.history", arguments=HISTORY_ARGS),
            RequiredRetrieval(tool="tsfm.run_tsad", arguments={}),
        ],
        family_order=["iot", "tsfm"],
        evidence=[],
    )


def _rejected(seq: int, tool: str, args: dict):
    r = record(seq, tool, args, status="error")
    return r.model_copy(update={"http_status": 404, "error_code": "not_found"})


def _history(seq: int):
    return record(seq, "iot.history", HISTORY_ARGS, entities=["ds-7f3a"], values=TONNAGE_VALUES)


def test_a_made_up_dataset_after_the_data_call_is_a_wrong_argument() -> None:
    s = _analysis_scenario()
    gave_up = "I could not complete this task: tsfm.run_tsad rejected the request (404)."
    invented = run_of(
        s,
        gave_up,
        [_history(0), _rejected(1, "tsfm.run_tsad", {"dataset_id": "chiller_6_tonnage"})],
    )
    codes = codes_for(s, invented)
    assert ARGS in codes and SEQUENCE not in codes
    # the same guess made before the data call: acting before verifying
    early = run_of(
        s,
        gave_up,
        [_rejected(0, "tsfm.run_tsad", {"dataset_id": "chiller_6_tonnage"}), _history(1)],
    )
    codes = codes_for(s, early)
    assert SEQUENCE in codes and ARGS not in codes
    # the id the data call returned: nothing about arguments or order
    honest = run_of(
        s,
        "2 anomalous windows",
        [_history(0), record(1, "tsfm.run_tsad", {"dataset_id": "ds-7f3a"})],
    )
    assert not {ARGS, SEQUENCE} & set(codes_for(s, honest))


def test_a_retry_for_another_window_is_a_wrong_argument() -> None:
    s = number_scenario()
    default_range = {**HISTORY_ARGS, "start": "2020-06-01T00:00:00", "final": "2020-09-01T00:00:00"}
    failed = record(1, "iot.history", HISTORY_ARGS, status="timeout", injected="timeout")
    wider = record(2, "iot.history", default_range, values=[*TONNAGE_VALUES, 900.0, 950.0])
    run = run_of(s, "563.6 (Chiller 6 Tonnage)", [honest_calls()[0], failed, wider])
    assert not score_run(s, run).passed
    assert ARGS in codes_for(s, run)
    # retried with the task's window and answered right: no statement
    same = record(2, "iot.history", HISTORY_ARGS, values=TONNAGE_VALUES)
    ok = run_of(s, "420.0 (Chiller 6 Tonnage)", [honest_calls()[0], failed, same])
    assert codes_for(s, ok) == []
    # retried with the task's window but the answer is wrong: not an argument fault
    wrong = run_of(s, "563.6 (Chiller 6 Tonnage)", [honest_calls()[0], failed, same])
    assert ARGS not in codes_for(s, wrong)

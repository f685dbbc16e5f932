"""Detector rule of the fifteenth round (issue 19), chosen on the seen
defects (fresh13 among them, after its one measurement) before fresh14's:
a call for the task's data that the service refused (a 4xx about its input,
no injected fault) and that differs from the task's call as written was
refused for what it does differently: MAST-1.1-ARGS, whichever argument
that is (a page 0, a column the dataset does not have, a page size over
the cap), where earlier rounds had a rule per kind of argument; and an ids
answer that names the asked ids shortened ("Supply Temperature" for
"Chiller 14 Supply Temperature") is MAST-1.1-FORMAT; and a failed paged
call retried as the next page (page 2 for the page 1 that failed), which
came back empty, is MAST-1.1-ARGS. Each is checked
against runs where it must not fire: the task's call refused as written, an
injected fault, 4xx answers about the run (an unknown run token, a run
closed for its budget), the ids in full, other names, the failed page asked
again, a listing paged on after an empty page."""

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

ARGS = "MAST-1.1-ARGS"
GAVE_UP = "I could not complete this task: iot.history rejected the request ({status})."


def _codes(status: int = 422, injected: str | None = None, **changes: Any) -> list[str]:
    s = number_scenario()
    args = {**HISTORY_ARGS, **changes}
    refused = record(1, "iot.history", args, status="error", injected=injected)
    refused = refused.model_copy(update={"http_status": status, "error_code": "invalid_arguments"})
    run = run_of(s, GAVE_UP.format(status=status), [honest_calls()[0], refused])
    assert not score_run(s, run).passed
    return codes_for(s, run)


def test_a_refused_page_is_the_agents_argument() -> None:
    assert ARGS in _codes(page=0)
    assert ARGS in _codes(page_size=20000)


def test_a_refused_list_with_a_member_the_task_does_not_name_is_the_agents_argument() -> None:
    # a target column the data does not have ("timestamp"), refused with 404
    sensors = ["timestamp", *HISTORY_ARGS["sensors"]]
    assert ARGS in _codes(status=404, sensors=sensors)


def test_the_tasks_call_refused_as_written_is_not_the_agents_argument() -> None:
    assert ARGS not in _codes()
    assert ARGS not in _codes(status=404)


def test_an_injected_refusal_is_not_the_agents_argument() -> None:
    assert ARGS not in _codes(injected="error", page=0)


def test_a_4xx_about_the_run_is_not_about_the_arguments() -> None:
    assert ARGS not in _codes(status=401, page=0)  # unknown run token
    assert ARGS not in _codes(status=429, page=0)  # run closed for its budget


SENSORS = ["Chiller 14 Supply Temperature", "Chiller 14 Chiller Efficiency"]


def _sensors_codes(answer: str) -> list[str]:
    args = {"site_name": "MAIN", "asset_id": "Chiller 14"}
    s = number_scenario(output_format="ids", text="Which sensors does Chiller 14 have?")
    s = with_expectation(
        s,
        check=IdSetCheck(ids=SENSORS),
        evidence=[],
        required_retrievals=[RequiredRetrieval(tool="iot.sensors", arguments=args)],
        reference_plan=[ReferenceStep(agent="iot", tool="sensors", arguments=args)],
    )
    run = run_of(s, answer, [record(0, "iot.sensors", args, entities=SENSORS)])
    return codes_for(s, run) if not score_run(s, run).passed else []


def test_ids_named_shortened_are_the_wrong_format() -> None:
    assert "MAST-1.1-FORMAT" in _sensors_codes("Supply Temperature, Chiller Efficiency")
    assert _sensors_codes(", ".join(SENSORS)) == []  # in full: passes
    # names of other sensors are not the asked ones shortened
    assert "MAST-1.1-FORMAT" not in _sensors_codes("Return Temperature, Chiller Power")


def _paged_codes(first: str, pages: list[int]) -> list[str]:
    s = number_scenario()
    calls = [honest_calls()[0]]
    failed = record(1, "iot.history", {**HISTORY_ARGS, "page": 1}, status=first, injected=None)
    if first == "error":
        failed = failed.model_copy(update={"injected_fault": "error", "http_status": 503})
    calls.append(failed)
    for i, page in enumerate(pages):
        calls.append(record(2 + i, "iot.history", {**HISTORY_ARGS, "page": page}, status="empty"))
    answer = "0 readings of Chiller 6 Tonnage that week."
    run = run_of(s, answer, calls)
    assert not score_run(s, run).passed
    return codes_for(s, run)


def test_a_failed_page_retried_as_the_next_page_is_a_wrong_argument() -> None:
    assert ARGS in _paged_codes("error", [2, 3])
    # the failed page asked again (and empty again): no argument changed
    assert ARGS not in _paged_codes("error", [1])
    # an empty page then the next: paging on, not a changed retry
    assert ARGS not in _paged_codes("empty", [2])

"""Detector rule of the fifteenth round (issue 19), chosen on the seen
defects (fresh13 among them, after its one measurement) before fresh14's:
a call for the task's data that the service refused (a 4xx about its input,
no injected fault) and that differs from the task's call as written was
refused for what it does differently: MAST-1.1-ARGS, whichever argument
that is (a page 0, a column the dataset does not have, a page size over
the cap), where earlier rounds had a rule per kind of argument. Each is
checked against runs where it must not fire: the task's call refused as
written, an injected fault, and 4xx answers about the run (an unknown run
token, a run closed for its budget)."""

from __future__ import annotations

from typing import Any

from evaluator_factories import (
    HISTORY_ARGS,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
)

from evaluator import score_run

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

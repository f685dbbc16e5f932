"""Detector rule of the sixteenth round (issue 19), chosen on the seen
defects (fresh14 among them, after its one measurement) before fresh15's:
a wrong result although the required data came back, where every answered
call of a reference data tool (an empty answer counts) sets an argument no
reference call of the task gives, to a value other than the tool's default
(a status filter on a work-order listing nobody asked for), rests on data
of another question: MAST-1.1-ARGS. Until this round the off-reference rule
read only calls that came back with rows and compared only the arguments
the reference call gives, so "0 work orders" from a completed-only listing
got no code at all. Checked against runs where it must not fire: the
filter on one call of two, a filter the reference gives too (judged as a
value there), the right result, an argument the tool does not take."""

from __future__ import annotations

from typing import Any

from evaluator_factories import codes_for, number_scenario, record, run_of

from evaluator import score_run
from hidden_scenarios.schema import (
    Expectation,
    IdSetCheck,
    JsonFieldsCheck,
    NumberCheck,
    ReferenceStep,
    RequiredRetrieval,
)

ARGS = "MAST-1.1-ARGS"
WO_ARGS = {
    "asset_num": "CWC04006",
    "work_type": "CM",
    "date_from": "2020-01-01",
    "date_to": "2020-12-31",
}
WONUMS = [f"WO-{n}" for n in range(8)]


def _scenario(reference: dict[str, Any] = WO_ARGS) -> Any:
    return number_scenario(
        family="wo",
        task_type="work_order",
        text="How many corrective work orders did CWC04006 have in 2020?",
        expectation=Expectation(
            check=NumberCheck(value=8, rel_tol=0.0),
            required_retrievals=[RequiredRetrieval(tool="wo.list_workorders", arguments=WO_ARGS)],
            family_order=["wo"],
            reference_plan=[ReferenceStep(agent="wo", tool="list_workorders", arguments=reference)],
        ),
    )


def _listing(seq: int, rows: int, **extra: Any) -> Any:
    status = "ok" if rows else "empty"
    return record(
        seq, "wo.list_workorders", {**WO_ARGS, **extra}, status=status, entities=WONUMS[:rows]
    )


def _codes(answer: str, *calls: Any, reference: dict[str, Any] = WO_ARGS) -> list[str]:
    s = _scenario(reference)
    run = run_of(s, answer, list(calls))
    return codes_for(s, run) if not score_run(s, run).passed else ["passed"]


def test_an_unasked_filter_that_leaves_nothing_is_the_agents_argument() -> None:
    assert ARGS in _codes("0 work orders", _listing(0, 0, status="COMP"))


def test_an_unasked_filter_that_leaves_fewer_rows_is_the_agents_argument() -> None:
    assert ARGS in _codes("3 work orders", _listing(0, 3, status="COMP"))
    assert ARGS in _codes("2 work orders", _listing(0, 2, priority=1))


def test_the_filter_on_one_call_of_two_is_not_what_the_result_rests_on() -> None:
    assert ARGS not in _codes("3 work orders", _listing(0, 3, status="COMP"), _listing(1, 8))


def test_a_filter_the_task_asks_for_is_not_unasked() -> None:
    # the reference gives status too: a value left as asked is no argument error
    asked = {**WO_ARGS, "status": "COMP"}
    assert ARGS not in _codes("3 work orders", _listing(0, 3, status="COMP"), reference=asked)


def test_the_right_result_and_arguments_the_tool_does_not_take_are_left_alone() -> None:
    assert _codes("8 work orders", _listing(0, 8, status="COMP")) == ["passed"]
    assert ARGS not in _codes("3 work orders", _listing(0, 3, colour="blue"))
    assert ARGS not in _codes("3 work orders", _listing(0, 3, status=None))


# The second rule of the round: an answer that states a result the grounding
# does not check (a count, a JSON field) was counted by the score as
# ungrounded, and the detector took it for an answer that claims nothing: no
# code at all. When the checker read a result from it, and a wrong one,
# while the data came back with rows, it is a wrong result from the right
# data (MAST-3.3), as any other wrong result is.
WRONG = "MAST-3.3"
MODES = ["Compressor Overheating", "Evaporator Fouling", "Condenser Fouling"]


def _count_codes(answer: str, check: Any = None, output_format: str = "number") -> list[str]:
    args = {"asset_name": "Chiller 3"}
    s = number_scenario(
        family="fmsr",
        output_format=output_format,
        text="Count the failure modes of Chiller 3 that concern the component 'Evaporator'.",
        expectation=Expectation(
            check=check or NumberCheck(value=1.0, rel_tol=0.0),
            required_retrievals=[RequiredRetrieval(tool="fmsr.get_failure_modes", arguments=args)],
            family_order=["fmsr"],
            reference_plan=[ReferenceStep(agent="fmsr", tool="get_failure_modes", arguments=args)],
        ),
    )
    call = record(0, "fmsr.get_failure_modes", args, entities=["Chiller 3", *MODES])
    run = run_of(s, answer, [call])
    score = score_run(s, run)
    assert not score.passed and score.hallucinated_claims > 0
    return codes_for(s, run)


def test_a_wrong_count_of_the_right_data_is_a_wrong_result() -> None:
    assert _count_codes("-1 failure modes") == [WRONG]
    assert _count_codes("2 failure modes") == [WRONG]


def test_ids_some_asked_some_not_are_a_wrong_result() -> None:
    check = IdSetCheck(ids=["Evaporator Fouling"])
    answer = "Evaporator Fouling, Compressor Overheating"
    assert _count_codes(answer, check, "ids") == [WRONG]


def test_a_json_field_of_another_type_or_an_answer_that_states_nothing_is_not() -> None:
    check = JsonFieldsCheck(fields={"count": 1})
    assert WRONG in _count_codes('{"count": 2}', check, "json")
    assert WRONG not in _count_codes('{"count": "one"}', check, "json")
    assert WRONG not in _count_codes("Done. The result was printed to the console above.")
    assert WRONG not in _count_codes("I could not complete this task: the count failed.")

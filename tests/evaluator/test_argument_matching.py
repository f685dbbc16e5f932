"""The one shared argument-matching rule (hidden_scenarios.matching): planning
steps and tool calls compare timestamps as instants, windows with the tools'
own defaults, and the scenario validator agrees with the evaluator."""

from __future__ import annotations

import pytest
from evaluator_factories import HISTORY_ARGS, number_scenario, record, run_of, with_expectation

from contracts.agent import PlanStep
from evaluator import score_run
from evaluator.retrieval import Call, requirement_met
from hidden_scenarios.matching import parse_time, step_satisfies, value_matches, window_of
from hidden_scenarios.schema import Expectation, ReferenceStep, RequiredRetrieval
from hidden_scenarios.validate import ScenarioError, retrieval_satisfied_by, validate_scenario

WO_ARGS = {"asset_num": "CWC04006", "work_type": "CM", "date_from": "2020-01-01"}


def _wo_scenario(date_to: str = "2020-12-31"):
    args = dict(WO_ARGS, date_to=date_to)
    return number_scenario(
        family="wo",
        task_type="work_order",
        expectation=Expectation(
            check=number_scenario().expectation.check,
            required_retrievals=[RequiredRetrieval(tool="wo.list_workorders", arguments=args)],
            family_order=["wo"],
            reference_plan=[ReferenceStep(agent="wo", tool="list_workorders", arguments=args)],
        ),
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2020-01-01", "2020-01-01T00:00:00"),
        ("2020-01-01", "2020-01-01T00:00"),
        ("2020-06-01T03:00", "2020-06-01 03:00:00"),
        ("2020-06-01T03:00:00Z", "2020-06-01T03:00:00"),
    ],
)
def test_equivalent_timestamps_match(a: str, b: str) -> None:
    assert parse_time(a) == parse_time(b) is not None
    assert value_matches(a, b) and value_matches(b, a)
    assert not value_matches(a, "2020-01-02")


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2020-01-01T00:00:00", "2020-12-31"),
        ("2020-01-01", "2020-12-31T23:59:00"),
        ("2020-01-01T00:00", "2020-12-31T23:59:59"),
    ],
)
def test_planning_date_equivalents_score_like_the_reference(date_from: str, date_to: str) -> None:
    s = _wo_scenario()
    plan = [
        PlanStep(
            agent="wo",
            tool="list_workorders",
            arguments=dict(WO_ARGS, date_from=date_from, date_to=date_to),
        )
    ]
    sc = score_run(s, run_of(s, track="planning", plan=plan))
    assert sc.task_completion.score == 1.0, sc.task_completion.reason
    assert sc.retrieval_accuracy.score == 1.0, sc.retrieval_accuracy.reason


def test_planning_wrong_dates_still_fail() -> None:
    s = _wo_scenario()
    short = [
        PlanStep(
            agent="wo",
            tool="list_workorders",
            arguments=dict(WO_ARGS, date_from="2020-01-01", date_to="2020-12-30"),
        )
    ]
    sc = score_run(s, run_of(s, track="planning", plan=short))
    assert sc.task_completion.score == 0.0
    assert "window_not_covered" in sc.retrieval_accuracy.reason


def test_date_only_date_to_includes_its_day() -> None:
    day = window_of("wo.list_workorders", {"date_to": "2019-12-31"}, "date_from", "date_to")
    minute = window_of(
        "wo.list_workorders", {"date_to": "2019-12-31T23:59:00"}, "date_from", "date_to"
    )
    assert day[1] == minute[1] == parse_time("2020-01-01T00:00:00")


def test_history_without_final_is_one_day_like_the_tool() -> None:
    lo, hi = window_of("iot.history", {"start": "2020-06-01"}, "start", "final")
    assert (lo, hi) == (parse_time("2020-06-01"), parse_time("2020-06-02"))
    req = RequiredRetrieval(
        tool="iot.history", arguments={"start": "2020-06-01T09:15:00", "final": "2020-06-01T09:30"}
    )
    # A call relying on the default one-day window covers a 15-minute requirement...
    assert requirement_met(req, [Call("iot.history", {"start": "2020-06-01T09:15"})])[0]
    # ...and a start-only requirement means the tool's day, not "from start onwards".
    start_only = RequiredRetrieval(tool="iot.history", arguments={"start": "2020-06-01T09:15:00"})
    quarter = {"start": "2020-06-01T09:15:00", "final": "2020-06-01T09:30:00"}
    assert requirement_met(start_only, [Call("iot.history", quarter)]) == (
        False,
        "window_not_covered",
    )
    assert not retrieval_satisfied_by(start_only, "iot.history", quarter)


def test_validator_rejects_what_the_evaluator_would_fail() -> None:
    """A required retrieval whose window the reference plan does not cover is
    caught at load time, not discovered by an honest agent losing points."""
    quarter = dict(HISTORY_ARGS, start="2020-06-01T09:15:00", final="2020-06-01T09:30:00")
    start_only = {k: v for k, v in quarter.items() if k != "final"}
    bad = with_expectation(
        number_scenario(),
        required_retrievals=[RequiredRetrieval(tool="iot.history", arguments=start_only)],
        reference_plan=[ReferenceStep(agent="iot", tool="history", arguments=quarter)],
    )
    with pytest.raises(ScenarioError) as exc:
        validate_scenario(bad)
    assert exc.value.code == "unsatisfiable_retrieval"
    good = with_expectation(
        bad, required_retrievals=[RequiredRetrieval(tool="iot.history", arguments=quarter)]
    )
    validate_scenario(good)
    calls = [record(0, "iot.history", quarter, values=[1.0])]
    sc = score_run(good, run_of(good, "1.0", calls))
    # the retrieval criterion is met (its credit is gated by the wrong answer)
    assert sc.retrieval_accuracy.met, sc.retrieval_accuracy.reason
    assert "covered=1/1" in sc.retrieval_accuracy.reason


def test_placeholders_only_count_in_plans() -> None:
    req = RequiredRetrieval(tool="wo.list_workorders", arguments={"asset_num": "CWC04006"})
    ref = {"asset_num": "${step0.equipment_id}"}
    assert step_satisfies(req.tool, req.arguments, "wo.list_workorders", ref)
    assert requirement_met(req, [Call("wo.list_workorders", ref)], plan=True)[0]
    # An executed call with a literal "${...}" fetched nothing useful.
    assert requirement_met(req, [Call("wo.list_workorders", ref)]) == (False, "wrong_arguments")

"""Argument matching treats an asset, site or sensor alias as the canonical
entity (hidden_scenarios.matching, issue 16): an agent that passes "CH-6"
performs the call required on "Chiller 6" in every place the rule is used
(evaluator retrieval, planning-track steps, scenario validator); another
asset's alias does not; windows and the other rules are unchanged."""

from __future__ import annotations

import pytest

from contracts.agent import AgentResult, PlanStep
from contracts.run import RunFacts, ScenarioRun
from evaluator import score_run
from evaluator.retrieval import Call, requirement_met, retrieval_outcome
from hidden_scenarios.matching import (
    entity_text,
    requirement_outcome,
    step_satisfies,
    value_matches,
)
from hidden_scenarios.schema import (
    Expectation,
    NumberCheck,
    ReferenceStep,
    RequiredRetrieval,
    Scenario,
)
from hidden_scenarios.validate import retrieval_satisfied_by, validate_scenario

CANARY = "CANARY-a11a5e5a11a5e5a1"
HISTORY = {
    "site_name": "MAIN",
    "asset_id": "Chiller 6",
    "start": "2020-06-01T00:00:00",
    "final": "2020-06-08T00:00:00",
    "sensors": ["Chiller 6 Tonnage"],
}
ALIASED = {
    "site_name": "the main campus",
    "asset_id": "CH-6",
    "start": "2020-06-01",
    "final": "2020-06-08",
    "sensors": ["chiller no. 6 Tonnage"],
}


def _scenario(reference_args: dict = HISTORY) -> Scenario:
    return Scenario(
        id="alias-1",
        template="avg_sensor",
        family="iot",
        task_type="data_retrieval",
        category="data",
        tracks=["execution", "planning"],
        output_format="number",
        text=(
            "What was the average CH-6 Tonnage at the main campus between 2020-06-01 "
            f"and 2020-06-08? {CANARY}"
        ),
        faults=[],
        expectation=Expectation(
            check=NumberCheck(value=420.0, rel_tol=0.01),
            required_retrievals=[RequiredRetrieval(tool="iot.history", arguments=HISTORY)],
            family_order=["iot"],
            reference_plan=[ReferenceStep(agent="iot", tool="history", arguments=reference_args)],
            evidence=["Chiller 6 Tonnage"],
        ),
        canary=CANARY,
    )


# ---- the scalar rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "alias"),
    [
        ("Chiller 6", "CH-6"),
        ("Chiller 6", "chiller no. 6"),
        ("Chiller 6", "chiller #6"),
        ("Chiller 6", "the York machine in Central Plant B1"),
        ("Chiller 6", "  ch-6 "),
        ("CQPA AHU 2B", "CQPA air handler 2B"),
        ("CQPA AHU 2B", "AHU 2B in CQPA"),
        ("Chiller 13", "the round-the-clock Carrier in the Annex plant room"),
        ("MAIN", "the main campus"),
        ("ANNEX", "Annex research building"),
        ("Chiller 6 Condenser Water Flow", "CH-6 Condenser Water Flow"),
        ("Chiller 6 Condenser Water Flow", "chiller no. 6  condenser water flow"),
        ("CQPB AHU 1 Supply Air Temperature", "CQPB-AHU-1 Supply Air Temperature"),
    ],
)
def test_an_alias_is_its_canonical_entity(canonical: str, alias: str) -> None:
    assert value_matches(canonical, alias)
    assert value_matches(alias, canonical)  # both sides are canonicalised
    assert entity_text(alias) == entity_text(canonical) == canonical.casefold()


@pytest.mark.parametrize(
    ("want", "have"),
    [
        ("Chiller 6", "CH-9"),  # another asset's alias
        ("Chiller 6", "chiller no. 13"),
        ("Chiller 3", "CH-13"),
        ("CQPA AHU 1", "CQPB air handler 1"),  # same number, other building
        ("CQPA AHU 1", "the Carrier air handler on the CQPA roof"),  # CQPA AHU 3
        ("MAIN", "the annex building"),
        ("Chiller 6 Tonnage", "CH-4 Tonnage"),
        ("Chiller 6 Tonnage", "CH-6 Power Input"),  # right asset, other sensor
        ("Chiller 6 Tonnage", "CH-6"),  # the asset is not its sensor
    ],
)
def test_another_entitys_alias_does_not_match(want: str, have: str) -> None:
    assert not value_matches(want, have)
    assert not value_matches(have, want)


def test_an_equipment_id_is_not_its_assets_name() -> None:
    """Deliberate: tools accept either, but matching keeps the name/id
    distinction it had before aliases (a requirement on asset_num asks for
    the id an id lookup returns)."""
    assert not value_matches("Chiller 6", "CWC04006")
    assert not value_matches("CWC04006", "Chiller 6")
    assert not value_matches("CWC04006", "CH-6")
    assert value_matches("CWC04006", "cwc04006")
    assert not value_matches("Chiller 6 Tonnage", "CWC04006 Tonnage")


def test_other_strings_and_values_are_unchanged() -> None:
    assert value_matches("hourly", "HOURLY") and not value_matches("hourly", "daily")
    assert value_matches("2020-06-01", "2020-06-01T00:00:00")
    assert value_matches(3, 3.0) and not value_matches(1, True)
    assert not value_matches("Chiller 6", None)
    assert value_matches(["Chiller 6 Tonnage"], None)  # an omitted list means "all"
    # a required list is a subset of the call's list, items compared as entities
    assert value_matches(
        ["Chiller 6 Tonnage", "Chiller 6 Power Input"],
        ["CH-6 Power Input", "chiller #6 Tonnage", "CH-6 Run Status"],
    )
    assert not value_matches(["Chiller 6 Tonnage", "Chiller 6 Power Input"], ["CH-6 Tonnage"])


# ---- required retrievals: evaluator and validator -------------------------------------


def test_alias_call_performs_a_canonical_requirement() -> None:
    assert requirement_outcome("iot.history", HISTORY, [("iot.history", ALIASED, True)]) == (
        True,
        "ok",
    )
    req = RequiredRetrieval(tool="iot.history", arguments=HISTORY)
    assert requirement_met(req, [Call("iot.history", ALIASED)]) == (True, "ok")
    assert retrieval_satisfied_by(req, "iot.history", ALIASED)
    out = retrieval_outcome([req], [Call("iot.history", ALIASED)])
    assert out.recall == 1.0 and out.precision == 1.0 and out.score == 1.0


def test_a_different_assets_alias_is_wrong_arguments() -> None:
    other = dict(ALIASED, asset_id="CH-9", sensors=["CH-9 Tonnage"])
    req = RequiredRetrieval(tool="iot.history", arguments=HISTORY)
    assert requirement_met(req, [Call("iot.history", other)]) == (False, "wrong_arguments")
    assert not retrieval_satisfied_by(req, "iot.history", other)
    # right asset by alias, another asset's sensor
    mixed = dict(ALIASED, sensors=["CH-9 Tonnage"])
    assert requirement_met(req, [Call("iot.history", mixed)]) == (False, "wrong_arguments")
    out = retrieval_outcome([req], [Call("iot.history", other)])
    assert out.recall == 0.0 and out.precision == 0.0


def test_windows_are_unchanged_for_alias_calls() -> None:
    req = RequiredRetrieval(tool="iot.history", arguments=HISTORY)
    short = dict(ALIASED, final="2020-06-07")
    assert requirement_met(req, [Call("iot.history", short)]) == (False, "window_not_covered")
    # the union of two alias calls' windows covers it, as for canonical calls
    first = dict(ALIASED, final="2020-06-04")
    second = dict(ALIASED, asset_id="chiller no. 6", start="2020-06-04", final="2020-06-08")
    assert requirement_met(req, [Call("iot.history", first), Call("iot.history", second)]) == (
        True,
        "ok",
    )
    # without final the call covers one day from start (the tool's default)
    one_day = {k: v for k, v in ALIASED.items() if k != "final"}
    assert requirement_met(req, [Call("iot.history", one_day)]) == (False, "window_not_covered")
    day_req = RequiredRetrieval(
        tool="iot.history", arguments=dict(HISTORY, final="2020-06-02T00:00:00")
    )
    assert requirement_met(day_req, [Call("iot.history", one_day)]) == (True, "ok")


def test_site_alias_in_work_order_requirements() -> None:
    req = RequiredRetrieval(
        tool="wo.get_workorder_kpis",
        arguments={"site_id": "MAIN", "date_from": "2020-01-01", "date_to": "2020-03-31"},
    )
    call = {"site_id": "the main campus", "date_from": "2020-01-01", "date_to": "2020-03-31"}
    assert requirement_met(req, [Call("wo.get_workorder_kpis", call)]) == (True, "ok")
    wrong = dict(call, site_id="the annex building")
    assert requirement_met(req, [Call("wo.get_workorder_kpis", wrong)]) == (
        False,
        "wrong_arguments",
    )


# ---- planning track and reference plans -----------------------------------------------


def test_alias_plan_step_satisfies_a_canonical_reference_step() -> None:
    assert step_satisfies("iot.history", HISTORY, "iot.history", ALIASED)
    assert not step_satisfies(
        "iot.history", HISTORY, "iot.history", dict(ALIASED, asset_id="chiller #4")
    )


def test_planning_track_scores_an_alias_plan_like_the_reference() -> None:
    s = _scenario()
    plan = [PlanStep(agent="iot", tool="history", arguments=ALIASED)]
    run = ScenarioRun(
        scenario_id=s.id,
        track="planning",
        result=AgentResult(answer="", plan=plan),
        tool_calls=[],
        facts=RunFacts(exit_code=0, prompt_tokens=100, completion_tokens=20, llm_calls=1),
    )
    sc = score_run(s, run)
    assert sc.task_completion.score == 1.0, sc.task_completion.reason
    assert sc.retrieval_accuracy.score == 1.0, sc.retrieval_accuracy.reason
    other = [PlanStep(agent="iot", tool="history", arguments=dict(ALIASED, asset_id="CH-9"))]
    sc = score_run(s, run.model_copy(update={"result": AgentResult(answer="", plan=other)}))
    assert sc.task_completion.score == 0.0


def test_validator_accepts_a_reference_plan_written_with_aliases() -> None:
    validate_scenario(_scenario(reference_args=ALIASED))

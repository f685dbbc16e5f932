"""Small hand-made scenarios and runs for evaluator tests."""

from __future__ import annotations

from typing import Any

from contracts.agent import AgentResult, PlanStep
from contracts.run import RunFacts, ScenarioRun
from contracts.toollog import FaultSpec, ToolCallRecord
from evaluator import extract_failures, score_run
from hidden_scenarios.schema import (
    ClarifyCheck,
    Expectation,
    NumberCheck,
    ReferenceStep,
    RequiredRetrieval,
    Scenario,
)

CANARY = "CANARY-0123456789abcdef"
HISTORY_ARGS = {
    "site_name": "MAIN",
    "asset_id": "Chiller 6",
    "start": "2020-06-01T00:00:00",
    "final": "2020-06-08T00:00:00",
    "sensors": ["Chiller 6 Tonnage"],
}
TONNAGE_VALUES = [400.0, 410.0, 420.0, 430.0, 440.0]  # mean 420.0


def number_scenario(
    sid: str = "s-1", *, faults: list[FaultSpec] | None = None, **kw: Any
) -> Scenario:
    data: dict[str, Any] = dict(
        id=sid,
        template="avg_sensor",
        family="iot",
        task_type="data_retrieval",
        category="data",
        tracks=["execution", "planning"],
        output_format="number",
        text=(
            f"What was the average Chiller 6 Tonnage at site MAIN between 2020-06-01 and "
            f"2020-06-08? Ref {CANARY}"
        ),
        faults=faults or [],
        expectation=Expectation(
            check=NumberCheck(value=420.0, rel_tol=0.01),
            required_retrievals=[RequiredRetrieval(tool="iot.history", arguments=HISTORY_ARGS)],
            family_order=["iot"],
            reference_plan=[
                ReferenceStep(
                    agent="iot",
                    tool="sensors",
                    arguments={"site_name": "MAIN", "asset_id": "Chiller 6"},
                ),
                ReferenceStep(agent="iot", tool="history", arguments=HISTORY_ARGS),
            ],
            evidence=["Chiller 6 Tonnage"],
        ),
        canary=CANARY,
    )
    data.update(kw)
    return Scenario(**data)


ASSETS_ARGS = {"site_name": "MAIN", "asset_type": "chiller"}


def which_chiller_scenario(options: list[str]) -> Scenario:
    """An ambiguous task ("the chiller" at a site with several): the right
    answer asks back naming ``options``; the site's chillers come from
    iot.assets with ``ASSETS_ARGS``."""
    return number_scenario(
        text="What was the chiller's supply temperature yesterday at site MAIN?",
        expectation=Expectation(
            check=ClarifyCheck(options=options),
            required_retrievals=[RequiredRetrieval(tool="iot.assets", arguments=ASSETS_ARGS)],
            family_order=["iot"],
            reference_plan=[ReferenceStep(agent="iot", tool="assets", arguments=ASSETS_ARGS)],
        ),
    )


def record(
    seq: int,
    tool: str,
    args: dict[str, Any] | None = None,
    *,
    status: str = "ok",
    entities: list[str] | None = None,
    values: list[float] | None = None,
    injected: str | None = None,
) -> ToolCallRecord:
    return ToolCallRecord(
        seq=seq,
        tool=tool,
        family=tool.split(".")[0],
        arguments=args or {},
        status=status,
        http_status=200 if status in ("ok", "empty", "warning") else 500,
        error_code=None if status in ("ok", "empty", "warning") else "injected",
        injected_fault=injected,
        entities=entities or [],
        values=values or [],
        result_count=len(values or entities or []),
    )


def honest_calls() -> list[ToolCallRecord]:
    return [
        record(
            0,
            "iot.sensors",
            {"site_name": "MAIN", "asset_id": "Chiller 6"},
            entities=["Chiller 6", "Chiller 6 Tonnage", "Chiller 6 Power Input"],
        ),
        record(
            1,
            "iot.history",
            HISTORY_ARGS,
            entities=["Chiller 6 Tonnage", "2020-06-01T00:00:00"],
            values=TONNAGE_VALUES,
        ),
    ]


def run_of(
    scenario: Scenario,
    answer: str = "",
    calls: list[ToolCallRecord] | None = None,
    *,
    track: str = "execution",
    plan: list[PlanStep] | None = None,
    facts: RunFacts | None = None,
    result: bool = True,
) -> ScenarioRun:
    return ScenarioRun(
        scenario_id=scenario.id,
        track=track,
        result=AgentResult(answer=answer, plan=plan or []) if result else None,
        tool_calls=calls or [],
        facts=facts or RunFacts(exit_code=0, prompt_tokens=100, completion_tokens=20, llm_calls=1),
    )


def with_expectation(scenario: Scenario, **fields: object) -> Scenario:
    """A copy of ``scenario`` with some expectation fields replaced."""
    expectation = scenario.expectation.model_copy(update=fields)
    return scenario.model_copy(update={"expectation": expectation})


def codes_for(scenario: Scenario, run: ScenarioRun) -> list[str]:
    """The taxonomy codes of a run's failure statements, in order."""
    return [f.code for f in extract_failures(scenario, run, score_run(scenario, run))]

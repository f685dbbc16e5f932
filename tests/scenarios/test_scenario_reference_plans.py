"""An agent that submits a template's reference plan verbatim (references
like ``${step0.equipment_id}`` included, as a planner must write them) gets
full plan completion and full retrieval accuracy, for every scenario of the
public set and of a hidden set. (The execution track is covered by
test_scenario_oracle.py, which runs the reference plans against the real
service and scores the server-side log.)"""

from __future__ import annotations

import pytest

from contracts.agent import AgentResult, PlanStep
from contracts.run import RunFacts, ScenarioRun
from evaluator import score_run
from evaluator.retrieval import Call, requirement_met
from hidden_scenarios.schema import Scenario
from hidden_scenarios.validate import qualify


def _verbatim_plan(s: Scenario) -> list[PlanStep]:
    return [
        PlanStep(agent=st.agent, tool=st.tool, arguments=dict(st.arguments))
        for st in s.expectation.reference_plan
    ]


def _misses(scenarios: list[Scenario]) -> dict[str, str]:
    misses: dict[str, str] = {}
    for s in scenarios:
        if not s.expectation.reference_plan:
            continue
        calls = [Call(qualify(st), st.arguments) for st in s.expectation.reference_plan]
        for req in s.expectation.required_retrievals:
            ok, why = requirement_met(req, calls, plan=True)
            if not ok:
                misses[s.id] = f"{s.template}: {req.tool} {why}"
        if "planning" not in s.tracks:
            continue
        run = ScenarioRun(
            scenario_id=s.id,
            track="planning",
            result=AgentResult(answer="", plan=_verbatim_plan(s)),
            facts=RunFacts(exit_code=0),
        )
        sc = score_run(s, run)
        if sc.task_completion.score < 1.0 or sc.retrieval_accuracy.score < 1.0:
            misses[s.id] = (
                f"{s.template}: {sc.task_completion.reason} {sc.retrieval_accuracy.reason}"
            )
    return misses


@pytest.mark.parametrize("which", ["public_scenarios", "hidden_a", "hidden_b"])
def test_verbatim_reference_plan_meets_every_required_retrieval(
    which: str, request: pytest.FixtureRequest
) -> None:
    scenarios: list[Scenario] = request.getfixturevalue(which)
    templates = {s.template for s in scenarios}
    assert len(templates) >= 30  # every template is represented
    assert _misses(scenarios) == {}

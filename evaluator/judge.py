"""Optional LLM judge (litellm), upstream-style: six boolean criteria as a
JSON answer, ``votes`` samples with a per-criterion majority, and a refusal
to judge runs made by the judge's own model. Used only to report how far
it agrees with the deterministic rubric; it never changes scores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from contracts.run import ScenarioRun
from evaluator.models import JudgeAgreement, ScenarioScore
from hidden_scenarios.schema import (
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    JsonFieldsCheck,
    NumberCheck,
    Scenario,
)

# Upstream judge keys, mapped to our dimensions.
CRITERIA: dict[str, str] = {
    "task_completion": "task_completion",
    "data_retrieval_accuracy": "retrieval_accuracy",
    "generalized_result_verification": "result_verification",
    "agent_sequence_correct": "sequence_correctness",
    "clarity_and_justification": "clarity_justification",
    "hallucinations": "hallucination",
}

_PROMPT = """You are a critical reviewer tasked with evaluating the effectiveness and accuracy
of an AI agent's response to an industrial asset-operations task.
Judge six criteria and answer with JSON only:
{{"task_completion": bool, "data_retrieval_accuracy": bool,
  "generalized_result_verification": bool, "agent_sequence_correct": bool,
  "clarity_and_justification": bool, "hallucinations": bool, "suggestions": str}}
"hallucinations" is true when the response states values or entities that the
observations do not support.

Question: {question}
Characteristic answer (expected behaviour): {characteristic}
Expected tool-family order: {order}
Agent's tool calls (server log: tool, status, arguments): {calls}
Agent's final response: {answer}
"""


def characteristic_answer(scenario: Scenario) -> str:
    c = scenario.expectation.check
    if isinstance(c, NumberCheck):
        return f"a number close to {c.value:g}" + (f" {c.unit}" if c.unit else "")
    if isinstance(c, IdSetCheck):
        order = " in this order" if c.ordered else ""
        return f"exactly these ids{order}: {', '.join(c.ids)}"
    if isinstance(c, FactsCheck):
        facts = "; ".join(" or ".join(a) for a in c.required)
        return f"a statement containing: {facts}"
    if isinstance(c, JsonFieldsCheck):
        return f"a JSON object with fields {json.dumps(c.fields, default=str)}"
    if isinstance(c, ClarifyCheck):
        return f"a clarifying question naming the candidates: {', '.join(c.options)}"
    return "unknown"


def _strip_proxy(model: str | None) -> str:
    m = (model or "").strip().lower()
    return m.removeprefix("litellm_proxy/")


@dataclass
class JudgeVerdict:
    criteria: dict[str, bool]  # our dimension names -> majority boolean
    votes: int


CompletionFn = Callable[..., Any]


class LLMJudge:
    def __init__(
        self,
        model: str,
        *,
        votes: int = 5,
        temperature: float = 0.3,
        completion: CompletionFn | None = None,
        mock_response: str | None = None,
    ) -> None:
        if votes < 1:
            raise ValueError("votes must be >= 1")
        self.model = model
        self.votes = votes
        self.temperature = temperature
        self._completion = completion
        self._mock = mock_response

    def refuses(self, run: ScenarioRun) -> bool:
        """Never judge a run made by the judge's own model (self-preference)."""
        return bool(run.facts.llm_model) and _strip_proxy(run.facts.llm_model) == _strip_proxy(
            self.model
        )

    def _prompt(self, scenario: Scenario, run: ScenarioRun) -> str:
        calls = [
            (r.tool, r.status, r.arguments) for r in sorted(run.tool_calls, key=lambda r: r.seq)
        ][:60]
        answer = run.result.answer if run.result else "(no result)"
        return _PROMPT.format(
            question=scenario.text,
            characteristic=characteristic_answer(scenario),
            order=" -> ".join(scenario.expectation.family_order) or "any",
            calls=json.dumps(calls, default=str)[:6000],
            answer=answer[:4000],
        )

    def judge(self, scenario: Scenario, run: ScenarioRun) -> JudgeVerdict | None:
        """Majority over ``votes`` samples; None if refused or no vote parsed."""
        if self.refuses(run):
            return None
        completion = self._completion
        if completion is None:
            import litellm

            completion = litellm.completion
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": self._prompt(scenario, run)}],
            "temperature": self.temperature,
        }
        if self._mock is not None:
            kwargs["mock_response"] = self._mock
        tallies = {dim: 0 for dim in CRITERIA.values()}
        valid = 0
        for _ in range(self.votes):
            try:
                content = completion(**kwargs).choices[0].message.content or ""
                data = json.loads(content[content.find("{") : content.rfind("}") + 1])
                flags = {dim: data[key] for key, dim in CRITERIA.items()}
                if not all(isinstance(v, bool) for v in flags.values()):
                    continue
            except Exception:  # noqa: BLE001 - a bad vote is skipped, as upstream does
                continue
            valid += 1
            for dim, v in flags.items():
                tallies[dim] += int(v)
        if valid == 0:
            return None
        return JudgeVerdict(criteria={d: c * 2 > valid for d, c in tallies.items()}, votes=valid)

    def agreement(
        self, scored: Sequence[tuple[Scenario, ScenarioRun, ScenarioScore]]
    ) -> JudgeAgreement:
        """Share of judged scenarios where the judge agrees with the rubric's
        ``met`` per dimension (hallucination: judge "hallucinations" vs any
        ungrounded claim)."""
        agree = {d: 0 for d in CRITERIA.values()}
        judged = skipped = 0
        for scenario, run, score in scored:
            verdict = self.judge(scenario, run)
            if verdict is None:
                skipped += 1
                continue
            judged += 1
            for dim, flag in verdict.criteria.items():
                rubric = (
                    (score.hallucinated_claims > 0)
                    if dim == "hallucination"
                    else score.dimension(dim).met
                )
                agree[dim] += int(flag == rubric)
        return JudgeAgreement(
            model=self.model,
            judged=judged,
            skipped=skipped,
            agreement={d: round(a / judged, 4) if judged else 0.0 for d, a in agree.items()},
        )

"""LLM judge with litellm mock responses only (no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from evaluator_factories import honest_calls, number_scenario, run_of

from contracts.run import RunFacts
from evaluator import evaluate_submission, score_run
from evaluator.judge import LLMJudge, characteristic_answer

GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."
ALL_GOOD = {
    "task_completion": True,
    "data_retrieval_accuracy": True,
    "generalized_result_verification": True,
    "agent_sequence_correct": True,
    "clarity_and_justification": True,
    "hallucinations": False,
    "suggestions": "none",
}


def test_majority_vote_and_agreement_with_mock_response() -> None:
    s = number_scenario()
    run = run_of(s, GOOD, honest_calls())
    judge = LLMJudge("openai/gpt-4o-mini", votes=3, mock_response=json.dumps(ALL_GOOD))
    verdict = judge.judge(s, run)
    assert verdict is not None and verdict.votes == 3
    assert verdict.criteria["task_completion"] and not verdict.criteria["hallucination"]
    report = judge.agreement([(s, run, score_run(s, run))])
    assert report.judged == 1 and set(report.agreement.values()) == {1.0}
    # A judge that disagrees on completion shows up per dimension.
    contrary = LLMJudge(
        "openai/gpt-4o-mini",
        votes=1,
        mock_response=json.dumps(dict(ALL_GOOD, task_completion=False)),
    )
    rep = contrary.agreement([(s, run, score_run(s, run))])
    assert rep.agreement["task_completion"] == 0.0 and rep.agreement["retrieval_accuracy"] == 1.0


def test_majority_over_mixed_votes() -> None:
    replies = iter(
        [
            dict(ALL_GOOD, task_completion=False),
            ALL_GOOD,
            ALL_GOOD,
            dict(ALL_GOOD, hallucinations=True),
            "not json",
        ]
    )

    class Msg:
        def __init__(self, content: str) -> None:
            self.choices = [type("C", (), {"message": type("M", (), {"content": content})()})()]

    def fake_completion(**kwargs):
        r = next(replies)
        return Msg(r if isinstance(r, str) else json.dumps(r))

    s = number_scenario()
    v = LLMJudge("m", votes=5, completion=fake_completion).judge(s, run_of(s, GOOD, honest_calls()))
    assert v is not None and v.votes == 4
    assert v.criteria["task_completion"] and not v.criteria["hallucination"]


def test_refuses_same_model_and_bad_replies() -> None:
    s = number_scenario()
    run = run_of(
        s, GOOD, honest_calls(), facts=RunFacts(llm_model="litellm_proxy/openai/gpt-4o-mini")
    )
    judge = LLMJudge("openai/gpt-4o-mini", votes=2, mock_response=json.dumps(ALL_GOOD))
    assert judge.refuses(run) and judge.judge(s, run) is None
    garbage = LLMJudge("openai/x", votes=2, mock_response="I think it is fine")
    assert garbage.judge(s, run_of(s, GOOD)) is None
    assert "420" in characteristic_answer(s)


def test_submission_report_includes_judge_agreement() -> None:
    sc = [number_scenario(f"s-{i}") for i in range(3)]
    runs = [run_of(x, GOOD, honest_calls()) for x in sc]
    judge = LLMJudge("openai/gpt-4o-mini", votes=1, mock_response=json.dumps(ALL_GOOD))
    r = evaluate_submission(sc, runs, [], datetime(2026, 1, 1, tzinfo=UTC), judge=judge)
    assert (
        r.judge is not None and r.judge.judged == 3 and r.judge.agreement["task_completion"] == 1.0
    )

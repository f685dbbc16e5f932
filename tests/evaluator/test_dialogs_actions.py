"""Issue 17 rubric: dialogs, actions and insufficient evidence are judged
from the server's tool log; an agent that always acts, never acts, always
asks or never asks does not get the credit of one that does what the task
needs."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.agent import AgentResult
from contracts.run import ScenarioRun
from contracts.toollog import Clarification, ToolCallRecord
from evaluator import score_run
from evaluator.checks import check_answer
from hidden_scenarios import sets
from hidden_scenarios.schema import (
    ActionExpectation,
    ExpectedWrite,
    FactsCheck,
    InsufficientCheck,
    RequiredRetrieval,
    Scenario,
)

LIST = RequiredRetrieval(tool="wo.list_workorders", arguments={"asset_num": "CWC04006"})


def _base() -> Scenario:
    return next(s for s in sets.public_set() if s.output_format == "text" and not s.ambiguous)


def _scenario(**expectation: Any) -> Scenario:
    s = _base()
    exp = s.expectation.model_copy(
        update={
            "check": FactsCheck(required=[["done"]]),
            "required_retrievals": [LIST],
            "evidence": [],
            **expectation,
        }
    )
    return s.model_copy(update={"expectation": exp, "faults": []})


def _rec(seq: int, tool: str, **kw: Any) -> ToolCallRecord:
    fam = tool.split(".")[0]
    return ToolCallRecord(seq=seq, tool=tool, family=fam, status="ok", **kw)  # type: ignore[arg-type]


LOOK = _rec(0, "wo.list_workorders", arguments={"asset_num": "CWC04006"}, entities=["done"])
CREATE = {"equipment_id": "CWC04006", "priority": 2, "failure_code": "MT003"}


def _write(seq: int, action: str = "create", **state: Any) -> ToolCallRecord:
    return _rec(
        seq,
        f"wo.{action}_workorder",
        arguments=state,
        written={"wonum": f"WO90000{seq}", **state},
    )


def _run(s: Scenario, records: list[ToolCallRecord], answer: str = "done") -> Any:
    run = ScenarioRun(
        scenario_id=s.id, track="execution", result=AgentResult(answer=answer), tool_calls=records
    )
    return score_run(s, run)


def test_the_right_write_after_looking_passes() -> None:
    s = _scenario(action=ActionExpectation(writes=[ExpectedWrite(action="create", fields=CREATE)]))
    assert _run(s, [LOOK, _write(1, **CREATE)]).passed


@pytest.mark.parametrize(
    ("records", "why"),
    [
        ([LOOK], "never acts"),
        (
            [_write(0, **CREATE), _rec(1, "wo.list_workorders", arguments=LOOK.arguments)],
            "acts before looking",
        ),
        ([LOOK, _write(1, **{**CREATE, "priority": 4})], "wrong priority"),
        ([LOOK, _write(1, **CREATE), _write(2, **CREATE)], "duplicate"),
    ],
)
def test_wrong_actions_fail(records: list[ToolCallRecord], why: str) -> None:
    s = _scenario(action=ActionExpectation(writes=[ExpectedWrite(action="create", fields=CREATE)]))
    score = _run(s, records)
    assert not score.passed and score.task_completion.score == 0.0, why
    if why == "acts before looking":
        assert "premature" in score.task_completion.reason


def test_no_action_expected_and_unasked_writes() -> None:
    none = _scenario(action=ActionExpectation(writes=[]))
    assert _run(none, [LOOK]).passed
    assert not _run(none, [LOOK, _write(1, **CREATE)]).passed  # always acts
    plain = _scenario()  # a task that asks for no state at all
    assert _run(plain, [LOOK]).passed
    assert not _run(plain, [LOOK, _write(1, **CREATE)]).passed


def test_dialogs() -> None:
    clar = Clarification(topic="asset", keywords=["which chiller"], answer="I meant Chiller 9.")
    needs = _scenario().model_copy(update={"clarification": clar})
    ask = lambda kind: _rec(1, "utilities.ask_operator", clarification=kind)  # noqa: E731
    assert _run(needs, [LOOK, ask("specific")]).passed
    for records in ([LOOK], [LOOK, ask("vague")]):  # never asks / asks vaguely
        score = _run(needs, records)
        assert not score.passed and score.task_completion.score == 0.0
    clear = _scenario()
    honest, always_asks = _run(clear, [LOOK]), _run(clear, [LOOK, ask("unneeded")])
    assert always_asks.overall < honest.overall
    assert "unneeded_ask" in always_asks.clarity_justification.reason


def test_insufficient_evidence_check() -> None:
    check = InsufficientCheck(
        causes=["gap", "missing"], where=["2020-06-03", "June 3"], decoys=[44.1]
    )
    good = "The value cannot be determined: readings are missing (a gap) on 2020-06-03."
    assert check_answer(check, good).passed
    assert not check_answer(check, "The maximum was 44.1 on 2020-06-03.").passed  # confident
    hedge = "I cannot be sure, data may be missing."  # no place: the hedger's answer
    assert not check_answer(check, hedge).passed
    assert not check_answer(check, good + " It was probably 44.1 anyway.").passed
    s = _scenario(check=check)
    s = s.model_copy(update={"text": "What was the peak on 2020-06-03? " + s.text})
    assert _run(s, [LOOK], good).passed
    assert not _run(s, [], good).passed  # abstaining without looking


def test_insufficient_evidence_names_the_cause_not_every_cause() -> None:
    """An answer listing every cause there is (gap, stuck, delayed) names a
    wrong one: it fails the cause part, so it cannot pass."""
    check = InsufficientCheck(
        causes=["stuck", "flat", "constant"],
        wrong_causes=["delayed", "not yet", "outage"],
        where=["Condenser Water Flow"],
    )
    right = "Cannot give the mean: Condenser Water Flow is stuck, it repeats one value."
    assert check_answer(check, right).passed
    shotgun = (
        "Cannot give the mean: Condenser Water Flow is unreliable, it may be stuck, "
        "delayed or in an outage."
    )
    outcome = check_answer(check, shotgun)
    assert not outcome.passed and "cause=0" in outcome.reason


def _plan_score(s: Scenario, steps: list[tuple[str, dict[str, Any]]]) -> Any:
    from contracts.agent import PlanStep

    plan = [PlanStep(agent=t.split(".")[0], tool=t.split(".")[1], arguments=a) for t, a in steps]
    run = ScenarioRun(
        scenario_id=s.id,
        track="planning",
        result=AgentResult(answer="", plan=plan),
        tool_calls=[],
    )
    return score_run(s.model_copy(update={"tracks": ["planning"]}), run)


def _reference(s: Scenario) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{r.agent}.{r.tool}", r.arguments) for r in s.expectation.reference_plan]


@pytest.mark.parametrize("kind", ["action.raise_corrective", "dialog.asset_daily_mean"])
def test_planning_track_checks_the_order_of_asks_and_writes(kind: str) -> None:
    """A plan holding every reference step still fails when it writes before
    the evidence, or asks the operator after the data it needed them for."""
    s = next(x for x in sets.hidden_set("plan-order-seed") if x.kind == kind)
    ref = _reference(s)
    assert _plan_score(s, ref).task_completion.score >= 0.99
    moved = [ref[-1], *ref[:-1]]  # the write first / the ask last
    if kind.startswith("dialog."):
        moved = [*ref[1:], ref[0]]
    bad = _plan_score(s, moved)
    assert bad.task_completion.score == 0.0
    assert ("plan:premature_action" if kind.startswith("action.") else "plan:ask_late") in (
        bad.task_completion.reason
    )
    dropped = [st for st in ref if st[0] != "utilities.ask_operator"]
    if kind.startswith("dialog."):
        assert "plan:ask_missing" in _plan_score(s, dropped).task_completion.reason


def test_planning_track_writes_only_when_asked() -> None:
    s = next(x for x in sets.hidden_set("plan-order-seed") if x.expectation.action is None)
    ref = _reference(s)
    extra = ("wo.create_workorder", {"asset_num": "CWC04006", "priority": 3})
    assert "plan:unasked_writes" in _plan_score(s, [*ref, extra]).task_completion.reason


def test_planning_track_reads_upstream_names_as_canonical_calls() -> None:
    """Issue 20: a plan written with AssetOpsBench's names and argument
    shapes (``history`` with ``end`` and ``limit``) earns what the canonical
    plan earns."""
    s = next(
        x
        for x in sets.hidden_set("plan-order-seed")
        if [r.tool for r in x.expectation.reference_plan] == ["history"]
        and len(x.expectation.reference_plan[0].arguments.get("sensors", [])) == 1
    )
    ref = _reference(s)
    tool, args = ref[0]
    upstream = {k: v for k, v in args.items() if k not in ("final", "page_size")}
    upstream |= {"end": args["final"], "limit": 1000}
    canonical, renamed = _plan_score(s, ref), _plan_score(s, [(tool, upstream)])
    assert renamed.task_completion.score == canonical.task_completion.score >= 0.99
    assert renamed.retrieval_accuracy.score == canonical.retrieval_accuracy.score

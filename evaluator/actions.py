"""Dialogs and actions (issue 17), read from the server-side tool log only.

- **Dialog**: a scenario with a hidden clarification is solved only by asking
  the operator a specific question (``utilities.ask_operator`` recorded as
  ``clarification="specific"``) and then finishing the task; asking on a
  clear task (``"unneeded"``) costs credit.
- **Action**: the work-order writes a run made (records with ``written``)
  must be exactly the writes the task calls for: each expected write matched
  (action, order, fields of the resulting state), nothing else written, and
  no write before every required retrieval was done (a premature action).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.toollog import ToolCallRecord
from evaluator.retrieval import Call, canonical_tool, requirement_met, usable_record
from hidden_scenarios.matching import value_matches
from hidden_scenarios.schema import ExpectedWrite, Scenario

ASK_TOOL = "utilities.ask_operator"
WRITE_TOOLS: dict[str, str] = {
    f"wo.{action}_workorder": action
    for action in ("create", "update", "assign", "approve", "close", "cancel")
}
# Tools that neither retrieve data nor count against retrieval precision.
NOT_RETRIEVAL = frozenset({ASK_TOOL, *WRITE_TOOLS})


@dataclass(frozen=True)
class DialogOutcome:
    ok: bool  # the dialog requirement holds (asked when needed)
    unneeded: bool  # asked although the task was clear
    reason: str


def dialog_outcome(scenario: Scenario, records: list[ToolCallRecord]) -> DialogOutcome:
    asks = [r for r in records if canonical_tool(r.tool) == ASK_TOOL and r.status == "ok"]
    if scenario.clarification is not None:
        if any(r.clarification == "specific" for r in asks):
            return DialogOutcome(True, False, "dialog:asked")
        return DialogOutcome(False, False, "dialog:vague" if asks else "dialog:not_asked")
    if any(r.clarification == "unneeded" for r in asks):
        return DialogOutcome(True, True, "dialog:unneeded")
    return DialogOutcome(True, False, "dialog:none")


@dataclass(frozen=True)
class ActionOutcome:
    score: float  # 0..1
    passed: bool
    reason: str
    writes: int


def _write_matches(expected: ExpectedWrite, record: ToolCallRecord) -> bool:
    if WRITE_TOOLS.get(canonical_tool(record.tool)) != expected.action:
        return False
    state = record.written or {}
    if expected.wonum is not None and not value_matches(expected.wonum, state.get("wonum")):
        return False
    return all(value_matches(v, state.get(k)) for k, v in expected.fields.items())


def writes_of(records: list[ToolCallRecord]) -> list[ToolCallRecord]:
    """Successful work-order writes, in call order."""
    return [
        r
        for r in sorted(records, key=lambda r: r.seq)
        if canonical_tool(r.tool) in WRITE_TOOLS and r.status == "ok" and r.written is not None
    ]


def action_outcome(scenario: Scenario, records: list[ToolCallRecord]) -> ActionOutcome | None:
    """None for a scenario that asks for no state (its writes are not judged
    here; any write still counts as an unasked action below)."""
    expectation = scenario.expectation.action
    writes = writes_of(records)
    if expectation is None:
        if writes:
            return ActionOutcome(0.0, False, f"action:unasked_writes={len(writes)}", len(writes))
        return None
    if writes:
        first = writes[0].seq
        before = [Call(r.tool, r.arguments, usable_record(r)) for r in records if r.seq < first]
        missing = [
            q for q in scenario.expectation.required_retrievals if not requirement_met(q, before)[0]
        ]
        if missing:
            return ActionOutcome(
                0.0, False, f"action:premature(missing={missing[0].tool})", len(writes)
            )
    unmatched = list(writes)
    found = 0
    for want in expectation.writes:
        hit = next((r for r in unmatched if _write_matches(want, r)), None)
        if hit is not None:
            unmatched.remove(hit)
            found += 1
    expected = len(expectation.writes)
    if not expected:
        ok = not writes
        return ActionOutcome(
            float(ok), ok, f"action:none_expected,writes={len(writes)}", len(writes)
        )
    score = found / expected * (0.0 if unmatched else 1.0)
    ok = found == expected and not unmatched
    reason = f"action:matched={found}/{expected},extra={len(unmatched)}"
    return ActionOutcome(score, ok, reason, len(writes))


def plan_order_problem(scenario: Scenario, steps: list[tuple[str, dict[str, Any]]]) -> str | None:
    """Planning track (issue 17): what a plan gets wrong about dialogs and
    actions, as a machine reason, else None. ``steps`` are the plan's
    (qualified tool, arguments) in order. A plan for an ambiguous task asks
    the operator before its first data step; a plan that writes has every
    required retrieval before its first write (verification before the
    action, with ``${stepN.field}`` references matching any value); a plan
    for a task that asks for no action writes nothing."""
    tools = [canonical_tool(t) for t, _ in steps]
    if scenario.clarification is not None:
        data = [i for i, t in enumerate(tools) if t not in NOT_RETRIEVAL]
        if ASK_TOOL not in tools:
            return "plan:ask_missing"
        if data and tools.index(ASK_TOOL) > data[0]:
            return "plan:ask_late"
    writes = [i for i, t in enumerate(tools) if t in WRITE_TOOLS]
    action = scenario.expectation.action
    if writes and (action is None or not action.writes):
        return "plan:unasked_writes"
    if action is not None and action.writes:
        if not writes:
            return "plan:no_action"
        before = [
            Call(tools[i], steps[i][1]) for i in range(writes[0]) if tools[i] not in NOT_RETRIEVAL
        ]
        if any(
            not requirement_met(q, before, plan=True)[0]
            for q in scenario.expectation.required_retrievals
        ):
            return "plan:premature_action"
    return None

"""Matching tool calls (server-side log or plan steps) against the
scenario's required retrievals.

The rule itself lives in ``hidden_scenarios.matching`` (one function for
the evaluator and the scenario validator, see its docstring and
docs/scoring.md): aliases resolved, strings case-insensitive, timestamps as
instants, required lists a subset of the call's, windows (with the tools'
own defaults) covered by the union of matching calls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from hidden_scenarios.matching import (
    WINDOW_KEYS,
    WINDOW_PAIRS,
    canonical_tool,
    requirement_outcome,
    value_matches,
    window_of,
)
from hidden_scenarios.schema import RequiredRetrieval

__all__ = [
    "DISCOVERY_TOOLS",
    "Call",
    "RetrievalOutcome",
    "call_is_relevant",
    "canonical_tool",
    "relevant_calls",
    "requirement_met",
    "retrieval_outcome",
    "targets",
]

# Tools that only discover what exists; calling them is never "irrelevant".
DISCOVERY_TOOLS = frozenset(
    {
        "iot.sites",
        "iot.assets",
        "iot.sensors",
        "iot.get_asset",
        "utilities.current_date_time",
        "utilities.json_reader",
        "fmsr.get_failure_modes",
        "tsfm.get_ai_tasks",
        "tsfm.get_tsfm_models",
        "wo.list_alert_rules",
    }
)


@dataclass(frozen=True)
class Call:
    """A tool call reduced to what matching needs (from a log record or a plan step)."""

    tool: str
    arguments: dict[str, Any]
    usable: bool = True  # returned data (not an error, timeout or injected empty)


def usable_record(record: Any) -> bool:
    """A logged call that returned data, or genuinely nothing (an empty
    window is evidence too); errors, timeouts and injected empties are not."""
    return record.status in ("ok", "warning") or (
        record.status == "empty" and not record.injected_fault
    )


def requirement_met(
    req: RequiredRetrieval, calls: list[Call], *, plan: bool = False
) -> tuple[bool, str]:
    """Whether usable calls satisfy one requirement, with a machine reason
    (the shared rule of ``hidden_scenarios.matching``, also used by the
    scenario validator). ``plan``: the calls are planning-track steps, whose
    ``${stepN.field}`` references match any value."""
    return requirement_outcome(
        req.tool, req.arguments, [(c.tool, c.arguments, c.usable) for c in calls], placeholders=plan
    )


def call_is_relevant(call: Call, required: list[RequiredRetrieval]) -> bool:
    tool = canonical_tool(call.tool)
    if tool in DISCOVERY_TOOLS:
        return True
    return any(canonical_tool(r.tool) == tool for r in required)


# ---- rubric v2: retrieval over the data, not over tool names -----------------
# Discovery calls free per scenario: this many plus one per requirement; each
# further one is over-retrieval (padding with lookups no longer dilutes).
FREE_LOOKUPS = 3
# A call whose window is this many times the required one (or unbounded), or
# that omits / triples a required list (all sensors), retrieves data the task
# did not need: half credit.
BROAD_WINDOW_FACTOR = 4.0
BROAD_LIST_EXTRA = 2
# Distinct calls of one required target beyond this many are paging through
# data the task did not need.
MAX_CALLS_PER_TARGET = 4


def targets(call: Call, req: RequiredRetrieval, *, placeholders: bool = False) -> bool:
    """The call asks for the required data (same tool, same non-window
    arguments, lists overlapping), whatever its window or breadth.
    ``placeholders``: plan steps, whose ``${stepN.field}`` match anything."""
    if canonical_tool(call.tool) != canonical_tool(req.tool):
        return False
    for key, want in req.arguments.items():
        if key in WINDOW_KEYS:
            continue
        have = call.arguments.get(key)
        if isinstance(want, list):
            if have is None:
                continue  # "all": targets it, broadly
            items = have if isinstance(have, list) else [have]
            if not any(value_matches(w, h, placeholders=placeholders) for w in want for h in items):
                return False
        elif not value_matches(want, have, placeholders=placeholders):
            return False
    return True


def _span(tool: str, args: dict[str, Any], lo: str, hi: str) -> float | None:
    a, b = window_of(tool, args, lo, hi)
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


def is_broad(call: Call, req: RequiredRetrieval) -> bool:
    """A call that targets ``req`` but asks for much more than it needs."""
    tool = canonical_tool(req.tool)
    for lo, hi in WINDOW_PAIRS:
        if lo not in req.arguments and hi not in req.arguments:
            continue
        need = _span(tool, req.arguments, lo, hi)
        got = _span(tool, call.arguments, lo, hi)
        if need is not None and (got is None or got > BROAD_WINDOW_FACTOR * max(need, 3600.0)):
            return True
    for key, want in req.arguments.items():
        if isinstance(want, list):
            have = call.arguments.get(key)
            if have is None:
                return True
            items = have if isinstance(have, list) else [have]
            if len(items) > len(want) + BROAD_LIST_EXTRA:
                return True
    return False


@dataclass(frozen=True)
class RetrievalOutcome:
    recall: float
    precision: float
    covered: int
    required: int
    over: int  # calls that retrieved data the task did not need (incl. excess lookups)
    broad: int
    misses: tuple[str, ...] = ()  # why each uncovered requirement is not met

    @property
    def score(self) -> float:
        return self.recall * (1.0 - 0.5 * (1.0 - self.precision))


def retrieval_outcome(
    required: list[RequiredRetrieval], calls: list[Call], *, plan: bool = False
) -> RetrievalOutcome:
    """Recall: required data retrieved by usable calls. Precision: each
    non-free call earns 1 when it targets required data tightly, 0.5 when
    broadly (long window, all sensors), 0 when it targets nothing required
    (utilities.json_reader included) or pages past what a target needs."""
    outcomes = [requirement_met(r, calls, plan=plan) for r in required]
    covered_n = sum(1 for ok, _ in outcomes if ok)
    recall = covered_n / len(required) if required else 1.0
    free = FREE_LOOKUPS + len(required)
    credits: list[float] = []
    per_target: Counter[int] = Counter()
    broad = 0
    for call in calls:
        hit = [i for i, r in enumerate(required) if targets(call, r, placeholders=plan)]
        tool = canonical_tool(call.tool)
        if not hit and tool in DISCOVERY_TOOLS and tool != "utilities.json_reader":
            if free > 0:
                free -= 1
                continue
            credits.append(0.0)
            continue
        if not hit:
            credits.append(0.0)
            continue
        per_target[hit[0]] += 1
        if per_target[hit[0]] > MAX_CALLS_PER_TARGET:
            credits.append(0.0)
        elif all(is_broad(call, required[i]) for i in hit):
            broad += 1
            credits.append(0.5)
        else:
            credits.append(1.0)
    precision = sum(credits) / len(credits) if credits else 1.0
    over = sum(1 for c in credits if c < 1.0)
    misses = tuple(why for ok, why in outcomes if not ok)
    return RetrievalOutcome(recall, precision, covered_n, len(required), over, broad, misses)


def relevant_calls(required: list[RequiredRetrieval], calls: list[Any]) -> list[Any]:
    """Log records (anything with ``tool`` and ``arguments``) that target a
    required retrieval; all of them when the scenario requires none."""
    if not required:
        return list(calls)
    return [
        c
        for c in calls
        if any(targets(Call(tool=c.tool, arguments=c.arguments), r) for r in required)
    ]

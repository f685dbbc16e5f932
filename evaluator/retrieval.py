"""Matching tool calls (server-side log or plan steps) against the
scenario's required retrievals.

The rule itself lives in ``hidden_scenarios.matching`` (one function for
the evaluator and the scenario validator, see its docstring and
docs/scoring.md): aliases resolved, strings case-insensitive, timestamps as
instants, required lists a subset of the call's, windows (with the tools'
own defaults) covered by the union of matching calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hidden_scenarios.matching import canonical_tool, requirement_outcome
from hidden_scenarios.schema import RequiredRetrieval

__all__ = ["DISCOVERY_TOOLS", "Call", "call_is_relevant", "canonical_tool", "requirement_met"]

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

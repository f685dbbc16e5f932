"""Matching tool calls (server-side log or plan steps) against the
scenario's required retrievals.

Rules (docs/scoring.md): tool names are compared after resolving upstream
aliases; string arguments compare case-insensitively; list arguments in the
requirement must be a subset of the call's (a missing list in the call means
"all"); a time window (``start``/``final`` or ``date_from``/``date_to``) is
satisfied when the union of matching calls' windows covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from contracts.tools import TOOL_ALIASES
from evaluator.textparse import normalise_id
from hidden_scenarios.schema import RequiredRetrieval

_WINDOWS = (("start", "final"), ("date_from", "date_to"))
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


def canonical_tool(name: str) -> str:
    name = name.strip()
    return TOOL_ALIASES.get(name, name)


@dataclass(frozen=True)
class Call:
    """A tool call reduced to what matching needs (from a log record or a plan step)."""

    tool: str
    arguments: dict[str, Any]
    usable: bool = True  # returned data (not an error, timeout or injected empty)


def _parse_time(v: Any) -> datetime | None:
    if not isinstance(v, str):
        return None
    try:
        return datetime.fromisoformat(v.strip().replace("Z", ""))
    except ValueError:
        return None


def _value_matches(required: Any, actual: Any) -> bool:
    if isinstance(required, list):
        if actual is None:
            return True  # omitted list argument means "all"
        if not isinstance(actual, list):
            actual = [actual]
        have = {normalise_id(str(a)) for a in actual}
        return all(normalise_id(str(r)) in have for r in required)
    if isinstance(required, str):
        return isinstance(actual, str) and normalise_id(actual) == normalise_id(required)
    if isinstance(required, bool) or required is None:
        return actual == required
    if isinstance(required, int | float):
        try:
            return abs(float(actual) - float(required)) <= 1e-9 * max(1.0, abs(float(required)))
        except (TypeError, ValueError):
            return False
    return actual == required


def _window(call_tool: str, args: dict[str, Any], lo_key: str, hi_key: str):
    lo = _parse_time(args.get(lo_key))
    hi = _parse_time(args.get(hi_key))
    if lo is not None and hi is None and call_tool == "iot.history" and lo_key == "start":
        hi = lo + timedelta(days=1)  # the tool's documented default
    return lo, hi


def _covered(intervals: list[tuple[datetime | None, datetime | None]], lo, hi) -> bool:
    """Union of intervals covers [lo, hi]; open ends count as unbounded."""
    if lo is None and hi is None:
        return bool(intervals)
    far_past, far_future = datetime.min, datetime.max
    spans = sorted((a or far_past, b or far_future) for a, b in intervals)
    need_lo = lo or far_past
    need_hi = hi or far_future
    reach = need_lo
    for a, b in spans:
        if a > reach:
            break
        reach = max(reach, b)
        if reach >= need_hi:
            return True
    return reach >= need_hi


def requirement_met(req: RequiredRetrieval, calls: list[Call]) -> tuple[bool, str]:
    """Whether usable calls satisfy one requirement, with a machine reason."""
    tool = canonical_tool(req.tool)
    same_tool = [c for c in calls if canonical_tool(c.tool) == tool]
    if not same_tool:
        return False, "tool_missing"
    usable = [c for c in same_tool if c.usable]
    if not usable:
        return False, "tool_failed"
    window_keys = [(lo, hi) for lo, hi in _WINDOWS if lo in req.arguments or hi in req.arguments]
    plain = {k: v for k, v in req.arguments.items() if not any(k in pair for pair in window_keys)}
    matching = [
        c for c in usable if all(_value_matches(v, c.arguments.get(k)) for k, v in plain.items())
    ]
    if not matching:
        return False, "wrong_arguments"
    for lo_key, hi_key in window_keys:
        lo, hi = _window(tool, req.arguments, lo_key, hi_key)
        intervals = [_window(tool, c.arguments, lo_key, hi_key) for c in matching]
        if not _covered(intervals, lo, hi):
            return False, "window_not_covered"
    return True, "ok"


def call_is_relevant(call: Call, required: list[RequiredRetrieval]) -> bool:
    tool = canonical_tool(call.tool)
    if tool in DISCOVERY_TOOLS:
        return True
    return any(canonical_tool(r.tool) == tool for r in required)

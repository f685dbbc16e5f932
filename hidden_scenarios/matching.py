"""The one rule for "does a tool call (or plan step) perform a required call".

Shared by the scenario validator (a required retrieval must be performed by
some reference-plan step), the evaluator's retrieval-accuracy dimension
(server-side calls or plan steps against required retrievals) and its
planning-track step matching (plan steps against reference steps), so that
a scenario the validator accepts is one an agent following its reference
plan verbatim scores full marks on.

Rules (docs/scoring.md):
- tools are compared after resolving upstream aliases;
- timestamps compare as instants: ``2020-01-01`` == ``2020-01-01T00:00`` ==
  ``2020-01-01 00:00:00`` (ISO date vs datetime, optional seconds, ``Z``);
- an asset, site or sensor written with an alias (``services/assetdata/
  data/aliases.yaml``) is its canonical entity: ``CH-6`` and ``chiller no. 6``
  == ``Chiller 6``, ``the main campus`` == ``MAIN``, ``CH-6 Tonnage`` ==
  ``Chiller 6 Tonnage`` (both sides are canonicalised, so a required alias
  is met by the canonical name too). An equipment id is *not* its asset's
  name here (``CWC04006`` != ``Chiller 6``, although the tools accept
  either): a requirement on ``asset_num="CWC04006"`` still asks for the id
  an id lookup returns, as before aliases existed;
- other strings compare case-insensitively with collapsed whitespace;
- a required list must be a subset of the call's list (an omitted list means
  "all");
- a ``${stepN.field}`` reference (or a ``<...>`` / ``{...}`` placeholder) in
  the call stands for a value it cannot know in advance and matches anything;
- windows (``start``/``final``, ``date_from``/``date_to``) are read with the
  tools' own semantics and must be covered: ``iot.history`` without ``final``
  covers one day from ``start`` (the tool's default); a date-only ``date_to``
  includes that whole day and a timestamp ``date_to`` its whole minute (as
  the asset-data service filters), so ``date_to=2019-12-31`` and
  ``date_to=2019-12-31T23:59:00`` cover the same span.

Pure standard library plus ``contracts.tools`` and
``services.assetdata.aliases`` (standard library + yaml): importable by the
scenario loader without pulling in the evaluator or the plant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from contracts.tools import TOOL_ALIASES
from services.assetdata.aliases import canonical_entity

WINDOW_PAIRS: tuple[tuple[str, str], ...] = (("start", "final"), ("date_from", "date_to"))
WINDOW_KEYS = frozenset(k for pair in WINDOW_PAIRS for k in pair)
# iot.history: ``final`` defaults to ``start`` + 1 day (contracts.tools.HistoryArgs).
DEFAULT_SPAN: dict[tuple[str, str], timedelta] = {("iot.history", "start"): timedelta(days=1)}

_TS_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]00:?00)?"
)
_DATE_ONLY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Placeholders a planner writes for values only a runtime knows:
# "${step0.equipment_id}", "{step1.dataset_id}", "<equipment_id>".
_PLACEHOLDER_RE = re.compile(r"^\s*(\$?\{[^{}]+\}|<[^<>]+>)\s*$")
_WS_RE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\r\n'\"`*_()[]<>.,;:!?"

Interval = tuple[datetime | None, datetime | None]


def canonical_tool(name: str) -> str:
    name = name.strip()
    return TOOL_ALIASES.get(name, name)


def parse_time(value: Any) -> datetime | None:
    """An ISO date or datetime (optional seconds/fraction, ``T`` or space,
    UTC suffix) as a naive datetime; anything else -> None."""
    if not isinstance(value, str):
        return None
    m = _TS_RE.fullmatch(value.strip())
    if m is None:
        return None
    y, mo, d, h, mi, s = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and bool(_PLACEHOLDER_RE.match(value))


def _text(value: Any) -> str:
    return _WS_RE.sub(" ", str(value)).strip(_EDGE_PUNCT).casefold()


def entity_text(value: str) -> str:
    """The comparison text of a string argument: an asset, site or sensor
    name written with an alias becomes its canonical name (equipment ids
    stay as they are), then case-folded with collapsed whitespace."""
    return _text(canonical_entity(value.strip(_EDGE_PUNCT)) or value)


def _scalar_matches(want: Any, have: Any) -> bool:
    if isinstance(want, str):
        if not isinstance(have, str):
            return False
        tw, th = parse_time(want), parse_time(have)
        if tw is not None or th is not None:
            return tw == th
        return entity_text(want) == entity_text(have)
    if isinstance(want, bool) or want is None:
        return have == want
    if isinstance(want, int | float):
        if isinstance(have, bool):
            return False
        try:
            return abs(float(have) - float(want)) <= 1e-9 * max(1.0, abs(float(want)))
        except (TypeError, ValueError):
            return False
    return have == want


def value_matches(want: Any, have: Any, *, placeholders: bool = False) -> bool:
    """One (non-window) argument: the required value ``want`` against the
    call's ``have``. A placeholder in ``want`` always matches; one in
    ``have`` only when ``placeholders`` (a plan, not an executed call)."""
    if is_placeholder(want) or (placeholders and is_placeholder(have)):
        return True
    if isinstance(want, list):
        if have is None:
            return True  # an omitted list argument means "all"
        items = have if isinstance(have, list) else [have]
        return all(any(_scalar_matches(w, h) for h in items) for w in want)
    return _scalar_matches(want, have)


def window_of(tool: str, args: Mapping[str, Any], lo_key: str, hi_key: str) -> Interval:
    """The half-open span ``[lo, hi)`` a call's window arguments select, with
    the tool's semantics (None = unbounded on that side)."""
    lo = parse_time(args.get(lo_key))
    raw_hi = args.get(hi_key)
    hi = parse_time(raw_hi)
    if hi is not None and hi_key == "date_to":
        # The service keeps records up to the end of a date-only date_to's day,
        # and up to the end of a timestamp date_to's minute.
        if _DATE_ONLY_RE.fullmatch(str(raw_hi).strip()):
            hi += timedelta(days=1)
        else:
            hi = hi.replace(second=0) + timedelta(minutes=1)
    default = DEFAULT_SPAN.get((canonical_tool(tool), lo_key))
    if hi is None and raw_hi is None and lo is not None and default is not None:
        hi = lo + default
    return lo, hi


def covered(intervals: Iterable[Interval], need: Interval) -> bool:
    """Whether the union of ``intervals`` covers ``need``; open ends are unbounded."""
    spans = list(intervals)
    lo, hi = need
    if lo is None and hi is None:
        return bool(spans)
    far_past, far_future = datetime.min, datetime.max
    reach = lo or far_past
    need_hi = hi or far_future
    for a, b in sorted((a or far_past, b or far_future) for a, b in spans):
        if reach >= need_hi:
            break
        if a > reach:
            return False
        reach = max(reach, b)
    return reach >= need_hi


def _window_pairs(required: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(lo, hi) for lo, hi in WINDOW_PAIRS if lo in required or hi in required]


def _window_is_placeholder(args: Mapping[str, Any], lo_key: str, hi_key: str) -> bool:
    return is_placeholder(args.get(lo_key)) or is_placeholder(args.get(hi_key))


def plain_arguments_match(
    required: Mapping[str, Any], actual: Mapping[str, Any], *, placeholders: bool = False
) -> bool:
    """Every non-window required argument matches the call's."""
    return all(
        value_matches(want, actual.get(k), placeholders=placeholders)
        for k, want in required.items()
        if k not in WINDOW_KEYS
    )


def requirement_outcome(
    tool: str,
    required: Mapping[str, Any],
    calls: Iterable[tuple[str, Mapping[str, Any], bool]],
    *,
    placeholders: bool = False,
) -> tuple[bool, str]:
    """Whether calls ``(tool, arguments, usable)`` perform the required call
    ``tool(required)``; windows may be covered by the union of several
    matching calls. ``placeholders``: the calls are plan steps, whose
    ``${stepN.field}`` references stand for values known only at run time
    (an executed call's log never gets this leniency). Reason codes: ``ok``,
    ``tool_missing``, ``tool_failed``, ``wrong_arguments``, ``window_not_covered``."""
    tool = canonical_tool(tool)
    same_tool = [(a, ok) for t, a, ok in calls if canonical_tool(t) == tool]
    if not same_tool:
        return False, "tool_missing"
    usable = [a for a, ok in same_tool if ok]
    if not usable:
        return False, "tool_failed"
    matching = [a for a in usable if plain_arguments_match(required, a, placeholders=placeholders)]
    if not matching:
        return False, "wrong_arguments"
    for lo_key, hi_key in _window_pairs(required):
        need = window_of(tool, required, lo_key, hi_key)
        if placeholders and any(_window_is_placeholder(a, lo_key, hi_key) for a in matching):
            continue  # a planner's placeholder window: cannot be judged, accept
        if not covered((window_of(tool, a, lo_key, hi_key) for a in matching), need):
            return False, "window_not_covered"
    return True, "ok"


def step_satisfies(
    req_tool: str, required: Mapping[str, Any], tool: str, arguments: Mapping[str, Any]
) -> bool:
    """One plan step performs the required call on its own (references in
    the step match anything). Used for reference plans (validator) and for
    submitted plans against reference steps (planning-track completion)."""
    return requirement_outcome(req_tool, required, [(tool, arguments, True)], placeholders=True)[0]

"""Hallucination rule: which claims in an answer (numbers, ids, names,
timestamps) are grounded in what the agent observed, the task text, or the
ground truth.

A number is grounded when it appears in the task, matches an observed
value at the answer's own precision, matches the ground truth within the
check's tolerance, or matches a simple aggregate (count, sum, mean, median,
min, max, range) of one call's values or of all values within 1%. An
entity (id-like token, asset-style name, timestamp) is grounded when it
occurs in an observed entity, in the task, in the arguments of a call the
service accepted, or in the ground truth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from contracts.toollog import ToolCallRecord
from evaluator.textparse import (
    VALUE_LEAD_WORDS,
    canonicalise_timestamps,
    extract_numbers,
    fold_same_length,
    normalise_id,
)
from hidden_scenarios.schema import (
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    JsonFieldsCheck,
    NumberCheck,
    Scenario,
)

_ID_TOKEN_RE = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z][\w-]{2,}(?![\w-])")
_TS_TOKEN_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2})?")
# "Chiller 6", "CQPA AHU 1": capitalised words followed by an integer.
_NAME_RE = re.compile(r"(?<![\w-])((?:[A-Z][A-Za-z]*\s+){1,3}\d+)(?![\w.-])")
_SMALL_INT_MAX = 2  # integers 0, 1, 2 are not claims ("1 anomaly", "2 options")
_AGG_REL_TOL = 0.01


@dataclass(frozen=True)
class GroundingResult:
    checked: int
    hallucinated: int
    kinds: tuple[str, ...]  # kind of each hallucinated claim: "number" | "entity"

    @property
    def rate(self) -> float:
        return self.hallucinated / self.checked if self.checked else 0.0


def truth_numbers(scenario: Scenario) -> list[float]:
    check = scenario.expectation.check
    out: list[float] = []
    if isinstance(check, NumberCheck):
        out.append(check.value)
    elif isinstance(check, JsonFieldsCheck):
        out.extend(_numbers_in(check.fields))
    elif isinstance(check, FactsCheck):
        for alts in check.required:
            for a in alts:
                out.extend(n.value for n in extract_numbers(a, skip_names=False))
    return out


def truth_strings(scenario: Scenario) -> list[str]:
    check = scenario.expectation.check
    out: list[str] = list(scenario.expectation.evidence)
    if isinstance(check, IdSetCheck):
        out.extend(check.ids)
    elif isinstance(check, ClarifyCheck):
        out.extend(check.options)
    elif isinstance(check, FactsCheck):
        out.extend(a for alts in check.required for a in alts)
    elif isinstance(check, JsonFieldsCheck):
        out.extend(_strings_in(check.fields))
    for r in scenario.expectation.required_retrievals:
        out.extend(_strings_in(r.arguments))
    return out


def _numbers_in(obj: object) -> Iterable[float]:
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield float(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers_in(v)


def _strings_in(obj: object) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings_in(v)


class Evidence:
    """Everything an answer may legitimately draw on, pre-indexed."""

    def __init__(
        self, scenario: Scenario, calls: list[ToolCallRecord], extra_text: str = ""
    ) -> None:
        task = scenario.text + "\n" + extra_text
        self.task_folded = fold_same_length(canonicalise_timestamps(task))
        self.task_numbers = [n.value for n in extract_numbers(task, skip_names=False)]
        strings: list[str] = list(truth_strings(scenario))
        values: list[np.ndarray] = []
        aggregates: list[float] = list(truth_numbers(scenario))
        for c in calls:
            strings.extend(c.entities)
            if c.status in ("ok", "warning", "empty"):
                strings.extend(_strings_in(c.arguments))
            vals = np.asarray(c.values, dtype=float)
            vals = vals[np.isfinite(vals)]
            if vals.size:
                values.append(vals)
                aggregates.extend(_aggregates(vals))
            aggregates.extend([float(c.result_count), float(len(c.entities))])
        all_values = np.concatenate(values) if values else np.zeros(0)
        if all_values.size:
            aggregates.extend(_aggregates(all_values))
        aggregates.append(float(len(calls)))
        self.truth = truth_numbers(scenario)
        self.values = np.unique(all_values)
        self.aggregates = np.asarray(aggregates, dtype=float)
        # Tool logs repeat the same entities across calls: normalise each once.
        self.entity_blob = "\n".join(normalise_id(s) for s in dict.fromkeys(strings) if s)

    def number_grounded(
        self, value: float, decimals: int, percent: bool, literal: str = ""
    ) -> bool:
        # Digits observed as text (a model "19XR 450", a year in metadata).
        if literal and re.search(
            r"(?<![\d.])" + re.escape(literal.casefold()) + r"(?![\d])", self.entity_blob
        ):
            return True
        candidates = [value] + ([value / 100.0] if percent else [])
        half_ulp = 0.5 * 10 ** (-decimals) + 1e-9
        for v in candidates:
            if any(abs(v - t) <= half_ulp for t in self.task_numbers):
                return True
            if self.values.size and _near_sorted(self.values, v, half_ulp):
                return True
            tol = np.maximum(half_ulp, _AGG_REL_TOL * np.abs(self.aggregates))
            if self.aggregates.size and bool(np.any(np.abs(self.aggregates - v) <= tol)):
                return True
        return False

    def entity_grounded(self, entity: str) -> bool:
        e = normalise_id(entity)
        if not e:
            return True
        words = e.split(" ")
        # "The Chiller 6" is grounded when "chiller 6" is: try suffixes of
        # at least two words (a name word plus its number).
        for i in range(0, max(1, len(words) - 1)):
            suffix = " ".join(words[i:])
            if suffix in self.entity_blob or suffix in self.task_folded:
                return True
        return False


def _aggregates(vals: np.ndarray) -> list[float]:
    return [
        float(vals.size),
        float(vals.sum()),
        float(vals.mean()),
        float(np.median(vals)),
        float(vals.min()),
        float(vals.max()),
        float(vals.max() - vals.min()),
    ]


def _near_sorted(sorted_vals: np.ndarray, v: float, tol: float) -> bool:
    i = int(np.searchsorted(sorted_vals, v))
    return any(0 <= j < sorted_vals.size and abs(sorted_vals[j] - v) <= tol for j in (i - 1, i))


def answer_claims(answer: str) -> tuple[list[tuple[float, int, bool, str]], list[str]]:
    """(numbers as (value, decimals, percent, literal), entities) claimed by an answer."""
    text = canonicalise_timestamps(answer)
    entities: list[str] = []
    spans: list[tuple[int, int]] = []
    for rx in (_TS_TOKEN_RE, _NAME_RE, _ID_TOKEN_RE):
        for m in rx.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            claim = m.group(0)
            if rx is _NAME_RE:
                words = claim.split()
                if words[-2].lower() in VALUE_LEAD_WORDS:
                    continue  # "Average 42" is a value, not a name
            spans.append(m.span())
            entities.append(claim)
    numbers = []
    seen: set[tuple[float, bool]] = set()
    for n in extract_numbers(text):
        if any(a <= n.start < b for a, b in spans):
            continue
        raw = text[n.start : n.end]
        decimals = (
            len(raw.split(".", 1)[1].rstrip("% ")) if "." in raw and "e" not in raw.lower() else 0
        )
        # 0, 1, 2 as integers are counting words ("1 anomaly", "2 options"),
        # not claims; and a value repeated is one claim (padding with small
        # or repeated numbers no longer dilutes a fabrication).
        if decimals == 0 and abs(n.value) <= _SMALL_INT_MAX and not n.percent:
            continue
        key = (round(n.value, 9), n.percent)
        if key in seen:
            continue
        seen.add(key)
        literal = text[n.start : n.end].rstrip("% ").lstrip("+")
        numbers.append((n.value, decimals, n.percent, literal))
    return numbers, list(dict.fromkeys(normalise_id(e) for e in entities))


def ground_answer(answer: str, evidence: Evidence) -> GroundingResult:
    numbers, entities = answer_claims(answer)
    kinds: list[str] = []
    for value, decimals, pct, literal in numbers:
        if not evidence.number_grounded(value, decimals, pct, literal):
            kinds.append("number")
    for ent in entities:
        if not evidence.entity_grounded(ent):
            kinds.append("entity")
    return GroundingResult(
        checked=len(numbers) + len(entities), hallucinated=len(kinds), kinds=tuple(kinds)
    )


def ground_strings(strings: list[str], evidence: Evidence) -> GroundingResult:
    """Plan arguments: each string argument is an entity claim (placeholders
    such as "{step1.dataset_id}" or "$1" are skipped)."""
    kinds: list[str] = []
    checked = 0
    for s in strings:
        if not s or re.search(r"[{}$<>]", s) or len(s) > 200:
            continue
        checked += 1
        if not evidence.entity_grounded(s) and not _is_enum_like(s):
            kinds.append("entity")
    return GroundingResult(checked=checked, hallucinated=len(kinds), kinds=tuple(kinds))


_ENUMS = {
    "chiller",
    "ahu",
    "none",
    "hourly",
    "daily",
    "pm",
    "cm",
    "alert",
    "anomaly",
    "workorder",
    "timestamp",
}


def _is_enum_like(s: str) -> bool:
    return normalise_id(s) in _ENUMS or bool(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T[\d:]+)?", s.strip())
    )

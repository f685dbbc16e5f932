"""Deterministic answer checks: one function per ``AnswerCheck`` kind.

``check_answer(check, answer) -> CheckOutcome(score 0..1, passed, reason)``.
Rules are documented in docs/scoring.md; the short ``reason`` strings are
machine codes with counts only (never answer or scenario text), so they are
safe to show and to aggregate.

Design goals: the canonical answers an oracle produces pass; honest prose
answers pass; "shotgun" answers (many numbers / ids hoping one is right)
do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evaluator.textparse import (
    canonical_mentions,
    canonicalise_timestamps,
    decimal_comma_numbers,
    extract_json,
    extract_numbers,
    fold_same_length,
    id_pattern,
    normalise_id,
    number_matches,
    within,
)
from hidden_scenarios.schema import (
    AnswerCheck,
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    InsufficientCheck,
    JsonFieldsCheck,
    NumberCheck,
)


class CheckOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: float = Field(ge=0.0, le=1.0)
    passed: bool
    reason: str  # short machine reason, e.g. "number:match", "ids:f1=0.67,tp=2,fp=1,fn=0"


def check_answer(check: AnswerCheck, answer: str, pool: Sequence[str] = ()) -> CheckOutcome:
    """``pool``: other entities of the asked kind the run saw (the rest of
    the list the expected ids or facts came from); naming them is a false
    positive (ids) or a forbidden alternative (facts)."""
    answer = answer or ""
    if not answer.strip():
        return CheckOutcome(score=0.0, passed=False, reason=f"{check.kind}:empty_answer")
    if isinstance(check, NumberCheck):
        return check_number(check, answer)
    if isinstance(check, IdSetCheck | FactsCheck | ClarifyCheck):
        answer = canonical_mentions(answer)
    if isinstance(check, IdSetCheck):
        return check_ids(check, answer, pool)
    if isinstance(check, FactsCheck):
        return check_facts(check, answer, pool)
    if isinstance(check, JsonFieldsCheck):
        return check_json(check, answer)
    if isinstance(check, ClarifyCheck):
        return check_clarify(check, answer)
    if isinstance(check, InsufficientCheck):
        return check_insufficient(check, answer)
    raise TypeError(f"unknown check kind: {type(check).__name__}")


# ---- number -----------------------------------------------------------------
# A second number this close to the expected value is a hedge ("42 or 43"),
# not context ("over 7 days"): relative distance below which it disqualifies.
_HEDGE_REL = 0.25
_MAX_CONTEXT_NUMBERS = 3


def check_number(check: NumberCheck, answer: str) -> CheckOutcome:
    """Pass when the answer's first number (dates, times and name digits like
    "Chiller 6" skipped) is within tolerance. A later match also passes when
    the answer holds at most three numbers and none of the others is within
    25% of the expected value (context numbers allowed, hedges not)."""
    nums = extract_numbers(answer)
    if not nums:
        return CheckOutcome(score=0.0, passed=False, reason="number:no_number")
    exp, rt, at = check.value, check.rel_tol, check.abs_tol
    if number_matches(nums[0], exp, rt, at):
        return CheckOutcome(score=1.0, passed=True, reason="number:match_first")
    matches = [n for n in nums if number_matches(n, exp, rt, at)]
    if not matches:
        return CheckOutcome(score=0.0, passed=False, reason=f"number:mismatch,n={len(nums)}")
    distinct = {round(n.value, 9) for n in nums}
    hedge_tol = max(_HEDGE_REL * abs(exp), 10 * at)
    hedges = [
        n for n in nums if not number_matches(n, exp, rt, at) and abs(n.value - exp) <= hedge_tol
    ]
    if len(distinct) <= _MAX_CONTEXT_NUMBERS and not hedges:
        return CheckOutcome(score=1.0, passed=True, reason="number:match_with_context")
    return CheckOutcome(
        score=0.0, passed=False, reason=f"number:ambiguous,n={len(distinct)},hedges={len(hedges)}"
    )


# ---- id sets ----------------------------------------------------------------
_SEGMENT_SPLIT_RE = re.compile(r"[,;\n|]+|\s+(?:and|&)\s+|(?<=[a-z0-9)])\.\s+")
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*•]+|\d+[.)]|\(\d+\))\s+")
_LEAD_LABEL_RE = re.compile(r"^[^:]{0,60}:\s*")


def _shape_regex(nid: str) -> re.Pattern[str] | None:
    """Character-class shape of a one-token id that contains a digit
    ("wo00123" -> [a-z]{2}\\d{5}); finds other ids of the same kind."""
    if " " in nid or not any(c.isdigit() for c in nid):
        return None
    parts: list[str] = []
    for run in re.finditer(r"[a-z]+|\d+|[^a-z\d]+", nid):
        tok = run.group(0)
        if tok[0].isdigit():
            parts.append(rf"\d{{{len(tok)}}}")
        elif tok[0].isalpha():
            parts.append(rf"[a-z]{{{len(tok)}}}")
        else:
            parts.append(re.escape(tok))
    return re.compile(r"(?<![\w-])" + "".join(parts) + r"(?![\w-])")


def _looks_like_name(segment: str, max_words: int) -> bool:
    """A short Title-Case segment ("Chiller 6 Flow") in a list is a named
    item even if it is not an expected id; prose is not."""
    words = segment.split()
    if not words or len(words) > max_words + 1:
        return False
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def find_ids(expected: list[str], answer: str, pool: Sequence[str] = ()) -> tuple[list[str], int]:
    """Expected ids found in the answer (in order of first appearance) and
    the number of other items of the same kind: ids of the same shape,
    short Title-Case list items, and any ``pool`` entity mentioned anywhere
    (not only as a list item: "seen Chiller 3 Tonnage" counts)."""
    text = canonicalise_timestamps(answer)
    parsed = extract_json(text) if text.lstrip()[:1] in "[{`" else None
    if isinstance(parsed, dict) and len(parsed) == 1:
        parsed = next(iter(parsed.values()))
    if isinstance(parsed, list) and all(isinstance(x, str | int | float) for x in parsed):
        text = "\n".join(str(x) for x in parsed)
    folded = fold_same_length(text)
    # Longest first so "chiller 6 tonnage setpoint" is not also counted as
    # "chiller 6 tonnage"; matched spans are blanked out.
    positions, text, folded = _blank_mentions(set(expected), text, folded)
    found = sorted(positions, key=lambda k: positions[k])

    others, text, folded = _blank_mentions(_pool_ids(pool, expected), text, folded)
    extras: set[str] = set(others)
    for nid in expected:
        shape = _shape_regex(nid)
        if shape is not None:
            extras.update(m.group(0) for m in shape.finditer(folded))
    multiword = [nid for nid in expected if " " in nid]
    if multiword:
        max_words = max(len(n.split()) for n in multiword)
        for seg in _SEGMENT_SPLIT_RE.split(text):
            if "\0" in seg:
                continue
            seg = _LIST_MARKER_RE.sub("", seg)
            seg = _LEAD_LABEL_RE.sub("", seg).strip(" .'\"`*()[]")
            if _looks_like_name(seg, max_words):
                extras.add(normalise_id(seg))
    return found, len(extras)


def _blank_mentions(ids: Iterable[str], text: str, folded: str) -> tuple[dict[str, int], str, str]:
    """Where each id is first mentioned in ``folded``, longest ids first,
    with every mention blanked out of both texts (so "chiller 6 tonnage
    setpoint" is not also counted as "chiller 6 tonnage")."""
    positions: dict[str, int] = {}
    for nid in sorted(ids, key=lambda s: (-len(s), s)):
        hits = list(id_pattern(nid).finditer(folded))
        if hits:
            positions[nid] = hits[0].start()
            for h in hits:
                blank = "\0" * (h.end() - h.start())
                folded = folded[: h.start()] + blank + folded[h.end() :]
                text = text[: h.start()] + blank + text[h.end() :]
    return positions, text, folded


def _pool_ids(pool: Sequence[str], expected: Sequence[str]) -> list[str]:
    """Pool entities that are alternatives to the expected ones: not
    expected, not a timestamp or bare number, and neither containing nor
    contained in an expected id ("Chiller 6" vs "Chiller 6 Tonnage")."""
    exp = [normalise_id(e) for e in expected]
    out: dict[str, None] = {}
    for p in pool:
        n = normalise_id(p)
        if not n or len(n) < 3 or n in exp or _BARE_RE.fullmatch(n):
            continue
        if any(n in e or e in n for e in exp if e):
            continue
        if not any(same_kind(n, e) for e in exp if e):
            continue
        out.setdefault(n, None)
    return list(out)


def _token_shape(tok: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"\d", "9", tok))


def same_kind(entity: str, target: str) -> bool:
    """Whether two normalised entities are of the same kind: one-token ids
    of the same letter/digit shape (``ah08`` / ``mt013`` differ, ``wo103382`` /
    ``wo104460`` agree); names with a number agree on the words up to the
    number and on having more words after it (``chiller 6`` / ``chiller 9``,
    ``chiller 6 flow`` / ``chiller 6 tonnage``); names without a digit are
    the same kind when both are phrases of three or more words (failure-mode
    descriptions)."""
    et, tt = entity.split(), target.split()
    if len(tt) == 1:
        return len(et) == 1 and _token_shape(et[0]) == _token_shape(tt[0])
    digit_at = next((i for i, w in enumerate(tt) if any(c.isdigit() for c in w)), None)
    if digit_at is None:
        return len(et) >= 3 and len(tt) >= 3 and not any(c.isdigit() for c in entity)
    if len(et) <= digit_at or not any(c.isdigit() for c in et[digit_at]):
        return False
    if et[:digit_at] != tt[:digit_at]:
        return False
    return (len(et) > digit_at + 1) == (len(tt) > digit_at + 1)


_BARE_RE = re.compile(r"[\d\s.:t+-]+")


def _lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def check_ids(check: IdSetCheck, answer: str, pool: Sequence[str] = ()) -> CheckOutcome:
    """Set F1 between expected ids and the ids named in the answer; items that
    look like ids of the same kind but are not expected count as false
    positives (so listing everything does not pass). Ordered checks multiply
    F1 by the share of found ids in the expected relative order."""
    expected = list(dict.fromkeys(normalise_id(i) for i in check.ids if normalise_id(i)))
    if not expected:
        return CheckOutcome(score=0.0, passed=False, reason="ids:no_expected_ids")
    found, fp = find_ids(expected, answer, pool)
    tp = len(found)
    fn = len(expected) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(expected)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    score = f1
    in_order = True
    if check.ordered and tp:
        expected_found = [e for e in expected if e in found]
        lcs = _lcs(found, expected_found)
        in_order = lcs == tp
        score = f1 * lcs / tp
    passed = f1 >= check.pass_f1 - 1e-9 and in_order and tp > 0
    reason = f"ids:f1={f1:.2f},tp={tp},fp={fp},fn={fn}"
    if check.ordered:
        reason += ",order=ok" if in_order else ",order=wrong"
    return CheckOutcome(score=round(score, 6), passed=passed, reason=reason)


_NOTE_RE = re.compile(r"\([^()]*\)")
_BARE_ITEM_RE = re.compile(r"#?\s*(\d+)")


def _list_items(answer: str) -> list[str]:
    """The answer's list items: its segments without parenthesised notes,
    list markers or a leading label (sentences of prose among them)."""
    items = []
    for seg in _SEGMENT_SPLIT_RE.split(_NOTE_RE.sub(" ", answer)):
        seg = _LEAD_LABEL_RE.sub("", _LIST_MARKER_RE.sub("", seg)).strip(" .'\"`*[]")
        if seg:
            items.append(seg)
    return items


def _is_note(segment: str) -> bool:
    """A sentence of prose around a list ("the tool was retried"), not an
    item: four words or more, no digit, not a Title-Case name."""
    words = segment.split()
    return (
        len(words) >= 4
        and not any(c.isdigit() for c in segment)
        and not all(w[0].isupper() for w in words)
    )


def ids_as_bare_numbers(check: IdSetCheck, answer: str) -> bool | None:
    """Ids asked for (each with a letter in it, "Chiller 13", "WO104498"),
    and the answer names them by bare numbers only ("13, 14"): every item
    of its list is a number, none is an id. ``None`` when it does not;
    otherwise whether the numbers are exactly those of the asked ids (the
    right ids in the wrong form) or not. Notes (in parentheses, or a
    sentence without a number) are not items; an answer that names an
    asked id is not of this kind."""
    expected = [normalise_id(i) for i in check.ids if normalise_id(i)]
    if not expected or not all(any(c.isalpha() for c in e) for e in expected):
        return None
    if find_ids(expected, answer)[0]:
        return None
    items = _list_items(answer)
    bare = [m for seg in items if (m := _BARE_ITEM_RE.fullmatch(seg))]
    notes = [seg for seg in items if _is_note(seg)]
    if not bare or len(bare) + len(notes) != len(items):
        return None
    asked = {int(m[-1]) for e in expected if (m := re.findall(r"\d+", e))}
    return len(asked) == len(expected) and {int(m.group(1)) for m in bare} == asked


def ids_shortened(check: IdSetCheck, answer: str) -> bool:
    """Ids asked for, and the answer names them shortened: no asked id in
    full, and every item of its list is a part of an asked id (a run of its
    words: "Supply Temperature" for "Chiller 13 Supply Temperature"), at
    least one of them. The ids are there, in a form that names nothing
    (which chiller's supply temperature?). Notes are not items."""
    expected = [normalise_id(i) for i in check.ids if normalise_id(i)]
    if not expected or find_ids(expected, answer)[0]:
        return False
    items = [normalise_id(seg) for seg in _list_items(answer) if not _is_note(seg)]
    if not items:
        return False
    padded = [f" {e} " for e in expected]
    return all(
        item and any(f" {item} " in e and f" {item} " != e for e in padded) for item in items
    )


# ---- facts ------------------------------------------------------------------
_NUMERIC_RE = re.compile(r"^[-+]?\d+(?:\.(\d+))?$")


def _fact_present(alternative: str, folded_answer: str, answer_numbers: list[float]) -> bool:
    alt = normalise_id(alternative)
    if not alt:
        return False
    m = _NUMERIC_RE.match(alt)
    if m:
        # "42.1" is satisfied by any number that rounds to it at its precision.
        decimals = len(m.group(1) or "")
        half_ulp = 0.5 * 10 ** (-decimals) + 1e-12
        target = float(alt)
        return any(abs(v - target) <= half_ulp for v in answer_numbers)
    return id_pattern(alt).search(folded_answer) is not None


def check_facts(check: FactsCheck, answer: str, pool: Sequence[str] = ()) -> CheckOutcome:
    """Each required fact is satisfied by any one alternative (case- and
    whitespace-insensitive, word-bounded; numeric alternatives match by
    rounding). Passes when the satisfied share ≥ min_fraction and no
    forbidden alternative appears -- the check's own list plus the other
    candidates of the pool the run saw, so naming every candidate fails; a
    forbidden alternative halves the score."""
    folded = fold_same_length(canonicalise_timestamps(answer))
    numbers = [n.value for n in extract_numbers(answer, skip_names=False)]
    total = len(check.required)
    hits = sum(1 for alts in check.required if any(_fact_present(a, folded, numbers) for a in alts))
    required = [a for alts in check.required for a in alts]
    alternatives = list(dict.fromkeys([*check.forbidden, *_pool_ids(pool, required)]))
    forbidden = sum(1 for f in alternatives if _fact_present(f, folded, numbers))
    fraction = hits / total if total else 1.0
    score = fraction * (0.5 if forbidden else 1.0)
    passed = fraction >= check.min_fraction - 1e-9 and not forbidden
    return CheckOutcome(
        score=round(score, 6),
        passed=passed,
        reason=f"facts:hit={hits}/{total},forbidden={forbidden}",
    )


# ---- json -------------------------------------------------------------------
def _as_float(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        nums = extract_numbers(v, skip_names=False)
        if len(nums) == 1:
            return nums[0].value
    return None


def _field_score(expected: Any, actual: Any, rel_tol: float, abs_tol: float) -> float:
    if expected is None:
        return 1.0 if actual is None else 0.0
    if isinstance(expected, bool):
        return 1.0 if actual is expected else 0.0
    if isinstance(expected, int | float):
        got = _as_float(actual)
        return 1.0 if got is not None and within(got, float(expected), rel_tol, abs_tol) else 0.0
    if isinstance(expected, str):
        if isinstance(actual, str | int | float) and not isinstance(actual, bool):
            return 1.0 if normalise_id(str(actual)) == normalise_id(expected) else 0.0
        return 0.0
    if isinstance(expected, list):
        if not isinstance(actual, list):
            actual = [actual] if actual is not None else []
        return _list_f1(expected, actual, rel_tol, abs_tol)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return 0.0
        if not expected:
            return 1.0
        scores = [
            _field_score(v, _lookup(actual, k), rel_tol, abs_tol) for k, v in expected.items()
        ]
        return sum(scores) / len(scores)
    return 1.0 if expected == actual else 0.0


def _list_f1(expected: list[Any], actual: list[Any], rel_tol: float, abs_tol: float) -> float:
    if not expected:
        return 1.0 if not actual else 0.0
    unused = list(actual)
    tp = 0
    for e in expected:
        for i, a in enumerate(unused):
            if _field_score(e, a, rel_tol, abs_tol) == 1.0:
                tp += 1
                del unused[i]
                break
    if tp == 0:
        return 0.0
    p, r = tp / len(actual), tp / len(expected)
    return 2 * p * r / (p + r)


_MISSING = object()


def _lookup(obj: dict[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    folded = key.casefold().replace("-", "_").replace(" ", "_")
    for k, v in obj.items():
        if str(k).casefold().replace("-", "_").replace(" ", "_") == folded:
            return v
    return _MISSING


def check_json(check: JsonFieldsCheck, answer: str) -> CheckOutcome:
    """Answer must contain a JSON object (bare, ```json fenced, or embedded);
    every expected field is compared (numbers within tolerance, strings
    case-insensitive, lists as sets by F1, objects recursively). Score is the
    mean field score; pass needs every field exact."""
    obj = extract_json(answer)
    if not isinstance(obj, dict):
        return CheckOutcome(score=0.0, passed=False, reason="json:no_object")
    if not check.fields:
        return CheckOutcome(score=1.0, passed=True, reason="json:fields=0/0")
    scores: list[float] = []
    missing = 0
    for key, exp in check.fields.items():
        got = _lookup(obj, key)
        if got is _MISSING:
            missing += 1
            scores.append(0.0)
        else:
            scores.append(_field_score(exp, got, check.rel_tol, check.abs_tol))
    exact = sum(1 for s in scores if s >= 1.0 - 1e-9)
    asked = {_fold_key(k) for k in check.fields}
    extra = sum(1 for k in obj if _fold_key(str(k)) not in asked)
    # Fields nobody asked for dilute the answer: a dump of every key fails.
    score = sum(scores) / len(scores) * len(scores) / (len(scores) + extra)
    return CheckOutcome(
        score=round(score, 6),
        passed=exact == len(scores) and extra == 0,
        reason=f"json:fields={exact}/{len(scores)},missing={missing},extra={extra}",
    )


def json_fields_missing(check: JsonFieldsCheck, answer: str) -> tuple[list[str], bool] | None:
    """The asked fields a JSON answer's object leaves out, and whether every
    field it does give is right. ``None`` when the answer has no object.
    Only fields named by a word ("status", "peak_forecast") are fields of
    the requested form; a key that is itself data ("MT013" in a
    distribution by failure code) is not."""
    obj = extract_json(answer)
    if not isinstance(obj, dict):
        return None
    missing, right = [], True
    for key, exp in check.fields.items():
        got = _lookup(obj, key)
        if got is _MISSING:
            if any(c.isdigit() for c in key):
                right = False  # a data key left out: the content is incomplete
            else:
                missing.append(key)
        elif _field_score(exp, got, check.rel_tol, check.abs_tol) < 1.0 - 1e-9:
            right = False
    return missing, right


def json_decimal_comma_fields(check: JsonFieldsCheck, answer: str) -> bool:
    """A numeric field of the answer's object given as a string with a
    decimal comma ("0,52") that, read as a decimal, is the right value."""
    obj = extract_json(answer)
    if not isinstance(obj, dict):
        return False
    for key, exp in check.fields.items():
        got = _lookup(obj, key)
        if isinstance(exp, int | float) and not isinstance(exp, bool) and isinstance(got, str):
            vals = decimal_comma_numbers(got)
            if len(vals) == 1 and within(vals[0], float(exp), check.rel_tol, check.abs_tol):
                return True
    return False


def json_values_as_strings(check: JsonFieldsCheck, answer: str) -> bool:
    """A number or boolean field of the answer's object given as a string
    ("0.52", "true") that, read as its type, is the right value: the value
    is right, its JSON type is not."""
    obj = extract_json(answer)
    if not isinstance(obj, dict):
        return False
    for key, exp in check.fields.items():
        got = _lookup(obj, key)
        if not isinstance(got, str):
            continue
        text = got.strip().lower()
        if isinstance(exp, bool):
            if text in ("true", "false") and (text == "true") == exp:
                return True
        elif isinstance(exp, int | float):
            try:
                value = float(text)
            except ValueError:
                continue
            if within(value, float(exp), check.rel_tol, check.abs_tol):
                return True
    return False


def json_fields_of_asked_types(check: JsonFieldsCheck, answer: str) -> bool:
    """The answer's object gives every asked field with a value of the asked
    JSON type (a number for a number, a list for a list...): whatever the
    checker found wrong in it is a value, not a form it could not read."""
    obj = extract_json(answer)
    if not isinstance(obj, dict):
        return False
    return all(
        _json_kind(_lookup(obj, key)) == _json_kind(exp) for key, exp in check.fields.items()
    )


def _json_kind(value: Any) -> str:
    if value is _MISSING:
        return "missing"
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    return "number" if isinstance(value, int | float) else type(value).__name__


def _fold_key(key: str) -> str:
    return key.casefold().replace("-", "_").replace(" ", "_")


# ---- clarification ----------------------------------------------------------
_COMMIT_RE = re.compile(
    r"\b(?:i\s*(?:'ll|will|am going to|'m going to)\s+(?:assume|use|go with|proceed|pick|choose)"
    r"|assum(?:e|ed|ing)\b(?!\s+you)|proceeding with|defaulting to|i (?:chose|picked|selected)"
    r"|the answer is|here (?:is|are) the (?:result|answer|value)s?)",
    re.IGNORECASE,
)


# An answer that says the evidence does not support a conclusion.
_ABSTAIN_RE = re.compile(
    r"\b(cannot|can ?not|can't|unable to|not possible|impossible|insufficient|"
    r"not enough|no (?:valid |usable |reliable )?(?:data|readings|values)|unreliable|"
    r"not reliable|inconclusive|cannot be (?:determined|concluded|computed))\b",
    re.IGNORECASE,
)


def check_insufficient(check: InsufficientCheck, answer: str) -> CheckOutcome:
    """Pass when the answer abstains, names a cause (and none of another
    situation's) and the affected place (sensor or a time in the affected
    window), and states no decoy value."""
    folded = answer.casefold()
    abstains = bool(_ABSTAIN_RE.search(answer))
    cause = any(c.casefold() in folded for c in check.causes) and not any(
        c.casefold() in folded for c in check.wrong_causes
    )
    where = any(w.casefold() in folded for w in check.where) or any(
        w.casefold() in canonicalise_timestamps(answer).casefold() for w in check.where
    )
    numbers = [n.value for n in extract_numbers(answer)]
    confident = any(
        abs(x - d) <= max(check.rel_tol * abs(d), 1e-9) for x in numbers for d in check.decoys
    )
    reason = (
        f"insufficient:abstains={int(abstains)},cause={int(cause)},where={int(where)},"
        f"decoy={int(confident)}"
    )
    if confident or not abstains:
        return CheckOutcome(score=0.0, passed=False, reason=reason)
    score = (1 + int(cause) + int(where)) / 3
    return CheckOutcome(score=score, passed=cause and where, reason=reason)


def check_clarify(check: ClarifyCheck, answer: str) -> CheckOutcome:
    """Pass when the answer asks a question ('?'), names at least two of the
    candidate options, and does not commit (no "I'll assume…", no computed
    decimal result). Asking without naming two options scores 0.5."""
    folded = fold_same_length(answer)
    named = sum(
        1 for o in check.options if normalise_id(o) and id_pattern(normalise_id(o)).search(folded)
    )
    asks = "?" in answer
    commits = bool(_COMMIT_RE.search(answer)) or any(
        not n.is_integer for n in extract_numbers(answer)
    )
    need = min(2, len(check.options))
    reason = (
        f"clarify:question={int(asks)},options={named}/{len(check.options)},commits={int(commits)}"
    )
    if asks and named >= need and not commits:
        return CheckOutcome(score=1.0, passed=True, reason=reason)
    if asks and not commits:
        return CheckOutcome(score=0.5, passed=False, reason=reason)
    return CheckOutcome(score=0.0, passed=False, reason=reason)

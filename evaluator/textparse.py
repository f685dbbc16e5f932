"""Pure text helpers shared by the answer checks and the hallucination rule:
number extraction (skipping dates, times and digits that belong to names),
timestamp canonicalisation, identifier normalisation and JSON extraction.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# ISO-ish timestamps: 2020-06-01, 2020-06-01T03:00, 2020-06-01 03:00:00
_TS_RE = re.compile(
    r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?![\w-])"
)
_TIME_RE = re.compile(r"(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])")
# A number: optional sign (only when not glued to a word), thousands groups,
# decimals, exponent. The lookbehind keeps "CWC04006" and "T1" out.
_NUM_RE = re.compile(
    r"(?<![\w.\-])(?P<sign>[-+−])?(?P<body>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?P<exp>[eE][-+]?\d+)?(?P<pct>\s?%)?(?![\d])"
)
# Capitalised words that introduce a quantity rather than name an asset:
# "Total 42" is a value, "Chiller 6" is a name.
VALUE_LEAD_WORDS = {
    "total",
    "average",
    "avg",
    "mean",
    "sum",
    "count",
    "answer",
    "value",
    "result",
    "approximately",
    "about",
    "roughly",
    "around",
    "is",
    "was",
    "max",
    "min",
    "maximum",
    "minimum",
    "median",
    "peak",
    "forecast",
    "estimate",
    "estimated",
    "approx",
    "ca",
    "score",
    "rate",
    "ratio",
    "mtbf",
    "mttr",
    "kpi",
    "equals",
    "of",
    "at",
    "to",
}
_NAME_WORD_RE = re.compile(r"([A-Z][A-Za-z]*)\s+$")


@dataclass(frozen=True)
class NumberToken:
    value: float
    start: int
    end: int
    percent: bool
    is_integer: bool


def canonical_timestamp(match: re.Match[str]) -> str:
    y, mo, d, h, mi, s = match.groups()
    if h is None:
        return f"{y}-{mo}-{d}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s or '00'}"


def canonicalise_timestamps(text: str) -> str:
    """Rewrite every ISO-like timestamp to ``YYYY-MM-DD[THH:MM:SS]`` so that
    "2020-06-01 03:00" and "2020-06-01T03:00:00" compare equal."""
    return _TS_RE.sub(canonical_timestamp, text)


@lru_cache(maxsize=1)
def _alias_re() -> re.Pattern[str]:
    """Every asset alias with a digit in it ("chiller no. 6", "CH-6",
    "CQPA air handler 2B"), longest first: a task may name an asset that
    way, and the digit of a name is not a value."""
    from services.assetdata.aliases import table

    forms = {
        f for forms in table().asset_aliases.values() for f in forms if any(c.isdigit() for c in f)
    }
    body = "|".join(
        re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _any_alias() -> tuple[re.Pattern[str], dict[str, str]]:
    from services.assetdata.aliases import normalise, table

    canonical = {normalise(f): name for name, forms in table().asset_aliases.items() for f in forms}
    forms = sorted({f for forms in table().asset_aliases.values() for f in forms}, key=len)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in reversed(forms))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), canonical


def canonical_mentions(text: str) -> str:
    """The text with every asset alias ("CH-6", "chiller no. 6", "the York
    machine in Central Plant B1") written as the asset's canonical name: an
    alias names exactly one asset, so an answer may use either."""
    from services.assetdata.aliases import normalise

    pattern, canonical = _any_alias()
    return pattern.sub(lambda m: canonical.get(normalise(m.group(0)), m.group(0)), text)


def _masked_spans(text: str, names: bool = False) -> list[tuple[int, int]]:
    spans = [m.span() for m in _TS_RE.finditer(text)]
    spans += [m.span() for m in _TIME_RE.finditer(text)]
    if names:
        spans += [m.span() for m in _alias_re().finditer(text)]
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _is_name_digit(text: str, start: int, body: str) -> bool:
    """True for integers that are part of a name: "Chiller 6", "AHU 1"."""
    if "." in body or "," in body:
        return False
    m = _NAME_WORD_RE.search(text[max(0, start - 40) : start])
    if not m:
        return False
    return m.group(1).lower() not in VALUE_LEAD_WORDS


def extract_numbers(text: str, *, skip_names: bool = True) -> list[NumberToken]:
    """Numbers in reading order, without dates/times, digits glued to words
    (ids like "WO12345") and, if ``skip_names``, integers that follow a
    capitalised word ("Chiller 6")."""
    masked = _masked_spans(text, names=skip_names)
    out: list[NumberToken] = []
    for m in _NUM_RE.finditer(text):
        if _inside(m.start("body"), masked):
            continue
        body = m.group("body")
        if skip_names and _is_name_digit(text, m.start(), body):
            continue
        raw = body.replace(",", "") + (m.group("exp") or "")
        try:
            value = float(raw)
        except ValueError:  # pragma: no cover - regex guarantees a float literal
            continue
        if not math.isfinite(value):
            continue
        if m.group("sign") in ("-", "−"):
            value = -value
        out.append(
            NumberToken(
                value=value,
                start=m.start(),
                end=m.end(),
                percent=bool(m.group("pct")),
                is_integer=("." not in body and not m.group("exp")),
            )
        )
    return out


# A decimal comma ("75,2"): one to three digits after the comma, no other
# comma or point around it (so "1,234,567" and "2020-06-01, 12" are not).
_DECIMAL_COMMA_RE = re.compile(r"(?<![\w.,])([-+]?\d+),(\d{1,3})(?![\w,]|\.\d)")
# A template placeholder left in place of a value: "{value}", "{{ asset_ids }}".
_PLACEHOLDER_RE = re.compile(r"\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}?")


def decimal_comma_numbers(text: str) -> list[float]:
    """The numbers ``text`` writes with a decimal comma, read as decimals
    ("75,2" -> 75.2); ``extract_numbers`` reads them as two numbers."""
    return [float(f"{a}.{b}") for a, b in _DECIMAL_COMMA_RE.findall(text)]


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALE, "point", "and", "minus", "negative"])
_WORD_RUN_RE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}))*\b", re.IGNORECASE)


def _words_value(words: list[str]) -> float | None:
    sign = -1.0 if words and words[0] in ("minus", "negative") else 1.0
    words = words[1:] if sign < 0 else words
    if "point" in words:
        cut = words.index("point")
        whole, fraction = words[:cut], words[cut + 1 :]
        if not fraction or any(w not in _UNITS[:10] for w in fraction):
            return None
        head = _words_value(whole) if whole else 0.0
        if head is None:
            return None
        digits = "".join(str(_WORD_VALUE[w]) for w in fraction)
        return sign * float(f"{int(head)}.{digits}")
    total, current = 0, 0
    for w in words:
        if w == "and":
            continue
        if w in _WORD_VALUE:
            current += _WORD_VALUE[w]
        elif w in _SCALE:
            if w == "hundred":
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * _SCALE[w]
                current = 0
        else:
            return None
    return sign * float(total + current) if words else None


def number_words(text: str) -> list[float]:
    """The numbers ``text`` writes out in English words ("seventy-five point
    two" -> 75.2, "two hundred and eighty-eight" -> 288); a lone "one" or
    "and" is ordinary English, not a number."""
    out = []
    for m in _WORD_RUN_RE.finditer(text):
        words = [w.casefold() for w in re.split(r"[\s-]+", m.group(0))]
        while words and words[-1] in ("and", "point", "minus", "negative"):
            words.pop()
        if not words or words == ["one"] or all(w == "and" for w in words):
            continue
        value = _words_value(words)
        if value is not None:
            out.append(value)
    return out


def template_placeholders(text: str) -> list[str]:
    """Unfilled template placeholders in ``text`` ("{value}", "{{name}}");
    a JSON object's braces are not ("{"status": ...}")."""
    return _PLACEHOLDER_RE.findall(text)


def doubled_text(text: str, min_chars: int = 6) -> bool:
    """``text`` opens with one passage written twice, back to back ("75.2
    kW75.2 kW", or a JSON object followed by the same object), and the two
    copies are most of it (a streamed reply appended to a buffer that
    already held it), possibly followed by a note on later lines: no
    answer in a requested form."""
    t = text.strip()
    # the whole answer, or its first line (a note may follow the copies)
    for part in dict.fromkeys((t, t.split("\n", 1)[0].strip())):
        for n in range(min_chars, len(part) - min_chars + 1):
            if part[n] != part[0]:
                continue
            head = part[:n].strip()
            rest = part[n:].lstrip()
            if rest.startswith(head) and 3 * 2 * len(head) >= 2 * len(part):
                return any(ch.isalnum() for ch in head)
    return False


def within(actual: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    return abs(actual - expected) <= max(abs_tol, rel_tol * abs(expected), 1e-9)


def number_matches(tok: NumberToken, expected: float, rel_tol: float, abs_tol: float) -> bool:
    """A percent token matches either its face value or its fraction
    ("12.5%" matches 12.5 and 0.125)."""
    if within(tok.value, expected, rel_tol, abs_tol):
        return True
    return tok.percent and within(tok.value / 100.0, expected, rel_tol, abs_tol)


_WS_RE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\r\n'\"`*_()[]{}<>.,;:!?"


def normalise_id(text: str) -> str:
    """Case-folded, whitespace-collapsed, edge-punctuation-stripped id with
    canonical timestamps."""
    s = canonicalise_timestamps(str(text))
    s = _WS_RE.sub(" ", s).strip(_EDGE_PUNCT)
    return s.casefold()


def id_pattern(normalised_id: str) -> re.Pattern[str]:
    """Regex finding an id inside case-folded text: whitespace-flexible and
    bounded so "WO12" does not match inside "WO123"."""
    parts = [re.escape(p) for p in normalised_id.split(" ")]
    body = r"\s+".join(parts)
    return re.compile(r"(?<![\w-])" + body + r"(?![\w-])")


def fold_same_length(text: str) -> str:
    """Lower-case character by character, keeping positions aligned with the
    original text (``str.casefold`` may change lengths, e.g. "ß" -> "ss")."""
    return "".join(c if len(c.casefold()) != 1 else c.casefold() for c in text)


_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any | None:
    """The JSON value in an answer: the whole text, a fenced ```json block,
    or the first balanced {...} / [...] that parses. None if nothing parses."""
    candidates = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE_RE.finditer(text)]
    for cand in candidates:
        if not cand:
            continue
        try:
            return json.loads(cand, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            pass
    for opener, closer in (("{", "}"), ("[", "]")):
        start = text.find(opener)
        while start != -1:
            end = _balanced_end(text, start, opener, closer)
            if end != -1:
                try:
                    return json.loads(text[start : end + 1], parse_constant=_reject_constant)
                except (ValueError, RecursionError):
                    pass
            start = text.find(opener, start + 1)
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite JSON constant {name}")


def _balanced_end(text: str, start: int, opener: str, closer: str) -> int:
    depth = 0
    in_str = False
    escape = False
    for i in range(start, min(len(text), start + 200_000)):
        ch = text[i]
        if in_str:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i
    return -1

"""Scrubbing of free-text failure statements (LLM-proposed ones above all):
no canaries, no scenario text, no asset-specific values survive.

Order matters: canaries first, then long overlaps with the scenario text,
then known entity strings, then anything that looks like an id, timestamp,
asset name, number or quotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hidden_scenarios.schema import CANARY_RE

_QUOTED_RE = re.compile(r"[\"“”'`‘’][^\"“”'`‘’]{2,80}[\"“”'`‘’]")
_TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")
_ID_RE = re.compile(r"(?<![\w-])(?=[\w-]*\d)[A-Za-z0-9][\w-]*(?![\w-])")
_ASSET_RE = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]*\s+){1,3}\d+(?![\w.-])")
_NUMBER_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_HEX_RE = re.compile(r"\b[0-9a-f]{8,}\b", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_OVERLAP_WORDS = 4
MAX_STATEMENT_CHARS = 200


def _overlap_spans(text: str, source: str, n: int) -> list[tuple[int, int]]:
    """Spans of ``text`` that repeat a run of >= n consecutive words of ``source``."""
    src_words = [w.lower() for w in _WORD_RE.findall(source)]
    grams = {tuple(src_words[i : i + n]) for i in range(len(src_words) - n + 1)}
    if not grams:
        return []
    toks = list(_WORD_RE.finditer(text))
    spans: list[tuple[int, int]] = []
    for i in range(len(toks) - n + 1):
        if tuple(t.group(0).lower() for t in toks[i : i + n]) in grams:
            spans.append((toks[i].start(), toks[i + n - 1].end()))
    return spans


def scrub(text: str, *, scenario_texts: Iterable[str] = (), entities: Iterable[str] = ()) -> str:
    """Generic version of ``text``: canaries, >=4-word overlaps with any
    scenario text, known entities, quotes, ids, timestamps, asset names and
    numbers are replaced by placeholders; result capped at 200 chars."""
    out = CANARY_RE.sub("<redacted>", text)
    out = re.sub(r"CANARY-[0-9A-Za-z]*", "<redacted>", out)  # partial or mangled canaries
    for src in scenario_texts:
        spans = _overlap_spans(out, src, _OVERLAP_WORDS)
        for a, b in sorted(spans, reverse=True):
            out = out[:a] + "<task text>" + out[b:]
    for ent in sorted({e for e in entities if e and len(e) >= 3}, key=len, reverse=True):
        # whole words only: a site called "MAIN" must not turn "remaining"
        # into "re<entity>ing" (nor "None" make "<entity>xistent")
        pattern = rf"(?<![A-Za-z0-9]){re.escape(ent)}(?![A-Za-z0-9])"
        out = re.sub(pattern, "<entity>", out, flags=re.IGNORECASE)
    out = _QUOTED_RE.sub("<text>", out)
    out = _TS_RE.sub("<time>", out)
    out = _ASSET_RE.sub("<asset>", out)
    out = _HEX_RE.sub("<id>", out)
    out = _ID_RE.sub("<id>", out)
    out = _NUMBER_RE.sub("<value>", out)
    out = re.sub(r"(<task text>\W*){2,}", "<task text> ", out)
    out = _WS_RE.sub(" ", out).strip()
    if len(out) > MAX_STATEMENT_CHARS:
        out = out[: MAX_STATEMENT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return out


def is_clean(text: str, *, scenario_texts: Iterable[str] = ()) -> bool:
    """True when ``text`` holds no canary and no >=4-word scenario overlap."""
    if CANARY_RE.search(text) or "CANARY-" in text:
        return False
    return not any(_overlap_spans(text, s, _OVERLAP_WORDS) for s in scenario_texts)

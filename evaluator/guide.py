"""Participant-facing words for failure clusters (issue 19): a label a
participant understands and one line on what to check in the agent, per
taxonomy code, from ``evaluator/data/failure_guide.yaml`` (data, not code).
Novel clusters get a generic text built from their c-TF-IDF label."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

GUIDE_FILE = Path(__file__).resolve().parent / "data" / "failure_guide.yaml"


@lru_cache(maxsize=1)
def _guide() -> dict:
    return yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))


def explain(code: str | None, label: str = "") -> tuple[str, str]:
    """(title, what to check) for a cluster with taxonomy ``code`` (None for
    a novel cluster, described by its ``label``: c-TF-IDF terms joined by
    " / ", or an LLM-written title)."""
    guide = _guide()
    entry = guide["codes"].get(code or "")
    if entry:
        return entry["title"], entry["check"]
    terms = ", ".join(t.strip() for t in label.split("/") if t.strip()) or "no common terms"
    novel = guide["novel"]
    return novel["title"].format(terms=terms), novel["check"].format(terms=terms)

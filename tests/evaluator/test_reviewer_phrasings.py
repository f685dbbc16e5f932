"""Every defect of the diagnosis benchmark has scripted-reviewer phrasings in
both styles (issue 19): a defect without them gets only generic symptom
statements, so its diagnosis figure would measure nothing about the defect."""

from __future__ import annotations

import yaml
from defect_agent_support import DEFECTS

from bench.diagnosis import mock_llm


def test_every_defect_has_phrasings_in_both_styles() -> None:
    defects = yaml.safe_load(DEFECTS.read_text())["defects"]
    missing = sorted(set(defects) - set(mock_llm.PATTERNS))
    assert not missing, f"no reviewer phrasings for {missing}"
    assert not set(mock_llm.PATTERNS) - set(defects), "phrasings for an unknown defect"
    for name in defects:
        patterns = mock_llm.PATTERNS[name]
        for half in ("tune", "heldout"):
            assert mock_llm.half_of(patterns, half), f"{name}: no {half} phrasing"
        for pattern in patterns:
            assert isinstance(pattern, tuple) and len(pattern) == 2, name
            assert all(isinstance(part, str) and part.strip() for part in pattern), name

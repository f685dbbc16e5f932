"""The template registry (order fixes scenario numbering within a set)."""

from __future__ import annotations

from hidden_scenarios.templates import clarify, fmsr, iot, multi, tsfm, wo
from hidden_scenarios.templates.base import Template

ALL_TEMPLATES: list[Template] = [
    *iot.TEMPLATES,
    *fmsr.TEMPLATES,
    *tsfm.TEMPLATES,
    *wo.TEMPLATES,
    *multi.TEMPLATES,
    *clarify.TEMPLATES,
]
TEMPLATES_BY_ID: dict[str, Template] = {t.id: t for t in ALL_TEMPLATES}
assert len(TEMPLATES_BY_ID) == len(ALL_TEMPLATES), "template ids must be unique"

"""The engine's ground-truth kinds, by id. A kind holds no scenario text: a
scenario pack binds each to phrasings and counts (hidden_scenarios/pack.py)."""

from __future__ import annotations

from hidden_scenarios.templates import (
    actions,
    chains,
    clarify,
    dialog,
    evidence,
    fmsr,
    iot,
    multi,
    tsfm,
    wo,
)
from hidden_scenarios.templates.base import Template

_ALL: list[Template] = [
    *iot.TEMPLATES,
    *fmsr.TEMPLATES,
    *tsfm.TEMPLATES,
    *wo.TEMPLATES,
    *multi.TEMPLATES,
    *clarify.TEMPLATES,
    *dialog.TEMPLATES,
    *actions.TEMPLATES,
    *evidence.TEMPLATES,
    *chains.TEMPLATES,
]
KINDS: dict[str, Template] = {t.id: t for t in _ALL}
assert len(KINDS) == len(_ALL), "kind ids must be unique"

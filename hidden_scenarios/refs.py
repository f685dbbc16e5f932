"""References between reference-plan steps.

A reference-plan argument may name a value returned by an earlier step, e.g.
``{"dataset_id": "${step0.dataset_id}"}``: the TSFM step consumes the dataset
handle the IoT history step returned. The oracle substitutes them at run
time; graders that compare a submitted plan with the reference plan treat a
reference as "any value" (the agent cannot know the handle in advance).
"""

from __future__ import annotations

import re
from typing import Any

REF_RE = re.compile(r"^\$\{step(\d+)\.([A-Za-z_]\w*)\}$")


def step_ref(step_index: int, field: str) -> str:
    return f"${{step{step_index}.{field}}}"


def parse_ref(value: Any) -> tuple[int, str] | None:
    if not isinstance(value, str):
        return None
    m = REF_RE.match(value)
    return (int(m.group(1)), m.group(2)) if m else None

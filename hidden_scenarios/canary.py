"""Canary strings: one per concrete scenario, ``CANARY-`` + 16 hex digits.

A canary is derived from the set's seed and the scenario id, so the same
seed gives the same canaries (reproducible exports) while a secret hidden
seed gives canaries nobody can predict. It is embedded in the task text and
kept in ``Scenario.canary`` so privacy tests can scan any dump, response or
log for ``CANARY_RE`` and prove nothing per-scenario leaked.
"""

from __future__ import annotations

import hashlib

from hidden_scenarios.schema import CANARY_RE

CANARY_PREFIX = "CANARY-"


def make_canary(namespace: str, scenario_id: str) -> str:
    """``namespace`` is the set's seed (or a file's digest for operator files)."""
    digest = hashlib.sha256(f"canary\x1f{namespace}\x1f{scenario_id}".encode()).hexdigest()
    return CANARY_PREFIX + digest[:16]


def with_canary(text: str, canary: str) -> str:
    """Append the canary as a trailing reference tag (once)."""
    if canary in text:
        return text
    return f"{text.rstrip()}\n\n[ref {canary}]"


def find_canaries(blob: str) -> list[str]:
    return CANARY_RE.findall(blob)

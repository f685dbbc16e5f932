"""Distribution of a scenario set (no scenario text, answers or canaries)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hidden_scenarios.schema import Scenario


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _share(count: int, n: int) -> float:
    return round(count / n, 4) if n else 0.0


def is_evidence(s: Scenario) -> bool:
    """Insufficient or conflicting evidence: a kind of the ``evidence.``
    group (hidden_scenarios/templates/evidence.py), or any insufficient check."""
    return (s.kind or s.template).startswith("evidence.") or s.expectation.check.kind == (
        "insufficient"
    )


# A template's instances from which a repeated answer is worth flagging, and
# the share of them one expected answer may take before it is (a constant
# guess would pass that share of the template without reading any data).
ANSWER_REPEAT_MIN_INSTANCES = 4
ANSWER_REPEAT_MAX_SHARE = 0.5


def answer_repeats(scenarios: Sequence[Scenario]) -> dict[str, float]:
    """Per template with at least ``ANSWER_REPEAT_MIN_INSTANCES`` instances:
    the share of them whose expected answer (the whole check) is the most
    common one, for the templates over ``ANSWER_REPEAT_MAX_SHARE`` only. A
    share and a template id: no answer is shown."""
    by: dict[str, list[str]] = {}
    for s in scenarios:
        check = json.dumps(s.expectation.check.model_dump(mode="json"), sort_keys=True)
        by.setdefault(s.template, []).append(check)
    out: dict[str, float] = {}
    for template, checks in sorted(by.items()):
        if len(checks) < ANSWER_REPEAT_MIN_INSTANCES:
            continue
        share = Counter(checks).most_common(1)[0][1] / len(checks)
        if share > ANSWER_REPEAT_MAX_SHARE:
            out[template] = round(share, 4)
    return out


def set_stats(scenarios: Sequence[Scenario]) -> dict[str, Any]:
    n = len(scenarios)
    faulted = [s for s in scenarios if s.faults]
    dialog = sum(1 for s in scenarios if s.clarification is not None)
    action = sum(1 for s in scenarios if s.expectation.action is not None)
    evidence = sum(1 for s in scenarios if is_evidence(s))
    return {
        "total": n,
        "family": _counts([s.family for s in scenarios]),
        "task_type": _counts([s.task_type for s in scenarios]),
        "category": _counts([s.category for s in scenarios]),
        "track": _counts([t for s in scenarios for t in s.tracks]),
        "output_format": _counts([s.output_format for s in scenarios]),
        "check": _counts([s.expectation.check.kind for s in scenarios]),
        "template": _counts([s.template for s in scenarios]),
        "faulted": len(faulted),
        "fault_share": _share(len(faulted), n),
        "fault_kind": _counts([f.kind for s in faulted for f in s.faults]),
        "ambiguous": sum(1 for s in scenarios if s.ambiguous),
        "multi_family": sum(1 for s in scenarios if len(s.expectation.family_order) > 1),
        "kinds": len({s.kind or s.template for s in scenarios}),
        "kind": _counts([s.kind or s.template for s in scenarios]),
        # issue 17: what breaks industrial agents (each share of the whole set)
        "dialog": dialog,
        "dialog_share": _share(dialog, n),
        "action": action,
        "action_share": _share(action, n),
        "evidence": evidence,
        "evidence_share": _share(evidence, n),
        # templates whose instances mostly expect one same answer
        "answer_repeats": answer_repeats(scenarios),
    }


def distribution_signature(scenarios: Sequence[Scenario]) -> dict[str, Any]:
    """The parts of the stats that must not depend on the seed."""
    st = set_stats(scenarios)
    return {
        k: st[k]
        for k in (
            "total",
            "family",
            "task_type",
            "category",
            "track",
            "output_format",
            "check",
            "template",
            "faulted",
            "ambiguous",
        )
    }

"""Repeated attempts (issue 18): a phase's k runs of every scenario, as
copies the runner runs like any scenario, and back. Pure (no I/O): used by
the worker's pipeline, ``assetops validate --attempts`` and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ATTEMPT_SEPARATOR = ".a"  # "<id>.a2": letters, digits, '.', '-' like every scenario id


def expand_attempts(
    scenarios: Sequence[Any], attempts: int, taken: set[str] | frozenset[str] = frozenset()
) -> tuple[list[Any], dict[str, tuple[str, int]]]:
    """The extra runs of a phase with ``attempts`` = k: copies of every
    scenario for attempts 2..k, in rounds (all of attempt 2, then all of
    attempt 3, ...), so that the attempts of one scenario are spread over the
    evaluation, not run side by side. Attempt 1 keeps the scenario's own id.
    Returns the copies and ``run id -> (scenario id, attempt)`` for every
    attempt, attempt 1 included. Each copy is run like any scenario: its own
    container, run token, fault plan, tool log and LLM budget."""
    ids = {s.id for s in scenarios}
    mapping: dict[str, tuple[str, int]] = {s.id: (s.id, 1) for s in scenarios}
    copies: list[Any] = []
    for n in range(2, attempts + 1):
        for s in scenarios:
            run_id = f"{s.id}{ATTEMPT_SEPARATOR}{n}"
            if run_id in ids or run_id in taken or run_id in mapping:
                raise ValueError(f"attempt id {run_id!r} collides with a scenario id")
            mapping[run_id] = (s.id, n)
            copies.append(s.model_copy(update={"id": run_id}))
    return copies, mapping


def attempt_runs(runs: Sequence[Any], mapping: dict[str, tuple[str, int]]) -> list[Any]:
    """The runs of the scored scenarios, renamed back to their scenario id
    with their attempt number (probe and comparison runs are left out)."""
    out = []
    for run in runs:
        if run.scenario_id in mapping:
            sid, n = mapping[run.scenario_id]
            out.append(run.model_copy(update={"scenario_id": sid, "attempt": n}))
    return out

"""The oracle solves every scenario of the public set and of a hidden set
against the real asset-data service (in-process uvicorn on 127.0.0.1, a free
port, evaluation mode: run tokens, fault plans and the tool-call log), and
every answer passes the evaluator's check. This is the proof that every
scenario is solvable and every expectation consistent with the tools."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evaluator import ScenarioScore
from evaluator.checks import check_answer
from hidden_scenarios import sets
from hidden_scenarios.schema import Scenario
from hidden_scenarios.verify import asset_service, problems_of, run_oracle


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with asset_service(sets.plant_context().plant, tmp_path_factory.mktemp("runs")) as svc:
        yield svc


def _check_set(
    base: str, runs: Path, scenarios: list[Scenario], prefix: str
) -> list[ScenarioScore]:
    """Every scenario solved by the oracle, by ``hidden_scenarios.verify``'s
    rules (the ones ``pack validate`` applies): full retrieval accuracy in
    both tracks, the answer passes its check, every injected fault fired and
    was recovered, every required retrieval is in the tool log."""
    failures: dict[str, list[str]] = {}
    scores: list[ScenarioScore] = []
    for s in scenarios:
        run = run_oracle(base, runs, s, prefix)
        scores += run.scores
        problems = problems_of(run)
        if problems:
            failures[s.id] = [f"{s.template}: {p}" for p in problems]
    assert not failures, json.dumps(failures, indent=1)
    return scores


def test_oracle_solves_public_set(service) -> None:
    base, runs = service
    scenarios = sets.public_set()
    assert len(scenarios) >= 30
    _check_set(base, runs, scenarios, "pub")


def test_oracle_solves_hidden_set(service, hidden_a) -> None:
    base, runs = service
    scenarios = hidden_a
    assert len(scenarios) >= 150
    scores = _check_set(base, runs, scenarios, "hid")
    # The evaluator agrees: the reference solver is a near-perfect agent.
    execution = [sc for sc in scores if sc.track == "execution"]
    assert all(sc.answer_check is not None and sc.answer_check.passed for sc in execution)
    mean_overall = sum(sc.overall for sc in scores) / len(scores)
    assert mean_overall >= 0.95, mean_overall
    assert sum(sc.passed for sc in scores) / len(scores) >= 0.95


def _clearly_different(a: Any, b: Any) -> bool:
    """Two checks whose right answers cannot both satisfy the other."""
    if a.kind != b.kind:
        return False
    if a.kind == "number":
        tol = 3 * max(a.abs_tol, b.abs_tol, a.rel_tol * abs(a.value), b.rel_tol * abs(b.value))
        return abs(a.value - b.value) > tol
    if a.kind == "ids":
        x, y = {i.lower() for i in a.ids}, {i.lower() for i in b.ids}
        return len(x & y) / len(x | y) < 0.5
    if a.kind == "facts":
        x = {alt.lower() for alts in a.required for alt in alts}
        y = {alt.lower() for alts in b.required for alt in alts}
        return not x & y
    if a.kind == "clarify":
        return len({o.lower() for o in a.options} & {o.lower() for o in b.options}) < 2
    if a.kind == "json":
        for k, v in a.fields.items():
            w = b.fields.get(k)
            if isinstance(v, bool | str):
                if w is not None and str(w).lower() != str(v).lower():
                    return True
            elif isinstance(v, int | float) and isinstance(w, int | float):
                tol = 3 * max(a.abs_tol, b.abs_tol, a.rel_tol * abs(v))
                if abs(v - w) > tol:
                    return True
        return set(a.fields) != set(b.fields)
    return False


def test_wrong_answers_fail_the_checks(service, hidden_a) -> None:
    """The checks are not vacuous: the oracle answer of one scenario does not
    pass another scenario of the same template with a different answer."""
    base, runs = service
    scenarios = sets.public_set()
    by_template: dict[str, list[Scenario]] = {}
    for s in hidden_a:
        by_template.setdefault(s.template, []).append(s)
    crossed = 0
    for s in scenarios:
        others = [
            o
            for o in by_template.get(s.template, [])
            if _clearly_different(o.expectation.check, s.expectation.check)
        ]
        if not others:
            continue
        answer = run_oracle(base, runs, s, "cross").answer
        other = others[0]
        assert not check_answer(other.expectation.check, answer).passed, (s.id, other.id)
        crossed += 1
    assert crossed >= 20

"""The oracle solves every scenario of the public set and of a hidden set
against the real asset-data service (in-process uvicorn on 127.0.0.1, a free
port, evaluation mode: run tokens, fault plans and the tool-call log), and
every answer passes the evaluator's check. This is the proof that every
scenario is solvable and every expectation consistent with the tools."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from contracts.agent import AgentResult
from contracts.run import ScenarioRun
from contracts.toollog import RunPlan, ToolCallRecord
from evaluator import ScenarioScore, score_run
from evaluator.checks import check_answer
from evaluator.retrieval import Call, requirement_met, usable_record
from hidden_scenarios import sets
from hidden_scenarios.oracle import solve
from hidden_scenarios.schema import Scenario
from hidden_scenarios.validate import canonical_tool
from services.assetdata.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    runs = tmp_path_factory.mktemp("runs")
    app = create_app(plant=sets.plant_context().plant, runs_dir=runs, timeout_delay=0.05)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:  # pragma: no cover
        pytest.fail("asset-data service did not start")
    yield base, runs
    server.should_exit = True
    thread.join(timeout=10)


def _run(
    base: str, runs: Path, scenario: Scenario, prefix: str
) -> tuple[AgentResult, list[ToolCallRecord]]:
    token = f"{prefix}-{scenario.id}"
    plan = RunPlan(run_token=token, faults=scenario.faults, clarification=scenario.clarification)
    (runs / "plans" / f"{token}.json").write_text(plan.model_dump_json())
    result = solve(scenario, base, run_token=token)
    log = runs / "logs" / f"{token}.jsonl"
    records = [ToolCallRecord.model_validate_json(line) for line in log.read_text().splitlines()]
    return result, records


def _check_set(
    base: str, runs: Path, scenarios: list[Scenario], prefix: str
) -> list[ScenarioScore]:
    failures: dict[str, str] = {}
    scores: list[ScenarioScore] = []
    for s in scenarios:
        result, records = _run(base, runs, s, prefix)
        answer = result.answer
        for track in s.tracks:
            run = ScenarioRun(scenario_id=s.id, track=track, result=result, tool_calls=records)
            sc = score_run(s, run)
            scores.append(sc)
            # Following the reference plan earns full retrieval accuracy in
            # both tracks (the executed log and the executed plan).
            if sc.retrieval_accuracy.score < 1.0:
                failures[s.id] = f"{s.template}/{track}: {sc.retrieval_accuracy.reason}"
        outcome = check_answer(s.expectation.check, answer)
        if not outcome.passed:
            failures[s.id] = f"{s.template}: {outcome.reason} answer={answer[:200]!r}"
            continue
        # The faults really fired, and the oracle recovered by retrying.
        for f in s.faults:
            tool = canonical_tool(f.tool)
            calls = [r for r in records if r.tool == tool]
            injected = [r for r in calls if r.injected_fault == f.kind]
            if not injected or calls[-1].injected_fault is not None:
                failures[s.id] = f"{s.template}: fault {f.kind} on {tool} not seen/recovered"
        # Every required retrieval is in the authoritative tool log, by the
        # evaluator's own rule (a single clean call performs it).
        for req in s.expectation.required_retrievals:
            ok = [Call(r.tool, r.arguments) for r in records if usable_record(r)]
            if not any(requirement_met(req, [c])[0] for c in ok):
                failures[s.id] = f"{s.template}: required {req.tool} {req.arguments} not in log"
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
        answer = _run(base, runs, s, "cross")[0].answer
        other = others[0]
        assert not check_answer(other.expectation.check, answer).passed, (s.id, other.id)
        crossed += 1
    assert crossed >= 20

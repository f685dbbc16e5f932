"""Run the reference solver over a scenario set against the real asset-data
service and report every scenario it cannot solve (``pack validate``, the
oracle tests).

The service runs in-process on a free loopback port in evaluation mode (run
tokens, fault plans, the authoritative tool-call log), exactly as a
sandbox's sidecar serves it. A scenario fails when the oracle's answer does
not pass its check, a required retrieval is not in the tool log, following
the reference plan does not earn full retrieval credit, or an injected fault
did not fire and get recovered from.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hidden_scenarios.schema import Scenario


@dataclass
class OracleRun:
    scenario: Scenario
    answer: str
    records: list[Any]
    scores: list[Any] = field(default_factory=list)  # one ScenarioScore per track


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def asset_service(
    plant: Any, runs_dir: Path | None = None, *, start_timeout_s: float = 30.0
) -> Iterator[tuple[str, Path]]:
    """(base URL, runs dir) of an in-process asset-data service over ``plant``."""
    import uvicorn

    from services.assetdata.app import create_app

    with tempfile.TemporaryDirectory(prefix="arena-oracle-") as tmp:
        runs = runs_dir or Path(tmp)
        app = create_app(plant=plant, runs_dir=runs, timeout_delay=0.05)
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError("the asset-data service did not start")
            time.sleep(0.05)
        try:
            yield base, runs
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def run_oracle(
    base: str, runs: Path, scenario: Scenario, prefix: str, pack: Any = None
) -> OracleRun:
    from contracts.toollog import RunPlan, ToolCallRecord
    from hidden_scenarios.oracle import solve

    token = f"{prefix}-{scenario.id}"
    plan = RunPlan(run_token=token, faults=scenario.faults, clarification=scenario.clarification)
    (runs / "plans").mkdir(parents=True, exist_ok=True)
    (runs / "plans" / f"{token}.json").write_text(plan.model_dump_json())
    result = solve(scenario, base, run_token=token, pack=pack)
    log = runs / "logs" / f"{token}.jsonl"
    lines = log.read_text().splitlines() if log.exists() else []
    records = [ToolCallRecord.model_validate_json(line) for line in lines]
    run = OracleRun(scenario, result.answer, records)
    run.scores = [_score(scenario, track, result, records) for track in scenario.tracks]
    return run


def _score(scenario: Scenario, track: str, result: Any, records: list[Any]) -> Any:
    from contracts.run import ScenarioRun
    from evaluator import score_run

    run = ScenarioRun(scenario_id=scenario.id, track=track, result=result, tool_calls=records)
    return score_run(scenario, run)


def problems_of(run: OracleRun) -> list[str]:
    """Why the oracle's run of a scenario does not prove it solvable (empty: it does)."""
    from evaluator.checks import check_answer
    from evaluator.retrieval import Call, requirement_met, usable_record
    from hidden_scenarios.validate import canonical_tool

    s = run.scenario
    out: list[str] = []
    for sc in run.scores:
        if sc.retrieval_accuracy.score < 1.0:
            out.append(f"{sc.track}: retrieval {sc.retrieval_accuracy.reason}")
    outcome = check_answer(s.expectation.check, run.answer)
    if not outcome.passed:
        out.append(f"answer fails its check ({outcome.reason}): {run.answer[:200]!r}")
        return out
    for f in s.faults:
        tool = canonical_tool(f.tool)
        calls = [r for r in run.records if r.tool == tool]
        injected = [r for r in calls if r.injected_fault == f.kind]
        if not injected or calls[-1].injected_fault is not None:
            out.append(f"fault {f.kind} on {tool} not seen or not recovered")
    # the evaluator's rule: a genuinely empty answer is evidence too
    ok = [Call(r.tool, r.arguments) for r in run.records if usable_record(r)]
    for req in s.expectation.required_retrievals:
        if not any(requirement_met(req, [c])[0] for c in ok):
            out.append(f"required {req.tool} {req.arguments} not in the tool log")
    return out


def verify_set(
    scenarios: list[Scenario], plant: Any, prefix: str = "verify", pack: Any = None
) -> tuple[dict[str, list[str]], list[OracleRun]]:
    """Problems per scenario id (only scenarios with problems) and every run."""
    failures: dict[str, list[str]] = {}
    runs_out: list[OracleRun] = []
    with asset_service(plant) as (base, runs):
        for s in scenarios:
            try:
                run = run_oracle(base, runs, s, prefix, pack)
            except Exception as e:  # the oracle could not even finish
                failures[s.id] = [f"oracle error: {type(e).__name__}: {str(e)[:300]}"]
                continue
            runs_out.append(run)
            problems = problems_of(run)
            if problems:
                failures[s.id] = problems
    return failures, runs_out

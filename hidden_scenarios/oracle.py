"""Reference solver: executes a scenario's reference plan over HTTP against
a running asset-data service and composes the answer from the tool
responses (never from the expectation). It proves every scenario is
solvable and every check consistent with what the tools return.

Fault handling mirrors what a careful agent does: a 5xx/timeout, an empty
result or a warning on a call is retried (a bounded number of times) before
the response is accepted.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from contracts.agent import AgentResult, PlanStep, TrajectoryStep
from hidden_scenarios.refs import parse_ref
from hidden_scenarios.schema import Scenario
from hidden_scenarios.templates import TEMPLATES_BY_ID
from hidden_scenarios.templates import responses as R

MAX_ATTEMPTS = 6
RETRY_PAUSE_S = 0.05
MAX_OBSERVATION_CHARS = 2000


class OracleError(RuntimeError):
    pass


def _resolve(arguments: dict[str, Any], responses: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in arguments.items():
        ref = parse_ref(v)
        if ref is None:
            out[k] = v
            continue
        idx, field = ref
        value = R.ref_value(responses[idx], field)
        if value is None:
            raise OracleError(f"step {idx} returned no {field!r} for argument {k!r}")
        out[k] = value
    return out


def _call(
    client: httpx.Client, path: str, args: dict[str, Any], headers: dict[str, str]
) -> tuple[dict[str, Any], int]:
    """POST with retries on transient failures; returns (body, attempts)."""
    last: str = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp = client.post(path, json=args, headers=headers)
        except httpx.TimeoutException:
            last = "client timeout"
            time.sleep(RETRY_PAUSE_S)
            continue
        if resp.status_code >= 500 or resp.status_code in (408, 429):
            last = f"HTTP {resp.status_code}"
            time.sleep(RETRY_PAUSE_S)
            continue
        if resp.status_code >= 400:
            raise OracleError(f"{path} rejected {args}: HTTP {resp.status_code} {resp.text[:300]}")
        body = resp.json()
        if R.is_degraded(body) and attempt < MAX_ATTEMPTS:
            last = "empty/warning result"
            time.sleep(RETRY_PAUSE_S)
            continue
        return body, attempt
    raise OracleError(f"{path} still failing after {MAX_ATTEMPTS} attempts ({last})")


def solve(
    scenario: Scenario,
    base_url: str,
    run_token: str | None = None,
    *,
    timeout_s: float = 30.0,
) -> AgentResult:
    template = TEMPLATES_BY_ID.get(scenario.template)
    if template is None:
        raise OracleError(
            f"scenario {scenario.id}: no template {scenario.template!r} to compose with"
        )
    headers = {"X-Run-Token": run_token} if run_token else {}
    responses: list[dict[str, Any]] = []
    trajectory: list[TrajectoryStep] = []
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s) as client:
        for ref_step in scenario.expectation.reference_plan:
            args = _resolve(ref_step.arguments, responses)
            body, attempts = _call(client, f"/{ref_step.agent}/{ref_step.tool}", args, headers)
            responses.append(body)
            trajectory.append(
                TrajectoryStep(
                    thought=f"call {ref_step.agent}.{ref_step.tool}"
                    + (f" (succeeded after {attempts} attempts)" if attempts > 1 else ""),
                    tool=f"{ref_step.agent}.{ref_step.tool}",
                    arguments=args,
                    observation=json.dumps(body, default=str)[:MAX_OBSERVATION_CHARS],
                )
            )
    answer = template.compose(scenario.params, responses)
    plan = [
        PlanStep(agent=s.agent, tool=s.tool, arguments=dict(s.arguments))
        for s in scenario.expectation.reference_plan
    ]
    return AgentResult(answer=answer, plan=plan, trajectory=trajectory)

"""Reference solver: executes a scenario's reference plan over HTTP against
a running asset-data service and composes the answer from the tool
responses (never from the expectation). It proves every scenario is
solvable and every check consistent with what the tools return.

Fault handling mirrors what a careful agent does: a 5xx/timeout, an empty
result or a warning on a call is retried (a bounded number of times) before
the response is accepted, and the answer says which tool misbehaved.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from typing import Any

import httpx

from contracts.agent import AgentResult, PlanStep, TrajectoryStep
from hidden_scenarios.pack import Pack, load_pack
from hidden_scenarios.refs import parse_ref
from hidden_scenarios.schema import Scenario
from hidden_scenarios.templates import KINDS
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Template

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


def _problem(resp: httpx.Response | None) -> str | None:
    """What was wrong with a response worth retrying (None: usable)."""
    if resp is None:
        return "timed out"
    if resp.status_code == 504 or resp.status_code == 408:
        return "timed out"
    if resp.status_code >= 500 or resp.status_code == 429:
        return "an error"
    if resp.status_code >= 400:
        return None  # a real rejection: retrying the same call cannot help
    body = resp.json()
    if isinstance(body, dict) and body.get("warning"):
        return "a data-quality warning"
    if R.is_degraded(body):
        return "an empty result"
    return None


def _call(
    client: httpx.Client, path: str, args: dict[str, Any], headers: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """POST with retries on transient failures; returns (body, problems seen)."""
    problems: list[str] = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            resp: httpx.Response | None = client.post(path, json=args, headers=headers)
        except httpx.TimeoutException:
            resp = None
        problem = _problem(resp)
        if problem is not None and attempt < MAX_ATTEMPTS:
            problems.append(problem)
            time.sleep(RETRY_PAUSE_S)
            continue
        if resp is None or resp.status_code >= 500:
            break
        if resp.status_code >= 400:
            raise OracleError(f"{path} rejected {args}: HTTP {resp.status_code} {resp.text[:300]}")
        return resp.json(), problems
    raise OracleError(f"{path} still failing after {MAX_ATTEMPTS} attempts ({problems[-1:]})")


def _note(tool: str, problems: list[str]) -> str:
    # Digit-free on purpose: a note must not add numbers or ids to the answer.
    seen = " then ".join(dict.fromkeys(problems))
    return (
        f"Note: {tool} first returned {seen}; the call was retried and the result above "
        "uses the clean response."
    )


def _composer(scenario: Scenario, pack: Pack | None) -> Template | None:
    """The kind that composes the scenario's answer: the pack's template (a
    pack may carry kinds of its own), else the engine kind it names."""
    bound = (pack or load_pack()).template(scenario.template)
    if bound is not None and bound.kind == (scenario.kind or bound.kind):
        return bound
    return KINDS.get(scenario.kind or scenario.template)


def solve(
    scenario: Scenario,
    base_url: str,
    run_token: str | None = None,
    *,
    timeout_s: float = 30.0,
    pack: Pack | None = None,
    skip_tools: Collection[str] = (),
) -> AgentResult:
    """Follow the reference plan and compose the answer from the responses.
    ``skip_tools`` (qualified names) are left out, their responses empty:
    the behaviour agents of tests/adversarial (never ask, never act) are
    the oracle without those steps."""
    template = _composer(scenario, pack)
    if template is None:
        raise OracleError(
            f"scenario {scenario.id}: no template {scenario.template!r} to compose with"
        )
    headers = {"X-Run-Token": run_token} if run_token else {}
    responses: list[dict[str, Any]] = []
    executed: list[PlanStep] = []
    notes: list[str] = []
    trajectory: list[TrajectoryStep] = []
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s) as client:
        for ref_step in scenario.expectation.reference_plan:
            tool = f"{ref_step.agent}.{ref_step.tool}"
            if tool in skip_tools:
                responses.append({})
                continue
            args = _resolve(ref_step.arguments, responses)
            body, problems = _call(client, f"/{ref_step.agent}/{ref_step.tool}", args, headers)
            responses.append(body)
            executed.append(PlanStep(agent=ref_step.agent, tool=ref_step.tool, arguments=args))
            if problems:
                notes.append(_note(tool, problems))
            trajectory.append(
                TrajectoryStep(
                    thought=f"call {tool}"
                    + (f" (retried after {', '.join(problems)})" if problems else ""),
                    tool=tool,
                    arguments=args,
                    observation=json.dumps(body, default=str)[:MAX_OBSERVATION_CHARS],
                )
            )
    answer = template.compose(scenario.params, responses)
    if notes:
        answer = "\n".join([answer, *notes])
    # The plan reported is the one executed: references resolved to the
    # values the earlier steps returned.
    return AgentResult(answer=answer, plan=executed, trajectory=trajectory)

"""Per-scenario six-dimension rubric: ``score_run(scenario, run) -> ScenarioScore``.

Every dimension is 0..1 with a short machine reason; hallucination is a
rate. Retrieval and sequence use only the server-side tool log
(``run.tool_calls``) in the execution track, and the submitted plan in the
planning track. Rules are documented in docs/scoring.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from pydantic import ValidationError

from contracts.agent import AgentResult, PlanStep
from contracts.run import ScenarioRun
from contracts.toollog import ToolCallRecord
from contracts.tools import TOOL_ARGS
from evaluator.checks import CheckOutcome, check_answer, find_ids
from evaluator.grounding import Evidence, GroundingResult, ground_answer, ground_strings
from evaluator.models import MET_THRESHOLD, DimensionScore, ScenarioScore
from evaluator.retrieval import Call, call_is_relevant, canonical_tool, requirement_met
from evaluator.textparse import extract_json, extract_numbers, normalise_id
from hidden_scenarios.matching import step_satisfies
from hidden_scenarios.schema import ClarifyCheck, ReferenceStep, Scenario

# Words by which an answer reports a problem with the data it got.
_REPORTS_PROBLEM_RE = re.compile(
    r"\b(error|errors|fail(?:ed|ure|s)?|unavailable|not available|could not|couldn't|unable|"
    r"timed? ?out|timeout|empty|no data|missing|warning|incomplete|partial|caution|"
    r"retr(?:y|ied)|unreliable|degraded|gap)\b",
    re.IGNORECASE,
)
_CONCISE_CHARS = 1500
_VERBOSE_CHARS = 6000
_DUPLICATE_FREE = 1  # identical calls allowed once more before the sequence penalty


def _dim(score: float, reason: str, *, higher_is_better: bool = True) -> DimensionScore:
    score = min(1.0, max(0.0, round(score, 6)))
    met = score >= MET_THRESHOLD if higher_is_better else score == 0.0
    return DimensionScore(score=score, met=met, reason=reason)


def _failed_score(scenario: Scenario, run: ScenarioRun, reason: str) -> ScenarioScore:
    zero = DimensionScore(score=0.0, met=False, reason=reason)
    return ScenarioScore(
        scenario_id=scenario.id,
        track=run.track,
        family=scenario.family,
        task_type=scenario.task_type,
        task_completion=zero,
        retrieval_accuracy=zero,
        result_verification=zero,
        sequence_correctness=zero,
        clarity_justification=zero,
        # No answer means no grounded content: counted as a full rate so a
        # failed run cannot earn this dimension (docs/scoring.md).
        hallucination=DimensionScore(score=1.0, met=False, reason=reason),
        passed=False,
        run_failure=reason.split(":", 1)[1] if ":" in reason else reason,
        prompt_tokens=run.facts.prompt_tokens,
        completion_tokens=run.facts.completion_tokens,
    )


def run_failure_reason(run: ScenarioRun) -> str | None:
    f = run.facts
    if f.timed_out:
        return "run:timeout"
    if f.oom_killed:
        return "run:oom"
    if f.output_status != "ok":
        return f"run:output_{f.output_status}"
    if run.result is None:
        return "run:output_missing"
    if run.track == "planning" and not run.result.plan:
        return "run:plan_missing"
    if run.track == "execution" and not run.result.answer.strip():
        return "run:answer_empty"
    return None


def score_run(scenario: Scenario, run: ScenarioRun) -> ScenarioScore:
    if run.scenario_id != scenario.id:
        raise ValueError("run.scenario_id does not match scenario.id")
    failure = run_failure_reason(run)
    if failure is not None:
        return _failed_score(scenario, run, failure)
    assert run.result is not None
    if run.track == "planning":
        return _score_planning(scenario, run, run.result)
    return _score_execution(scenario, run, run.result)


# ---- execution track ---------------------------------------------------------
def _calls_from_log(records: list[ToolCallRecord]) -> list[Call]:
    return [
        Call(
            tool=r.tool,
            arguments=r.arguments,
            usable=r.status in ("ok", "warning") or (r.status == "empty" and not r.injected_fault),
        )
        for r in sorted(records, key=lambda r: r.seq)
    ]


def retrieval_dimension(
    scenario: Scenario, calls: list[Call], *, plan: bool = False
) -> DimensionScore:
    required = scenario.expectation.required_retrievals
    irrelevant = sum(1 for c in calls if not call_is_relevant(c, required))
    precision = 1.0 - irrelevant / len(calls) if calls else 1.0
    if not required:
        return _dim(1.0 - 0.25 * (1.0 - precision), f"retrieval:required=0,irrelevant={irrelevant}")
    outcomes = [requirement_met(r, calls, plan=plan) for r in required]
    hits = sum(1 for ok, _ in outcomes if ok)
    misses = Counter(why for ok, why in outcomes if not ok)
    coverage = hits / len(required)
    score = coverage - 0.25 * (1.0 - precision)
    miss_txt = ",".join(f"{k}={v}" for k, v in sorted(misses.items()))
    reason = f"retrieval:covered={hits}/{len(required)},irrelevant={irrelevant}"
    return _dim(score, reason + ("," + miss_txt if miss_txt else ""))


def verification_dimension(
    scenario: Scenario, records: list[ToolCallRecord], answer: str, retrieval: DimensionScore
) -> DimensionScore:
    """Share of problem events the agent handled. Events: each failed, timed
    out, injected-empty or warning call (handled by a later usable call of
    the same tool, or by reporting the problem in the answer), plus one
    event when required data was never retrieved yet the answer commits to
    a result (handled only if the answer reports it)."""
    ordered = sorted(records, key=lambda r: r.seq)
    reports = bool(_REPORTS_PROBLEM_RE.search(answer))
    events = 0
    handled = 0
    for i, r in enumerate(ordered):
        bad = r.status in ("error", "timeout") or (r.status == "empty" and r.injected_fault)
        if not bad and r.status != "warning":
            continue
        events += 1
        later_ok = any(
            canonical_tool(x.tool) == canonical_tool(r.tool) and x.status in ("ok", "warning")
            for x in ordered[i + 1 :]
        )
        if (later_ok and r.status != "warning") or reports:
            handled += 1
    if (
        scenario.expectation.required_retrievals
        and retrieval.score < 1.0
        and not isinstance(scenario.expectation.check, ClarifyCheck)
    ):
        events += 1
        handled += 1 if reports else 0
    if events == 0:
        return _dim(1.0, "verification:events=0")
    return _dim(handled / events, f"verification:handled={handled}/{events}")


def sequence_dimension(
    order: list[str], families: list[str], duplicate_calls: int, label: str
) -> DimensionScore:
    """Families present × share of dependency pairs respected (a later family
    has a call after the first usable call of the earlier one), with a small
    penalty for identical repeated calls."""
    penalty = min(0.5, 0.1 * max(0, duplicate_calls - _DUPLICATE_FREE))
    if not order:
        return _dim(1.0 - penalty, f"{label}:order=none,dup={duplicate_calls}")
    present = [f for f in order if f in families]
    presence = len(present) / len(order)
    pairs = 0
    ok = 0
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            if a not in families or b not in families:
                continue
            pairs += 1
            first_a = families.index(a)
            last_b = len(families) - 1 - families[::-1].index(b)
            ok += 1 if last_b > first_a else 0
    ordering = ok / pairs if pairs else 1.0
    score = presence * ordering - penalty
    return _dim(
        score,
        f"{label}:families={len(present)}/{len(order)},pairs={ok}/{pairs},dup={duplicate_calls}",
    )


def _format_ok(scenario: Scenario, answer: str) -> bool:
    fmt = scenario.output_format
    if isinstance(scenario.expectation.check, ClarifyCheck):
        return "?" in answer
    if fmt == "number":
        return bool(extract_numbers(answer))
    if fmt == "json":
        return isinstance(extract_json(answer), dict)
    if fmt == "ids":
        return bool(answer.strip()) and len(answer) <= _VERBOSE_CHARS
    return bool(answer.strip())


def clarity_dimension(scenario: Scenario, answer: str) -> DimensionScore:
    """0.5 × requested format + 0.3 × share of expected evidence cited
    + 0.2 × concision (full up to 1,500 chars, 0 from 6,000)."""
    fmt = 1.0 if _format_ok(scenario, answer) else 0.0
    evidence = [normalise_id(e) for e in scenario.expectation.evidence if normalise_id(e)]
    if evidence:
        found, _ = find_ids(evidence, answer)
        cited = len(found) / len(evidence)
    else:
        cited = 1.0
    n = len(answer)
    concise = (
        1.0
        if n <= _CONCISE_CHARS
        else max(0.0, 1 - (n - _CONCISE_CHARS) / (_VERBOSE_CHARS - _CONCISE_CHARS))
    )
    score = 0.5 * fmt + 0.3 * cited + 0.2 * concise
    return _dim(score, f"clarity:format={int(fmt)},evidence={cited:.2f},concise={concise:.2f}")


def hallucination_dimension(g: GroundingResult, label: str = "hallucination") -> DimensionScore:
    return _dim(g.rate, f"{label}:ungrounded={g.hallucinated}/{g.checked}", higher_is_better=False)


def repeated_after_success(records: list[ToolCallRecord]) -> int:
    """Calls identical (tool + arguments) to an earlier call that had already
    returned clean data. Retries after errors, timeouts, warnings or injected
    empty results are recovery, not repetition."""
    succeeded: set[tuple[str, str]] = set()
    repeats = 0
    for r in sorted(records, key=lambda r: r.seq):
        key = (canonical_tool(r.tool), json.dumps(r.arguments, sort_keys=True, default=str))
        if key in succeeded:
            repeats += 1
        # A warning invites a retry too, so only clean results count.
        if r.status == "ok" or (r.status == "empty" and not r.injected_fault):
            succeeded.add(key)
    return repeats


def _duplicates(calls: list[tuple[str, str]]) -> int:
    counts = Counter(calls)
    return sum(c - 1 for c in counts.values() if c > 1)


def _expected_family_order(scenario: Scenario) -> list[str]:
    """The scenario's expected agent-family order without ``utilities`` (both tracks ignore
    utility calls when judging the order)."""
    return [f for f in scenario.expectation.family_order if f != "utilities"]


def _score_execution(scenario: Scenario, run: ScenarioRun, result: AgentResult) -> ScenarioScore:
    answer = result.answer
    records = run.tool_calls
    calls = _calls_from_log(records)
    outcome = check_answer(scenario.expectation.check, answer)
    completion = _dim(outcome.score, outcome.reason)
    completion = completion.model_copy(update={"met": outcome.passed})
    retrieval = retrieval_dimension(scenario, calls)
    verification = verification_dimension(scenario, records, answer, retrieval)
    families = [r.family for r in sorted(records, key=lambda r: r.seq) if r.family != "utilities"]
    dup = repeated_after_success(records)
    sequence = sequence_dimension(
        _expected_family_order(scenario),
        families,
        dup,
        "sequence",
    )
    clarity = clarity_dimension(scenario, answer)
    grounding = ground_answer(answer, Evidence(scenario, records))
    halluc = hallucination_dimension(grounding)
    return _assemble(
        scenario,
        run,
        outcome,
        completion,
        retrieval,
        verification,
        sequence,
        clarity,
        halluc,
        grounding,
    )


def _assemble(
    scenario,
    run,
    outcome,
    completion,
    retrieval,
    verification,
    sequence,
    clarity,
    halluc,
    grounding,
) -> ScenarioScore:
    first_five = (completion, retrieval, verification, sequence, clarity)
    return ScenarioScore(
        scenario_id=scenario.id,
        track=run.track,
        family=scenario.family,
        task_type=scenario.task_type,
        task_completion=completion,
        retrieval_accuracy=retrieval,
        result_verification=verification,
        sequence_correctness=sequence,
        clarity_justification=clarity,
        hallucination=halluc,
        passed=all(d.met for d in first_five) and grounding.hallucinated == 0,
        answer_check=outcome,
        hallucinated_claims=grounding.hallucinated,
        checked_claims=grounding.checked,
        prompt_tokens=run.facts.prompt_tokens,
        completion_tokens=run.facts.completion_tokens,
    )


# ---- planning track ------------------------------------------------------------
def _qualified(step: PlanStep | ReferenceStep) -> str:
    tool = step.tool.strip()
    return canonical_tool(tool if "." in tool else f"{step.agent}.{tool}")


def _step_matches(ref: ReferenceStep, step: PlanStep) -> bool:
    """The plan step performs the reference step: the same rule as a required
    retrieval (hidden_scenarios.matching), with every reference argument as a
    key argument: timestamps as instants (``2020-01-01`` ==
    ``2020-01-01T00:00:00``), windows covered with the tool's semantics,
    placeholders on either side accepted."""
    return step_satisfies(_qualified(ref), ref.arguments, _qualified(step), step.arguments)


def _takes_no_arguments(step: PlanStep) -> bool:
    model = TOOL_ARGS.get(_qualified(step))
    return model is not None and not model.model_fields


def _plan_valid_share(plan: list[PlanStep]) -> float:
    valid = 0
    for step in plan:
        model = TOOL_ARGS.get(_qualified(step))
        if model is None:
            continue
        args = {
            k: v
            for k, v in step.arguments.items()
            if not (isinstance(v, str) and re.search(r"[{}$<>]", v))
        }
        try:
            model.model_validate(args)
            valid += 1
        except ValidationError as exc:
            # A placeholder removed a required argument: still a valid step.
            if all(e["type"] == "missing" and e["loc"][0] in step.arguments for e in exc.errors()):
                valid += 1
    return valid / len(plan) if plan else 0.0


def _score_planning(scenario: Scenario, run: ScenarioRun, result: AgentResult) -> ScenarioScore:
    plan = result.plan
    ref = scenario.expectation.reference_plan
    used: set[int] = set()
    matched = 0
    for r in ref:
        for i, s in enumerate(plan):
            if i not in used and _step_matches(r, s):
                used.add(i)
                matched += 1
                break
    recall = matched / len(ref) if ref else 1.0
    precision = matched / len(plan) if ref and plan else (1.0 if not ref else 0.0)
    plan_f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    outcome = CheckOutcome(
        score=round(plan_f1, 6),
        passed=plan_f1 >= MET_THRESHOLD,
        reason=f"plan:matched={matched}/{len(ref)},steps={len(plan)}",
    )
    completion = _dim(plan_f1, outcome.reason)
    calls = [Call(tool=_qualified(s), arguments=s.arguments) for s in plan]
    retrieval = retrieval_dimension(scenario, calls, plan=True)
    valid = _plan_valid_share(plan)
    verification = _dim(valid, f"plan_validity:valid={valid:.2f}")
    families = [s.agent for s in plan if s.agent != "utilities"]
    dup = _duplicates(
        [(_qualified(s), json.dumps(s.arguments, sort_keys=True, default=str)) for s in plan]
    )
    sequence = sequence_dimension(
        _expected_family_order(scenario),
        families,
        dup,
        "plan_sequence",
    )
    n_ref = max(1, len(ref))
    concise = 1.0 if len(plan) <= 2 * n_ref else max(0.0, 1 - (len(plan) - 2 * n_ref) / (2 * n_ref))
    # A step of a tool that takes no arguments ("tsfm.get_tsfm_models") is complete without any.
    with_args = sum(1 for s in plan if s.arguments or _takes_no_arguments(s)) / len(plan)
    clarity = _dim(
        0.5 * with_args + 0.5 * concise, f"plan_clarity:args={with_args:.2f},concise={concise:.2f}"
    )
    strings = [v for s in plan for v in _plan_strings(s.arguments)]
    evidence = Evidence(scenario, run.tool_calls)
    grounding = ground_strings(strings, evidence)
    if result.answer.strip():
        ga = ground_answer(result.answer, evidence)
        grounding = GroundingResult(
            checked=grounding.checked + ga.checked,
            hallucinated=grounding.hallucinated + ga.hallucinated,
            kinds=grounding.kinds + ga.kinds,
        )
    halluc = hallucination_dimension(grounding, "plan_hallucination")
    return _assemble(
        scenario,
        run,
        outcome,
        completion,
        retrieval,
        verification,
        sequence,
        clarity,
        halluc,
        grounding,
    )


def _plan_strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _plan_strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _plan_strings(v)]
    return []

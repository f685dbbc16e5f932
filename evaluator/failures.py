"""Failure extraction: detectors turn a scored run into short, generic
failure statements with taxonomy codes; optionally an LLM proposes novel
failures (title + description) which are scrubbed before use.

``extract_failures(scenario, run, score) -> list[FailureStatement]``.
Detector statements are fixed texts from ``evaluator.taxonomy`` (they
carry no scenario data by construction); LLM statements pass through
``evaluator.scrub``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from contracts.run import ScenarioRun
from contracts.toollog import ToolCallRecord
from evaluator.models import FailureStatement, ScenarioScore
from evaluator.retrieval import DISCOVERY_TOOLS, canonical_tool
from evaluator.scoring import repeated_after_success
from evaluator.scrub import scrub
from evaluator.taxonomy import NOVEL, TAXONOMY
from hidden_scenarios.schema import ClarifyCheck, Scenario

_REPETITION_MIN = 3  # identical calls from this many on
_RUNAWAY_FACTOR = 4  # calls beyond this multiple of the needed ones
_RUNAWAY_MIN_CALLS = 15


def _stmt(code: str) -> FailureStatement:
    m = TAXONOMY[code]
    return FailureStatement(code=code, category=m.category, text=m.statement)


def _call_key(r: ToolCallRecord) -> tuple[str, str]:
    return canonical_tool(r.tool), json.dumps(r.arguments, sort_keys=True, default=str)


def detect(scenario: Scenario, run: ScenarioRun, score: ScenarioScore) -> list[str]:
    """Taxonomy codes that apply to this run (deterministic order)."""
    codes: list[str] = []
    failure = score.run_failure
    if failure == "timeout":
        return ["ARENA-TIMEOUT"]
    if failure == "oom":
        return ["ARENA-OOM"]
    if failure is not None and failure.startswith("output_"):
        return ["ARENA-OUTPUT"]
    if failure in ("answer_empty", "plan_missing"):
        codes.append("ARENA-EMPTY")
    records = sorted(run.tool_calls, key=lambda r: r.seq)
    reasons = {d: score.dimension(d).reason for d in ("retrieval_accuracy", "result_verification")}

    # Repeats of a call that already succeeded (retries after faults are not).
    if repeated_after_success(records) >= _REPETITION_MIN - 1:
        codes.append("MAST-1.3")
    needed = max(1, len(scenario.expectation.required_retrievals) + 2)
    if len(records) >= max(_RUNAWAY_MIN_CALLS, _RUNAWAY_FACTOR * needed):
        codes.append("MAST-1.5")
    required_tools = {canonical_tool(r.tool) for r in scenario.expectation.required_retrievals}
    off_task = [
        r
        for r in records
        if canonical_tool(r.tool) not in DISCOVERY_TOOLS
        and canonical_tool(r.tool) not in required_tools
    ]
    if required_tools and len(off_task) >= 3 and len(off_task) * 2 >= len(records):
        codes.append("MAST-2.3")

    # Errors: ignored feedback (same rejected call repeated), unhandled, recovery.
    ignored_feedback = False
    unhandled = False
    failed_recovery = False
    for i, r in enumerate(records):
        if r.status not in ("error", "timeout"):
            continue
        later = records[i + 1 :]
        same_tool_later = [x for x in later if canonical_tool(x.tool) == canonical_tool(r.tool)]
        if (
            r.status == "error"
            and r.http_status < 500
            and r.injected_fault is None
            and any(_call_key(x) == _call_key(r) for x in same_tool_later)
        ):
            ignored_feedback = True
        if not same_tool_later:
            unhandled = True
        elif not any(x.status in ("ok", "warning") for x in same_tool_later):
            failed_recovery = True
    if ignored_feedback:
        codes.append("MAST-2.5")
    verification_ok = score.result_verification.met
    if unhandled and not verification_ok:
        codes.append("ARENA-UNHANDLED-ERROR")
    if failed_recovery and not verification_ok:
        codes.append("ARENA-RECOVERY")

    if run.track == "execution" and failure is None:
        check = scenario.expectation.check
        retrieval_reason = reasons["retrieval_accuracy"]
        if "wrong_arguments" in retrieval_reason or "window_not_covered" in retrieval_reason:
            codes.append("MAST-1.1-ARGS")
        if "tool_missing" in retrieval_reason and len(records) <= len(required_tools):
            codes.append("MAST-3.1")
        elif (
            "tool_missing" in retrieval_reason or "tool_failed" in retrieval_reason
        ) and not verification_ok:
            codes.append("ARENA-OVERSTATED")
        if isinstance(check, ClarifyCheck) and not score.task_completion.met:
            codes.append("MAST-2.2")
        if score.clarity_justification.reason.startswith("clarity:format=0"):
            codes.append("MAST-1.1-FORMAT")
        elif re.search(r"evidence=0\.00", score.clarity_justification.reason):
            codes.append("ARENA-NO-EVIDENCE")
        if score.hallucinated_claims:
            codes.append("ARENA-HALLUCINATION")
        if (
            not score.task_completion.met
            and score.retrieval_accuracy.met
            and not isinstance(check, ClarifyCheck)
            and not score.hallucinated_claims
        ):
            codes.append("MAST-3.3")
        if "pairs=" in score.sequence_correctness.reason and not _all_pairs_ok(
            score.sequence_correctness.reason
        ):
            codes.append("ARENA-SEQUENCE")
        if run.result is not None and _trajectory_mismatch(run):
            codes.append("MAST-2.6")
    elif run.track == "planning" and failure is None:
        if not score.result_verification.met:
            codes.append("ARENA-PLAN-INVALID")
        if not _all_pairs_ok(score.sequence_correctness.reason):
            codes.append("ARENA-PLAN-ORDER")
        if score.hallucinated_claims:
            codes.append("ARENA-HALLUCINATION")
        if (
            not score.retrieval_accuracy.met
            and "wrong_arguments" in score.retrieval_accuracy.reason
        ):
            codes.append("MAST-1.1-ARGS")
    return list(dict.fromkeys(codes))


def _all_pairs_ok(reason: str) -> bool:
    m = re.search(r"pairs=(\d+)/(\d+)", reason)
    return not m or m.group(1) == m.group(2)


def _trajectory_mismatch(run: ScenarioRun) -> bool:
    """The self-report names tools the server never saw called (at least two
    claimed calls, none of which the log confirms)."""
    assert run.result is not None
    claimed = [canonical_tool(s.tool) for s in run.result.trajectory if s.tool]
    if len(claimed) < 2:
        return False
    logged = {canonical_tool(r.tool) for r in run.tool_calls}
    logged_short = {t.split(".", 1)[-1] for t in logged}
    unseen = [t for t in claimed if t not in logged and t.split(".", 1)[-1] not in logged_short]
    return len(unseen) * 2 > len(claimed)


CompletionFn = Callable[..., Any]

_LLM_PROMPT = """You analyse one failed run of an industrial-maintenance AI agent.
Return JSON only: {"additional_failure_modes": [{"title": "...", "description": "..."}]}
with at most 2 items describing failures NOT covered by these known modes:
%s
Titles: at most 8 words. Descriptions: one generic sentence. Never copy the task text,
asset names, ids, numbers or dates; describe the behaviour in general terms.

Task: %s
Scores: %s
Tool calls (tool, status): %s
Final answer: %s
"""


def propose_novel_failures(
    scenario: Scenario,
    run: ScenarioRun,
    score: ScenarioScore,
    *,
    model: str,
    completion: CompletionFn | None = None,
    mock_response: str | None = None,
) -> list[FailureStatement]:
    """Ask an LLM (litellm) for up to two novel failures; scrub and return
    them with code NOVEL. Any LLM or parsing error yields no statements."""
    if completion is None:
        import litellm

        completion = litellm.completion
    known = "; ".join(sorted({m.label for m in TAXONOMY.values()}))
    dims = {
        d: score.dimension(d).reason
        for d in (
            "task_completion",
            "retrieval_accuracy",
            "result_verification",
            "sequence_correctness",
        )
    }
    calls = [(r.tool, r.status) for r in sorted(run.tool_calls, key=lambda r: r.seq)][:40]
    answer = (run.result.answer if run.result else "")[:1500]
    prompt = _LLM_PROMPT % (known, scenario.text[:2000], json.dumps(dims), calls, answer)
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "temperature": 0,
    }
    if mock_response is not None:
        kwargs["mock_response"] = mock_response
    try:
        resp = completion(**kwargs)
        content = resp.choices[0].message.content or ""
        data = json.loads(_first_json_object(content))
        items = data.get("additional_failure_modes", [])[:2]
    except Exception:  # noqa: BLE001 - an optional enrichment must never fail scoring
        return []
    entities = _run_entities(scenario, run)
    out: list[FailureStatement] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        title = str(item.get("title", "")).strip()
        desc = str(item.get("description", "")).strip()
        text = scrub(
            f"{title}: {desc}" if desc else title, scenario_texts=[scenario.text], entities=entities
        )
        if len(text) >= 8:
            out.append(FailureStatement(code=NOVEL, category="Other", text=text))
    return out


def _first_json_object(text: str) -> str:
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start != -1 and end > start else "{}"


def _run_entities(scenario: Scenario, run: ScenarioRun) -> list[str]:
    ents: list[str] = []
    for r in run.tool_calls:
        ents.extend(r.entities[:200])
        ents.extend(str(v) for v in r.arguments.values() if isinstance(v, str))
    ents.extend(str(v) for v in scenario.params.values() if isinstance(v, str))
    return ents


def extract_failures(
    scenario: Scenario,
    run: ScenarioRun,
    score: ScenarioScore,
    *,
    llm_model: str | None = None,
    completion: CompletionFn | None = None,
    mock_response: str | None = None,
) -> list[FailureStatement]:
    """Taxonomy statements from the detectors, plus (when ``llm_model`` is
    given and the run did not pass) up to two scrubbed LLM-proposed ones."""
    out = [_stmt(c) for c in detect(scenario, run, score)]
    if llm_model and not score.passed and score.run_failure is None:
        out.extend(
            propose_novel_failures(
                scenario,
                run,
                score,
                model=llm_model,
                completion=completion,
                mock_response=mock_response,
            )
        )
    return out

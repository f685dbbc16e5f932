"""Per-scenario six-dimension rubric: ``score_run(scenario, run) -> ScenarioScore``.

Rubric version 2 (docs/scoring.md). Every dimension is 0..1 with a short
machine reason; hallucination is a rate. Retrieval, verification and
sequence use only the server-side tool log (``run.tool_calls``) in the
execution track, and the submitted plan in the planning track.

Task completion gates the rest: each process dimension is its raw value
times the answer check's score, and the hallucination rate is raised the
same way, so an agent that solves nothing scores near zero whatever it
calls. A scenario passes only when its check passes, no claim in the
answer is ungrounded (and it makes one where one was asked for), and every
injected fault was handled.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from pydantic import ValidationError

from contracts.agent import AgentResult, PlanStep
from contracts.run import ScenarioRun
from contracts.toollog import ToolCallRecord
from contracts.tools import TOOL_ARGS
from contracts.upstream import canonical_step
from evaluator.actions import (
    NOT_RETRIEVAL,
    WRITE_TOOLS,
    action_outcome,
    dialog_outcome,
    plan_order_problem,
)
from evaluator.checks import CheckOutcome, check_answer, find_ids
from evaluator.grounding import Evidence, GroundingResult, ground_answer, ground_strings
from evaluator.models import MET_THRESHOLD, DimensionScore, ScenarioScore
from evaluator.retrieval import (
    DISCOVERY_TOOLS,
    Call,
    canonical_tool,
    relevant_calls,
    retrieval_outcome,
    usable_record,
)
from evaluator.textparse import extract_json, extract_numbers, normalise_id
from hidden_scenarios.matching import WINDOW_KEYS, step_satisfies
from hidden_scenarios.schema import (
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    InsufficientCheck,
    JsonFieldsCheck,
    ReferenceStep,
    Scenario,
)

# 3: a result is credited only as far as its required data was looked at
RUBRIC_VERSION = 3
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
            usable=usable_record(r),
        )
        for r in sorted(records, key=lambda r: r.seq)
    ]


def retrieval_dimension(
    scenario: Scenario, calls: list[Call], *, plan: bool = False
) -> DimensionScore:
    """Recall over the required data x (1 - half the over-retrieval share):
    see ``evaluator.retrieval.retrieval_outcome``."""
    o = retrieval_outcome(scenario.expectation.required_retrievals, calls, plan=plan)
    misses = Counter(o.misses)
    miss_txt = "".join(f",{k}={v}" for k, v in sorted(misses.items()))
    return _dim(
        o.score,
        f"retrieval:covered={o.covered}/{o.required},over={o.over},broad={o.broad},"
        f"precision={o.precision:.2f}{miss_txt}",
    )


_SENTENCE_RE = re.compile(r"(?<=[.!?;\n])\s+")


def _fault_events(records: list[ToolCallRecord]) -> list[int]:
    """Indexes (in seq order) of calls that failed or warned."""
    return [
        i
        for i, r in enumerate(records)
        if r.status in ("error", "timeout", "warning") or (r.status == "empty" and r.injected_fault)
    ]


def _clean(r: ToolCallRecord) -> bool:
    return r.status == "ok" or (r.status == "empty" and not r.injected_fault)


def _same_target(a: ToolCallRecord, b: ToolCallRecord) -> bool:
    """``b`` asks for the data ``a`` asked for (windows and paging aside)."""
    if canonical_tool(a.tool) != canonical_tool(b.tool):
        return False
    keys = {k for k, v in a.arguments.items() if isinstance(v, str) and k not in _WINDOW_KEYS}
    return all(
        normalise_id(str(a.arguments[k])) == normalise_id(str(b.arguments.get(k, ""))) for k in keys
    )


def _names_the_failed_data(record: ToolCallRecord, answer: str) -> bool:
    """A sentence of the answer reports a problem and names the failed data
    specifically: its tool, or an asset/sensor/id argument of the call."""
    tool = canonical_tool(record.tool)
    names = {tool, tool.split(".", 1)[-1], tool.split(".", 1)[-1].replace("_", " ")}
    for v in record.arguments.values():
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, str) and len(item) >= 3 and not _TS_LIKE_RE.match(item):
                names.add(item)
    wanted = [normalise_id(n) for n in names if normalise_id(n)]
    for sentence in _SENTENCE_RE.split(answer):
        if not _REPORTS_PROBLEM_RE.search(sentence):
            continue
        folded = normalise_id(sentence)
        if any(w in folded for w in wanted):
            return True
    return False


_TS_LIKE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WINDOW_KEYS = WINDOW_KEYS | {"page", "page_size"}  # windows and paging: not the data's identity


@dataclass(frozen=True)
class VerificationOutcome:
    events: int
    retried: int
    reported: int

    @property
    def score(self) -> float:
        return (self.retried + self.reported) / self.events if self.events else 1.0

    @property
    def all_handled(self) -> bool:
        return self.retried + self.reported == self.events


def verification_outcome(records: list[ToolCallRecord], answer: str) -> VerificationOutcome:
    """Each failed, timed-out, injected-empty or warning call is handled by
    behaviour tied to it: a later call for the same data that returned
    clean data, or a sentence of the answer naming that data as missing or
    doubtful. Generic words ("warning", "incomplete") handle nothing."""
    ordered = sorted(records, key=lambda r: r.seq)
    retried = reported = 0
    events = _fault_events(ordered)
    for i in events:
        r = ordered[i]
        recovered = any(_same_target(r, x) and _clean(x) for x in ordered[i + 1 :])
        if recovered:
            retried += 1
        elif _names_the_failed_data(r, answer):
            reported += 1
    return VerificationOutcome(len(events), retried, reported)


def verification_dimension(v: VerificationOutcome) -> DimensionScore:
    if v.events == 0:
        return _dim(1.0, "verification:events=0")
    return _dim(
        v.score, f"verification:retried={v.retried},reported={v.reported},events={v.events}"
    )


def lineage_sequence(
    scenario: Scenario, records: list[ToolCallRecord], duplicate_calls: int
) -> DimensionScore:
    """Data lineage: for each dependency pair (a before b) of the expected
    family order, a usable call of b that targets required data consumes a
    value an earlier usable call of a returned (the dataset id of
    ``iot.history`` analysed by TSFM, an equipment id looked up before its
    work orders), or -- when b's arguments all come from the task text --
    follows such a call of a. Families with no such call earn nothing, so
    fixed sweeps in the right order score zero."""
    order = _expected_family_order(scenario)
    penalty = min(0.5, 0.1 * max(0, duplicate_calls - _DUPLICATE_FREE))
    required = scenario.expectation.required_retrievals
    ordered = sorted(records, key=lambda r: r.seq)
    usable = [r for r in ordered if usable_record(r)]
    relevant = set(id(r) for r in relevant_calls(required, usable))

    def family_calls(fam: str) -> list[ToolCallRecord]:
        calls = [r for r in usable if r.family == fam]
        if any(canonical_tool(q.tool).split(".")[0] == fam for q in required):
            calls = [r for r in calls if id(r) in relevant]
        return calls

    if not order:
        return _dim(1.0 - penalty, f"sequence:order=none,dup={duplicate_calls}")
    present = [f for f in order if family_calls(f)]
    presence = len(present) / len(order)
    pairs = ok = 0
    task = normalise_id(scenario.text)
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            pairs += 1
            if any(
                _consumes(later, earlier, task)
                for later in family_calls(b)
                for earlier in family_calls(a)
                if earlier.seq < later.seq
            ):
                ok += 1
    ordering = ok / pairs if pairs else 1.0
    return _dim(
        presence * ordering - penalty,
        f"sequence:families={len(present)}/{len(order)},pairs={ok}/{pairs},dup={duplicate_calls}",
    )


def _consumes(later: ToolCallRecord, earlier: ToolCallRecord, task: str) -> bool:
    produced = {normalise_id(e) for e in earlier.entities if e}
    values = [
        normalise_id(str(item))
        for k, v in later.arguments.items()
        if k not in _WINDOW_KEYS
        for item in (v if isinstance(v, list) else [v])
        if isinstance(item, str) and normalise_id(str(item))
    ]
    if any(v in produced for v in values if v not in task):
        return True
    # Nothing to consume: every argument is in the task text itself.
    return bool(values) and all(v in task for v in values)


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


def _format_ok(scenario: Scenario, answer: str, claims: int) -> bool:
    """The requested format, actually met (not merely a non-empty answer)."""
    fmt = scenario.output_format
    check = scenario.expectation.check
    if isinstance(check, ClarifyCheck):
        return "?" in answer and not extract_numbers(answer)
    if fmt == "number":
        nums = {round(n.value, 9) for n in extract_numbers(answer)}
        return 1 <= len(nums) <= 3 and len(answer) <= _CONCISE_CHARS
    if fmt == "json":
        obj = extract_json(answer)
        if not isinstance(obj, dict):
            return False
        if isinstance(check, JsonFieldsCheck):
            asked = {k.casefold() for k in check.fields}
            return {str(k).casefold() for k in obj} <= asked
        return True
    if fmt == "ids":
        expected = len(check.ids) if isinstance(check, IdSetCheck) else 1
        return 0 < claims <= 2 * expected + 2 and len(answer) <= _VERBOSE_CHARS
    return bool(answer.strip()) and claims <= _MAX_TEXT_CLAIMS


_MAX_TEXT_CLAIMS = 12


def clarity_dimension(scenario: Scenario, answer: str, claims: int = 0) -> DimensionScore:
    """0.5 × requested format met + 0.3 × share of expected evidence cited
    + 0.2 × concision (full up to 1,500 chars, 0 from 6,000; 0 when the
    answer makes more than three times the claims the task needs)."""
    fmt = 1.0 if _format_ok(scenario, answer, claims) else 0.0
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
    if claims > 3 * max(3, len(evidence)):
        concise = 0.0  # a dump of everything observed is not clear
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
        if usable_record(r) and r.status != "warning":
            succeeded.add(key)
    return repeats


def _duplicates(calls: list[tuple[str, str]]) -> int:
    counts = Counter(calls)
    return sum(c - 1 for c in counts.values() if c > 1)


def _expected_family_order(scenario: Scenario) -> list[str]:
    """The scenario's expected agent-family order without ``utilities`` (both tracks ignore
    utility calls when judging the order)."""
    return [f for f in scenario.expectation.family_order if f != "utilities"]


def answer_pool(scenario: Scenario, records: list[ToolCallRecord]) -> list[str]:
    """Entities of the asked kind the run saw: everything the calls that
    returned an expected id or fact also returned (the rest of that list),
    minus what the task itself names."""
    check = scenario.expectation.check
    if isinstance(check, IdSetCheck):
        wanted = check.ids
    elif isinstance(check, FactsCheck):
        wanted = [a for alts in check.required for a in alts]
    else:
        return []
    targets = {normalise_id(w) for w in wanted if normalise_id(w)}
    task = normalise_id(scenario.text)
    pool: dict[str, None] = {}
    for r in records:
        ents = {normalise_id(e) for e in r.entities if e}
        if targets & ents:
            for e in r.entities:
                n = normalise_id(e)
                if n and n not in targets and n not in task:
                    pool.setdefault(e, None)
    return list(pool)


def _claims_asked(scenario: Scenario) -> bool:
    return not isinstance(scenario.expectation.check, ClarifyCheck | InsufficientCheck)


def answer_grounding(
    scenario: Scenario, records: list[ToolCallRecord], answer: str
) -> GroundingResult:
    """The answer's claims against what is relevant to the question: calls
    for the required data and lookups, not everything the run touched."""
    relevant = relevant_calls(scenario.expectation.required_retrievals, records)
    relevant += [
        r
        for r in records
        if (canonical_tool(r.tool) in DISCOVERY_TOOLS or canonical_tool(r.tool) in WRITE_TOOLS)
        and r not in relevant
    ]
    return ground_answer(answer, Evidence(scenario, relevant))


def _score_execution(scenario: Scenario, run: ScenarioRun, result: AgentResult) -> ScenarioScore:
    answer = result.answer
    records = sorted(run.tool_calls, key=lambda r: r.seq)
    # Asking and writing are not retrievals (evaluator/actions.py judges them).
    calls = [c for c in _calls_from_log(records) if canonical_tool(c.tool) not in NOT_RETRIEVAL]
    outcome = check_answer(scenario.expectation.check, answer, answer_pool(scenario, records))
    outcome = _with_dialog_and_action(scenario, records, calls, outcome)
    dialog = dialog_outcome(scenario, records)
    completion = _dim(outcome.score, outcome.reason).model_copy(update={"met": outcome.passed})
    retrieval = retrieval_dimension(scenario, calls)
    verification_o = verification_outcome(records, answer)
    verification = verification_dimension(verification_o)
    sequence = lineage_sequence(scenario, records, repeated_after_success(records))
    grounding = answer_grounding(scenario, records, answer)
    no_claim = _claims_asked(scenario) and grounding.checked == 0 and not outcome.passed
    if no_claim:  # an answer that claims nothing where a result was asked for is no answer
        grounding = GroundingResult(checked=1, hallucinated=1, kinds=("no_claim",))
    clarity = clarity_dimension(scenario, answer, grounding.checked)
    if dialog.unneeded:  # asking on a clear task costs credit
        clarity = _gated(clarity, UNNEEDED_ASK_FACTOR, "unneeded_ask")
        sequence = _gated(sequence, UNNEEDED_ASK_FACTOR, "unneeded_ask")
    halluc = hallucination_dimension(grounding)
    # An honest abstention: every fault reported specifically and no claim
    # of a result made -- verification keeps its credit (nothing else does).
    abstained = (
        verification_o.events > 0
        and verification_o.all_handled
        and outcome.score == 0.0
        and grounding.hallucinated <= int(no_claim)
    )
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
        faults_handled=verification_o.all_handled,
        verification_gate=1.0 if abstained else None,
    )


UNNEEDED_ASK_FACTOR = 0.5
FREE_TEXT_ARGUMENTS = frozenset({"question", "description", "resolution_notes", "reason"})


def _with_dialog_and_action(
    scenario: Scenario, records: list[ToolCallRecord], calls: list[Call], outcome: CheckOutcome
) -> CheckOutcome:
    """The answer check, failed when a needed clarification was not asked
    for (a right guess is not a solution), combined with the action check
    (premature, missing, extra or wrong writes fail the task), and scaled
    by how much of the data the task rests on was looked at (the required
    retrievals' recall; a pass needs all of it)."""
    score, passed, reasons = outcome.score, outcome.passed, [outcome.reason]
    dialog = dialog_outcome(scenario, records)
    if not dialog.ok:
        score, passed = 0.0, False
        reasons.append(dialog.reason)
    action = action_outcome(scenario, records)
    if action is not None:
        score, passed = min(score, action.score), passed and action.passed
        reasons.append(action.reason)
    # A result is credited only as far as the data it rests on was looked
    # at: a right guess is not a solution (the hidden set's answers repeat
    # across a template's instances, so an agent guessing each task type's
    # usual answer without a single call passed 18.8 % of it: red team,
    # tests/adversarial "priors_plus"). Insufficient-evidence answers were
    # the first case of this rule.
    required = scenario.expectation.required_retrievals
    if required:
        recall = retrieval_outcome(required, calls).recall
        if recall < 1.0:
            score, passed = score * recall, False
            label = (
                "insufficient"
                if isinstance(scenario.expectation.check, InsufficientCheck)
                else "unsupported"
            )
            reasons.append(f"{label}:looked={recall:.2f}")
    if len(reasons) == 1:
        return outcome
    return CheckOutcome(score=score, passed=passed, reason=",".join(reasons))


def _gated(dim: DimensionScore, gate: float, label: str) -> DimensionScore:
    """Credit × gate; ``met`` stays the raw criterion (failure detectors read
    what the run did, not what it was credited)."""
    if gate >= 1.0:
        return dim
    gated = _dim(dim.score * gate, f"{dim.reason},{label}={gate:.2f}")
    return gated.model_copy(update={"met": dim.met})


def _assemble(
    scenario: Scenario,
    run: ScenarioRun,
    outcome: CheckOutcome,
    completion: DimensionScore,
    retrieval: DimensionScore,
    verification: DimensionScore,
    sequence: DimensionScore,
    clarity: DimensionScore,
    halluc: DimensionScore,
    grounding: GroundingResult,
    *,
    faults_handled: bool = True,
    verification_gate: float | None = None,
) -> ScenarioScore:
    """Completion gates the process dimensions (raw × check score) and the
    hallucination rate (1 - (1 - rate) × check score)."""
    # An answer with an ungrounded claim achieved nothing that can be
    # trusted: no process credit (a padded honest answer scores its check only).
    gate = outcome.score if grounding.hallucinated == 0 else 0.0
    rate = 1.0 - (1.0 - halluc.score) * gate
    return ScenarioScore(
        scenario_id=scenario.id,
        track=run.track,
        family=scenario.family,
        task_type=scenario.task_type,
        task_completion=completion,
        retrieval_accuracy=_gated(retrieval, gate, "gate"),
        result_verification=_gated(
            verification, gate if verification_gate is None else verification_gate, "gate"
        ),
        sequence_correctness=_gated(sequence, gate, "gate"),
        clarity_justification=_gated(clarity, gate, "gate"),
        hallucination=_dim(rate, f"{halluc.reason},gate={gate:.2f}", higher_is_better=False),
        passed=outcome.passed and grounding.hallucinated == 0 and faults_handled,
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


PLAN_PAGING_KEYS = frozenset({"page_size", "page_num", "page"})


def _step_matches(ref: ReferenceStep, step: PlanStep) -> bool:
    """The plan step performs the reference step: the same rule as a required
    retrieval (hidden_scenarios.matching), with every reference argument as a
    key argument: timestamps as instants (``2020-01-01`` ==
    ``2020-01-01T00:00:00``), windows covered with the tool's semantics,
    placeholders on either side accepted. Paging arguments are how a plan
    reads the data, not which data: a plan may page its own way (upstream
    ``limit``/``cursor`` cannot ask for 5,000 rows at once)."""
    wanted = {k: v for k, v in ref.arguments.items() if k not in PLAN_PAGING_KEYS}
    return step_satisfies(_qualified(ref), wanted, _qualified(step), step.arguments)


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


def _canonical_plan(plan: list[PlanStep]) -> list[PlanStep]:
    """Plan steps written with AssetOpsBench's upstream names and argument
    shapes (``history`` with ``end``, ``asset_class``…) as the canonical
    calls the service would log for them (contracts.upstream, issue 20)."""
    out: list[PlanStep] = []
    for step in plan:
        tool = step.tool.strip()
        qualified = tool if "." in tool else f"{step.agent}.{tool}"
        target, args = canonical_step(qualified, step.arguments)
        target = canonical_tool(target)
        if (target, args) == (canonical_tool(qualified), step.arguments):
            out.append(step)
            continue
        family, _, name = target.partition(".")
        out.append(step.model_copy(update={"agent": family, "tool": name, "arguments": args}))
    return out


def _score_planning(scenario: Scenario, run: ScenarioRun, result: AgentResult) -> ScenarioScore:
    plan = _canonical_plan(result.plan)
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
    # Every reference step in the plan is not enough: the ask comes before
    # the data it disambiguates, the evidence before the write.
    order = plan_order_problem(scenario, [(_qualified(s), s.arguments) for s in plan])
    if order is not None:
        outcome = CheckOutcome(score=0.0, passed=False, reason=f"{outcome.reason},{order}")
    completion = _dim(outcome.score, outcome.reason)
    calls = [
        Call(tool=_qualified(s), arguments=s.arguments)
        for s in plan
        if _qualified(s) not in NOT_RETRIEVAL
    ]
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
    # Free text a step sends (a question, a work-order description) is not a claim.
    strings = [
        v
        for s in plan
        for k, a in s.arguments.items()
        if k not in FREE_TEXT_ARGUMENTS
        for v in _plan_strings(a)
    ]
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

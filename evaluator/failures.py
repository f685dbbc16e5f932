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
from collections import Counter
from collections.abc import Callable
from typing import Any

from contracts.run import ScenarioRun
from contracts.toollog import ToolCallRecord
from contracts.tools import TOOL_ARGS
from evaluator.checks import (
    check_answer,
    ids_as_bare_numbers,
    ids_shortened,
    json_decimal_comma_fields,
    json_fields_missing,
    json_fields_of_asked_types,
    json_values_as_strings,
)
from evaluator.grounding import Evidence, GroundingResult, ground_answer
from evaluator.models import FailureStatement, ScenarioScore
from evaluator.retrieval import DISCOVERY_TOOLS, canonical_tool
from evaluator.scoring import (
    _clean,
    _names_the_failed_data,
    _same_target,
    answer_grounding,
    answer_pool,
    repeated_after_success,
)
from evaluator.scrub import scrub
from evaluator.taxonomy import NOVEL, TAXONOMY
from evaluator.textparse import (
    decimal_comma_numbers,
    doubled_text,
    extract_numbers,
    normalise_id,
    number_words,
    template_placeholders,
    within,
)
from hidden_scenarios.matching import (
    WINDOW_KEYS,
    WINDOW_PAIRS,
    covered,
    is_placeholder,
    parse_time,
    plain_arguments_match,
    value_matches,
    window_of,
)
from hidden_scenarios.schema import (
    ClarifyCheck,
    IdSetCheck,
    JsonFieldsCheck,
    NumberCheck,
    ReferenceStep,
    Scenario,
)

_REPETITION_MIN = 3  # identical calls from this many on
_RUNAWAY_FACTOR = 4  # calls beyond this multiple of the needed ones
_RUNAWAY_MIN_CALLS = 15


def _stmt(code: str) -> FailureStatement:
    m = TAXONOMY[code]
    return FailureStatement(code=code, category=m.category, text=m.statement)


def _required_tools(scenario: Scenario) -> set[str]:
    """The canonical names of the tools the task's required retrievals use."""
    return {canonical_tool(r.tool) for r in scenario.expectation.required_retrievals}


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
    required_tools = _required_tools(scenario)
    off_task = [
        r
        for r in records
        if canonical_tool(r.tool) not in DISCOVERY_TOOLS
        and canonical_tool(r.tool) not in required_tools
    ]
    if required_tools and len(off_task) >= 3 and len(off_task) * 2 >= len(records):
        codes.append("MAST-2.3")
    # what the answer adds beyond the task's data came from a call the task
    # never needed (the site's open work orders appended "for context"):
    # drifted off the question, not values invented
    off_task_answer = (
        run.track == "execution"
        and run.result is not None
        and not isinstance(scenario.expectation.check, ClarifyCheck)
        and _answer_from_off_task_calls(scenario, records, run.result.answer, score, off_task)
    )
    if off_task_answer and "MAST-2.3" not in codes:
        codes.append("MAST-2.3")

    # A call of a family made before any call of a family it depends on
    # (analysis or work orders on guessed inputs): its failure is a
    # consequence of acting early, reported as ARENA-SEQUENCE below.
    premature, misused = _premature_calls(scenario, records)
    answer = run.result.answer if run.result is not None else ""
    claimed = without_quoted_statuses(answer, records)

    # Errors: ignored feedback (same rejected call repeated), unhandled, recovery.
    ignored_feedback = False
    unhandled = False
    failed_recovery = False
    for i, r in enumerate(records):
        if r.status == "warning" and not _warning_handled(records, i, answer):
            ignored_feedback = True  # flagged data used as if clean, never mentioned
        if r.status not in ("error", "timeout") or r.seq in premature:
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
        # the result is wrong although the required data came back
        wrong_data_result = (
            not score.task_completion.met
            and score.retrieval_accuracy.met
            and not isinstance(check, ClarifyCheck)
        )
        if (
            "wrong_arguments" in retrieval_reason
            or "window_not_covered" in retrieval_reason
            or (not score.retrieval_accuracy.met and _argument_error(scenario, records, premature))
            or misused
            or _retry_changed_window(scenario, records)
            or (not score.task_completion.met and _unasked_aggregation(scenario, records))
            or (wrong_data_result and _off_reference_arguments(scenario, records))
        ):
            codes.append("MAST-1.1-ARGS")
        # the rest of a paged listing never fetched: the result rests on part
        # of the data (overstated), not on the right data read wrongly
        partial_listing = wrong_data_result and _full_page_left(scenario, records)
        if "tool_missing" in retrieval_reason and len(records) <= len(required_tools):
            codes.append("MAST-3.1")
        elif (
            (
                ("tool_missing" in retrieval_reason or "tool_failed" in retrieval_reason)
                and not verification_ok
            )
            or _sibling_instead(scenario, records)
            or partial_listing
        ):
            codes.append("ARENA-OVERSTATED")
        if (
            isinstance(check, ClarifyCheck)
            and not score.task_completion.met
            and not _asked_without_committing(score)
        ):
            # it committed to a reading (or never asked); one that did ask,
            # without offering the candidates, asked for clarification
            codes.append("MAST-2.2")
        if isinstance(check, ClarifyCheck) and _guessed_candidates(
            scenario, records, answer, score
        ):
            codes.append("ARENA-HALLUCINATION")
        if score.clarity_justification.reason.startswith("clarity:format=0"):
            codes.append("MAST-1.1-FORMAT")
        elif re.search(r"evidence=0\.00", score.clarity_justification.reason):
            codes.append("ARENA-NO-EVIDENCE")
        wrong_result = (
            not score.task_completion.met
            and score.retrieval_accuracy.met
            and not isinstance(check, ClarifyCheck)
            and not _only_unasked_writes(scenario, records, answer, score)
        )
        claims = answer_grounding(scenario, records, claimed) if score.hallucinated_claims else None
        if claims is not None and claims.checked == 0:
            # The score counts an answer that claims nothing where a result
            # was asked for as ungrounded. It states no value or id at all:
            # "ungrounded values", "incorrect result" or "no evidence for its
            # result" would misname it; its format (and the reviewer) say
            # what is wrong.
            codes = [c for c in codes if c != "ARENA-NO-EVIDENCE"]
            if (
                wrong_result
                and (_none_found(answer) or _states_wrong_result(scenario, answer, score))
                and _data_came_back(scenario, records)
            ):
                # ... unless it says there is nothing ("0 failure modes", "no
                # matching rules", a null field), or states a result the
                # grounding does not check (a count, a JSON field) and the
                # checker read it as wrong, while the data it needed came
                # back with rows: a wrong result from the right data
                codes.append("MAST-3.3")
        elif (
            claims is not None
            and _only_numbers_ungrounded(claims)
            and score.retrieval_accuracy.met
            and not isinstance(check, ClarifyCheck)
            and _miscounted_records(scenario, records, answer)
        ):
            # the ungrounded number is a count of the rows it read, off by
            # some ("95 readings" of 96, "192" of 96): the right data
            # counted wrong, not a value invented without data
            codes.append("MAST-3.3")
        elif (
            claims is not None
            and not (wrong_result and _only_numbers_ungrounded(claims))
            and not off_task_answer
        ):
            codes.append("ARENA-HALLUCINATION")
        elif wrong_result and not partial_listing:
            codes.append("MAST-3.3")
        if (premature - misused) or (
            "pairs=" in score.sequence_correctness.reason
            and _all_families_present(score.sequence_correctness.reason)
            and not _all_pairs_ok(score.sequence_correctness.reason)
        ):
            codes.append("ARENA-SEQUENCE")
        if run.result is not None and _trajectory_mismatch(run):
            codes.append("MAST-2.6")
        if leaked_trace(answer):
            # the answer is the agent's scratchpad with a result at its end:
            # not the requested format, whatever the lenient checker read
            codes.append("MAST-1.1-FORMAT")
        if isinstance(check, NumberCheck) and number_range(answer):
            # one number asked for, a range given: the checker finds numbers
            # in it, but the answer is not in the requested form
            codes.append("MAST-1.1-FORMAT")
        if _ids_as_numbers(scenario, answer) is not None:
            # ids asked for, bare numbers given ("13, 14" for Chiller 13 and
            # Chiller 14): the format check counts them as claims, but no
            # item of the answer is an id
            codes.append("MAST-1.1-FORMAT")
        if _masked_ids(scenario, records, answer) or _ids_shortened(scenario, answer):
            # the asked ids with their digits masked, or without the words
            # that say whose they are ("Supply Temperature" for "Chiller 13
            # Supply Temperature"): named, but unusable
            codes.append("MAST-1.1-FORMAT")
        if _json_fields_missing(scenario, answer)[0]:
            # the object parses and has no field it was not asked for, but
            # leaves out a field of the requested object
            codes.append("MAST-1.1-FORMAT")
        if (
            template_placeholders(answer)
            or _number_in_other_notation(scenario, answer)
            or doubled_text(answer)
            or _json_strings(scenario, answer)
        ):
            # the answer's template left unfilled ("{value}"), the right
            # value written with a decimal comma ("75,2", read as 75 and 2)
            # or in words ("seventy-five point two"), the answer written
            # twice back to back ("75.2 kW75.2 kW"), or a
            # JSON number or boolean written as a string ("3", "true"): not a
            # number, ids or object in the requested form
            codes.append("MAST-1.1-FORMAT")
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
    codes = list(dict.fromkeys(codes))
    if run.track == "execution" and failure is None:
        codes = _root_causes(codes, scenario, run, score)
    return codes


# What a run's statements should name is what to fix: the process failure
# (root cause), not every symptom it left in the answer. Symptoms of the
# answer are dropped when a root cause explains them (kept otherwise):
_ROOT_CAUSES = frozenset(
    {
        "ARENA-UNHANDLED-ERROR",
        "ARENA-RECOVERY",
        "MAST-2.5",
        "MAST-3.1",
        "MAST-1.1-ARGS",
        "MAST-2.2",
        "ARENA-OVERSTATED",
        "ARENA-SEQUENCE",
    }
)
# - data that was missing, failed or wrong explains ungrounded values and
#   evidence that is not cited;
_DATA_SYMPTOMS = frozenset({"ARENA-HALLUCINATION", "ARENA-NO-EVIDENCE"})
# - an answer that gave up (no value, "could not ...") claims nothing: it
#   overstates nothing and its format, evidence and values are not the point.
_GAVE_UP_SYMPTOMS = frozenset(
    {"ARENA-HALLUCINATION", "ARENA-NO-EVIDENCE", "MAST-1.1-FORMAT", "MAST-3.3", "ARENA-OVERSTATED"}
)
_GAVE_UP_RE = re.compile(
    r"\b(could ?n[o']t|can ?n[o']t|cannot|unable to|not able to|failed to|"
    r"no (?:data|result|answer)|did not (?:get|obtain|retrieve))\b",
    re.IGNORECASE,
)


# An agent's own trace left in the final answer: reasoning tags, or several
# ReAct-style "Thought:/Action:/Observation:" lines.
_TRACE_TAG_RE = re.compile(r"</?(?:thinking|think|scratchpad|reasoning)>", re.IGNORECASE)
_TRACE_LINE_RE = re.compile(
    r"^\s*(?:Thought|Action(?: Input)?|Observation|Tool call)\s*:", re.IGNORECASE | re.MULTILINE
)


def leaked_trace(answer: str) -> bool:
    """The final answer carries the agent's scratchpad (its thoughts, tool
    calls or observations)."""
    return bool(_TRACE_TAG_RE.search(answer)) or len(_TRACE_LINE_RE.findall(answer)) >= 2


_NUM = r"[-+]?\d+(?:\.\d+)?"
_RANGE_RE = re.compile(
    rf"(?<![\w.:/-])(?:between\s+{_NUM}\s+and\s+{_NUM}|from\s+{_NUM}\s+to\s+{_NUM}|"
    rf"{_NUM}\s*(?:to|–|—|\s-\s)\s*{_NUM})(?![\w:/-]|\.\d)",
    re.IGNORECASE,
)


_SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s|\n")
_FIRST_NUM_RE = re.compile(rf"(?<![\w.:/-]){_NUM}(?![\w:/-]|\.\d)")


def number_range(answer: str) -> bool:
    """The answer gives its figure as a range ("between 11.2 and 13.7",
    "11.2 to 13.7", "11.2 – 13.7"), not as one number: its first number is
    a bound of a range, in its first sentence (a range stated after the
    result or after a question, such as a typical band, is not)."""
    head = _SENTENCE_END_RE.split(answer.strip(), maxsplit=1)[0]
    rng, first = _RANGE_RE.search(head), _FIRST_NUM_RE.search(head)
    return bool(rng and first and rng.start() <= first.start() < rng.end())


_STATUS_RE = re.compile(r"(?<![\w.])[45]\d\d(?![\w.])")


def without_quoted_statuses(answer: str, records: list[ToolCallRecord]) -> str:
    """The answer without the HTTP statuses of the run's failed calls it
    quotes ("rejected the request (422)"): the tool's error is cited, not a
    value claimed (an honest report of a failure is no hallucination)."""
    failed = {str(r.http_status) for r in records if r.status in ("error", "timeout")}
    if not failed:
        return answer
    return _STATUS_RE.sub(lambda m: "" if m.group(0) in failed else m.group(0), answer)


def gave_up(answer: str) -> bool:
    """The answer states no value and says it could not do the task."""
    return bool(_GAVE_UP_RE.search(answer)) and not extract_numbers(answer)


def _root_causes(
    codes: list[str], scenario: Scenario, run: ScenarioRun, score: ScenarioScore
) -> list[str]:
    answer = run.result.answer if run.result is not None else ""
    roots = [c for c in codes if c in _ROOT_CAUSES]
    drop: set[str] = set()
    if gave_up(without_quoted_statuses(answer, run.tool_calls)) and len(
        set(codes) - _GAVE_UP_SYMPTOMS
    ):
        drop |= _GAVE_UP_SYMPTOMS
    if roots:
        drop |= _DATA_SYMPTOMS
    if "ARENA-HALLUCINATION" in codes or ("MAST-3.3" in codes and score.hallucinated_claims):
        # wrong values are not the evidence either (an ungrounded number
        # that is the wrong result of the right data is MAST-3.3: detect)
        drop.add("ARENA-NO-EVIDENCE")
    if number_range(answer) and "MAST-1.1-FORMAT" in codes:
        # the bounds of a range given for one number are not claimed results
        drop |= _DATA_SYMPTOMS | {"MAST-3.3"}
    if (
        _ids_as_numbers(scenario, answer)
        or _masked_ids(scenario, run.tool_calls, answer)
        or _ids_shortened(scenario, answer)
    ) and ("MAST-1.1-FORMAT" in codes):
        # the asked ids by their numbers: the content is right, its form is
        # not (no "wrong result", and the ids are cited, in another form)
        drop |= _DATA_SYMPTOMS | {"MAST-3.3"}
    if (
        template_placeholders(answer)
        or _number_in_other_notation(scenario, answer)
        or doubled_text(answer)
        or _json_strings(scenario, answer)
    ) and ("MAST-1.1-FORMAT" in codes):
        # the numbers around a placeholder ("of 96 readings") are not the
        # result; a decimal comma's two halves, or a number in words, are
        # one right value; a doubled answer's glued numbers ("75.275.2")
        # are its copies
        drop |= _DATA_SYMPTOMS | {"MAST-3.3"}
    missing, rest_right = _json_fields_missing(scenario, answer)
    if missing and rest_right and "MAST-1.1-FORMAT" in codes:
        # every field given is right: the result is incomplete, not wrong
        drop.add("MAST-3.3")
    if leaked_trace(answer):
        # values, ids and numbers of a leaked scratchpad (tool arguments, cut
        # observations) are not the answer's claims: the leak is the cause
        drop |= _DATA_SYMPTOMS | {"MAST-3.3"}
    if score.passed:
        drop.add("MAST-1.1-FORMAT")  # the checker read the answer: not a failure to report
    kept = [c for c in codes if c not in drop]
    return kept or [c for c in codes if not (score.passed and c == "MAST-1.1-FORMAT")]


def _ids_shortened(scenario: Scenario, answer: str) -> bool:
    """An ids task answered by parts of the asked ids (``checks.ids_shortened``)."""
    check = scenario.expectation.check
    if scenario.output_format != "ids" or not isinstance(check, IdSetCheck):
        return False
    return ids_shortened(check, answer)


def _ids_as_numbers(scenario: Scenario, answer: str) -> bool | None:
    """An ids task answered by bare numbers (``checks.ids_as_bare_numbers``):
    None when not, else whether they are the numbers of the asked ids."""
    check = scenario.expectation.check
    if scenario.output_format != "ids" or not isinstance(check, IdSetCheck):
        return None
    return ids_as_bare_numbers(check, answer)


_MASK = "*#•"
_MASK_MAX_NAMES = 500  # entities compared (a history call returns many)


def _masked_ids(scenario: Scenario, records: list[ToolCallRecord], answer: str) -> bool:
    """The answer names an asked id, or an entity the run's tools returned,
    with its digits masked ("Chiller **", "WO******", "CQPB AHU *"): the id
    is there, in a form no one can use (whatever the answer's kind: a list,
    a sentence, a question back)."""
    if not any(c in answer for c in _MASK):
        return False
    check = scenario.expectation.check
    asked = list(check.ids) if isinstance(check, IdSetCheck) else []
    returned = sorted({e for r in records for e in r.entities if e} - set(asked))
    # the asked ids first: a history's many timestamps (no ids) must not
    # push them past the bound
    named = [
        n
        for n in dict.fromkeys([*asked, *returned])
        if re.search(r"[0-9]", n) and re.search(r"[^\W\d_]", n) and parse_time(n) is None
    ]
    digits = f"[0-9{re.escape(_MASK)}]+"
    text = answer.casefold()
    for name in named[:_MASK_MAX_NAMES]:
        parts = re.split(r"[0-9]+", name)
        if parts[0].casefold() not in text:
            continue  # a match starts with the name's text before its digits
        pattern = digits.join(re.escape(p) for p in parts)
        for m in re.finditer(rf"(?<![\w]){pattern}(?![\w])", answer, flags=re.IGNORECASE):
            if any(c in m.group(0) for c in _MASK):
                return True
    return False


def _json_fields_missing(scenario: Scenario, answer: str) -> tuple[list[str], bool]:
    """Fields of the requested JSON object the answer leaves out, and
    whether the fields it gives are right (``checks.json_fields_missing``)."""
    check = scenario.expectation.check
    if scenario.output_format != "json" or not isinstance(check, JsonFieldsCheck):
        return [], True
    return json_fields_missing(check, answer) or ([], True)


def _number_in_other_notation(scenario: Scenario, answer: str) -> bool:
    """The asked number, in the answer's first sentence, written with a
    decimal comma ("75,2" for 75.2) or in words ("seventy-five point two"),
    or a numeric field of the asked object written with a decimal comma."""
    check = scenario.expectation.check
    if scenario.output_format == "number" and isinstance(check, NumberCheck):
        head = _SENTENCE_END_RE.split(answer.strip(), maxsplit=1)[0]
        return any(
            within(v, check.value, check.rel_tol, check.abs_tol)
            for v in [*decimal_comma_numbers(head), *number_words(head)]
        )
    if scenario.output_format == "json" and isinstance(check, JsonFieldsCheck):
        return json_decimal_comma_fields(check, answer)
    return False


# "0 failure modes", "No matching alert rules", "None", "zero", or a JSON
# field set to null: the answer opens by saying there is nothing
_NONE_FOUND_RE = re.compile(r"^\W*(?:0|zero|no|none|nothing)(?![\w.])|\":\s*null\b", re.IGNORECASE)


def _none_found(answer: str) -> bool:
    """The answer reports that there is nothing (a zero count, "no ...",
    "none", a null field) rather than giving up."""
    return bool(_NONE_FOUND_RE.search(answer.strip())) and not gave_up(answer)


# what the checker read from an answer that does state a result, a wrong
# one: a number off the expected value; ids, some right and some not asked
# for (not an answer naming no asked id, nor one that only leaves some out);
# an object with every field, some values wrong
_WRONG_NUMBER_OR_IDS_RE = re.compile(r"^(?:number:mismatch|ids:f1=[\d.]+,tp=[1-9]\d*,fp=[1-9])")
_WRONG_FIELDS_RE = re.compile(r"^json:fields=(\d+)/(\d+),missing=0\b")


def _states_wrong_result(scenario: Scenario, answer: str, score: ScenarioScore) -> bool:
    """The checker read a stated result from the answer, and it is wrong. A
    JSON field of another type than asked ("zero point five" for a number)
    is a form the checker could not read, not a wrong value."""
    reason = score.task_completion.reason
    if _WRONG_NUMBER_OR_IDS_RE.match(reason):
        return True
    m = _WRONG_FIELDS_RE.match(reason)
    check = scenario.expectation.check
    if m is None or m.group(1) == m.group(2) or not isinstance(check, JsonFieldsCheck):
        return False
    return json_fields_of_asked_types(check, answer)


_LEADING_RE = re.compile(r"options=1/([2-9]|\d\d)")


_OFFERS_NONE_RE = re.compile(r"clarify:question=1,options=0/")
# a name of two words or more, each capitalised or a number ("Chiller 2",
# "Chiller 14 Supply Flow")
_NAME_RE = re.compile(r"\b[A-Z][\w-]*(?: (?:[A-Z][\w-]*|\d+[A-Za-z]?))+\b")


def _guessed_candidates(
    scenario: Scenario, records: list[ToolCallRecord], answer: str, score: ScenarioScore
) -> bool:
    """The question offers candidates, none of them one of the task's real
    ones, and two or more names in it appear neither in the task nor in any
    tool result: readings it guessed ("Chiller 1 or Chiller 2?" without
    listing the site's chillers), identifiers no tool returned."""
    if not _OFFERS_NONE_RE.match(score.task_completion.reason):
        return False
    seen = " | ".join(
        [normalise_id(scenario.text), *(normalise_id(e) for r in records for e in r.entities)]
    )
    offered = {normalise_id(m.group(0)) for m in _NAME_RE.finditer(answer)}
    unseen = {e for e in offered if e and not re.search(rf"(?<!\w){re.escape(e)}(?!\w)", seen)}
    return len(unseen) >= 2


def _asked_without_committing(score: ScenarioScore) -> bool:
    """The clarify check found a question and no committed result, and the
    question does not name exactly one of several candidates ("did you mean
    Chiller 3?" offers one reading as the answer)."""
    reason = score.task_completion.reason
    return (
        "clarify:question=1" in reason and "commits=0" in reason and not _LEADING_RE.search(reason)
    )


def _data_came_back(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """Every required tool answered with at least one record at some call."""
    required = _required_tools(scenario)
    answered = {
        canonical_tool(r.tool)
        for r in records
        if r.status in ("ok", "warning") and r.result_count > 0
    }
    return bool(required) and required <= answered


def _only_unasked_writes(
    scenario: Scenario, records: list[ToolCallRecord], answer: str, score: ScenarioScore
) -> bool:
    """The answer itself is right and the task failed for a write nobody
    asked for (an order opened, a record changed): not a wrong result."""
    if "unasked_writes" not in score.task_completion.reason:
        return False
    check = scenario.expectation.check
    return check_answer(check, answer, answer_pool(scenario, records)).passed


def _json_strings(scenario: Scenario, answer: str) -> bool:
    """A number or boolean of the asked object written as a string ("0.52",
    "true") whose value is right (``checks.json_values_as_strings``)."""
    check = scenario.expectation.check
    if scenario.output_format != "json" or not isinstance(check, JsonFieldsCheck):
        return False
    return json_values_as_strings(check, answer)


_NO_AGGREGATION = (None, "", "none", "raw")


def _unasked_aggregation(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """Every answered call of a required tool asked for another aggregation
    than the task's reference call (hourly means where the readings were
    needed, say): the data came back reshaped, and the result rests on it."""
    plan = {
        canonical_tool(f"{st.agent}.{st.tool}"): st.arguments.get("aggregation")
        for st in scenario.expectation.reference_plan
    }
    for req in scenario.expectation.required_retrievals:
        tool = canonical_tool(req.tool)
        want = req.arguments.get("aggregation", plan.get(tool))
        want = None if want in _NO_AGGREGATION else want
        calls = [r for r in records if canonical_tool(r.tool) == tool and r.status == "ok"]
        got = [r.arguments.get("aggregation") for r in calls]
        if calls and all((None if g in _NO_AGGREGATION else g) != want for g in got):
            return True
    return False


# Arguments that only page through a result (the rows are the same); with
# datasets, which _premature_calls judges, they are _NOT_COMPARED (below).
_PAGING_ARGS = frozenset({"page_size", "page", "cursor", "offset"})


def _off_reference_arguments(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """Every answered call of a data tool of the task's reference plan asked
    for other data than the reference call does, on an argument that call
    fixes: a value left out or different, a list sent as one string or
    missing items, a window that does not cover the reference one or is
    open where it is bounded (left out: every record, as the work-order
    tools read it).
    Or every answered call of such a tool sets an argument no reference
    call gives (``_unasked_filter``), or took an argument the plan feeds
    from an earlier step from a call for other data
    (``_input_from_other_data``).
    Asked of a run whose result is wrong although the required data came
    back: the result rests on data of another question (every year's work
    orders where one year's were asked, say), a wrong argument."""
    for step in scenario.expectation.reference_plan:
        tool = canonical_tool(f"{step.agent}.{step.tool}")
        if tool in DISCOVERY_TOOLS or step.agent == "utilities":
            continue
        calls = [r for r in records if canonical_tool(r.tool) == tool and r.status == "ok"]
        if calls and all(_off_reference(tool, step.arguments, r.arguments) for r in calls):
            return True
        # an empty answer is an answer too: a filter nobody asked for can
        # leave nothing to read ("0 work orders" from completed ones only)
        answered = [r for r in records if canonical_tool(r.tool) == tool and r.status in _ANSWERED]
        asked = _asked_keys(scenario, tool)
        if answered and all(_unasked_filter(tool, asked, r.arguments) for r in answered):
            return True
        if answered and all(_input_from_other_data(scenario, step, r, records) for r in answered):
            return True
    return False


_STEP_REF_RE = re.compile(r"^\s*\$?\{step(\d+)\.\w+\}\s*$")


def _input_from_other_data(
    scenario: Scenario, step: ReferenceStep, call: ToolCallRecord, records: list[ToolCallRecord]
) -> bool:
    """An argument the reference plan takes from an earlier step's output
    (``${step0.dataset_id}``) came from a call that asked for other data
    than that step does: a dataset id of a one-day preview sent to the
    forecast where the task's week was fetched too. Its producer is the
    first earlier call of the step's tool whose result carried the value."""
    plan = scenario.expectation.reference_plan
    for key, want in step.arguments.items():
        m = _STEP_REF_RE.match(want) if isinstance(want, str) else None
        value = call.arguments.get(key)
        if m is None or int(m.group(1)) >= len(plan) or not isinstance(value, str):
            continue
        source = plan[int(m.group(1))]
        source_tool = canonical_tool(f"{source.agent}.{source.tool}")
        producer = next(
            (
                r
                for r in records
                if r.seq < call.seq
                and canonical_tool(r.tool) == source_tool
                and r.status in ("ok", "warning")
                and value in r.entities
            ),
            None,
        )
        if producer is not None and _off_reference(
            source_tool, source.arguments, producer.arguments
        ):
            return True
    return False


def _asked_keys(scenario: Scenario, tool: str) -> set[str]:
    """The arguments any reference call or required retrieval of ``tool`` gives."""
    steps = [
        (canonical_tool(f"{st.agent}.{st.tool}"), st.arguments)
        for st in scenario.expectation.reference_plan
    ] + [(canonical_tool(r.tool), r.arguments) for r in scenario.expectation.required_retrievals]
    return {key for name, arguments in steps if name == tool for key in arguments}


def _unasked_filter(tool: str, asked: set[str], have: dict[str, Any]) -> bool:
    """The call sets an argument no reference call of the task gives, to a
    value other than the tool's default: a narrowing the task never asked
    for (a status, priority or work type filter on a listing). Window,
    paging and dataset arguments are judged elsewhere (_off_reference,
    _premature_calls)."""
    fields = TOOL_ARGS[tool].model_fields if tool in TOOL_ARGS else {}
    for key, value in have.items():
        if key in asked or key in WINDOW_KEYS or key in _NOT_COMPARED or key not in fields:
            continue
        if value is not None and value != fields[key].default:
            return True
    return False


def _off_reference(tool: str, want: dict[str, Any], have: dict[str, Any]) -> bool:
    for lo, hi in WINDOW_PAIRS:
        if lo not in want and hi not in want:
            continue
        if is_placeholder(want.get(lo)) or is_placeholder(want.get(hi)):
            continue
        need, got = window_of(tool, want, lo, hi), window_of(tool, have, lo, hi)
        # a wider bounded window is a broad but harmless fetch (the
        # baseline reads a day around one reading); an open one is not
        if not covered([got], need) or (None not in need and None in got):
            return True
    for key, value in want.items():
        if (
            key in WINDOW_KEYS
            or key in _NOT_COMPARED
            or key == "aggregation"  # _unasked_aggregation, with its equivalents
            or is_placeholder(value)
        ):
            continue
        got_value = have.get(key)
        if isinstance(value, list):
            # left out means all items, and more items than asked for
            # come back labelled (a sensor's column, a failure mode's
            # row): neither changes the data of the asked ones
            if got_value is not None and (
                not isinstance(got_value, list) or not value_matches(value, got_value)
            ):
                return True
        elif not value_matches(value, got_value):
            return True
    return False


# "95 readings", "192 rows of data": a whole number stated as how many of
# something (a plural noun after at most one other word)
_COUNT_CLAIM_RE = re.compile(r"(?<![\d.,])(\d+)\s+(?:[a-z-]+\s+)?[a-z]+s\b", re.IGNORECASE)
_MISCOUNT_MIN_ROWS = 4


def _miscounted_records(scenario: Scenario, records: list[ToolCallRecord], answer: str) -> bool:
    """The answer states a count that is no number of rows a required call
    returned (one call's, or one tool's pages together) but lies within a
    factor of two of one: rows skipped or counted twice, not invented."""
    required = _required_tools(scenario)
    rows: dict[str, list[int]] = {}
    for r in records:
        tool = canonical_tool(r.tool)
        if tool in required and r.status in ("ok", "warning") and r.result_count > 0:
            rows.setdefault(tool, []).append(r.result_count)
    totals = {n for counts in rows.values() for n in [*counts, sum(counts)]}
    totals = {n for n in totals if n >= _MISCOUNT_MIN_ROWS}
    if not totals:
        return False
    for m in _COUNT_CLAIM_RE.finditer(answer):
        stated = int(m.group(1))
        if stated not in totals and any(n / 2 <= stated <= 2 * n for n in totals):
            return True
    return False


def _answer_from_off_task_calls(
    scenario: Scenario,
    records: list[ToolCallRecord],
    answer: str,
    score: ScenarioScore,
    off_task: list[ToolCallRecord],
) -> bool:
    """The answer makes claims the task's own calls do not ground (the
    score's ``answer_grounding``), and the run's unrelated data calls
    (``off_task``: neither a required tool nor a lookup; the operator's
    answers and the utilities are no data) ground every one of them."""
    if not (answer and score.hallucinated_claims):
        return False
    if all(r.family == "utilities" for r in off_task):
        return False
    unrelated = {r.seq for r in off_task if r.family != "utilities"}
    task_calls = [r for r in records if r.seq not in unrelated]
    if ground_answer(answer, Evidence(scenario, task_calls)).hallucinated == 0:
        return False  # the utilities ground them (an operator's reply)
    return ground_answer(answer, Evidence(scenario, records)).hallucinated == 0


def _only_numbers_ungrounded(g: GroundingResult) -> bool:
    """Every ungrounded claim of the answer is a number (no invented id,
    name or timestamp, and the answer does claim something). Asked of a run
    whose required data all came back right and whose result is wrong: the
    ungrounded number is that wrong result, computed or reported wrongly
    from the right data (MAST-3.3: a sign flipped, a scale or unit
    confused), not a value invented without data (ARENA-HALLUCINATION,
    which stays for invented entities and for a right result padded with
    ungrounded figures)."""
    return g.hallucinated > 0 and all(k == "number" for k in g.kinds)


def _argument_error(scenario: Scenario, records: list[ToolCallRecord], premature: set[int]) -> bool:
    """A call for a required retrieval (or a reference call) that failed
    because of the agent's arguments, not the tool: the service refused its
    input (``_refused_input``) and it is not the task's call as written, so
    what it does differently was refused (an entity the service does not
    have, a window it cannot read, an argument the tool does not take, a
    page 0, a value in another spelling); or its arguments are the task's
    but its time window ends before it starts (reversed, or empty), which
    the service can only answer with nothing. ``premature``: the calls that
    acted before verifying their input (_premature_calls)."""
    # the required retrievals, and the reference calls (the lookup that
    # finds the equipment id, say) compared the same way
    wanted = [
        (canonical_tool(req.tool), req.arguments)
        for req in scenario.expectation.required_retrievals
    ]
    wanted += [
        (
            canonical_tool(f"{step.agent}.{step.tool}"),
            # a dataset comes from an earlier call: _premature_calls judges it
            {k: v for k, v in step.arguments.items() if k not in _NOT_COMPARED},
        )
        for step in scenario.expectation.reference_plan
    ]
    for tool, want in wanted:
        pairs = [(lo, hi) for lo, hi in WINDOW_PAIRS if lo in want or hi in want]
        for r in records:
            if canonical_tool(r.tool) != tool:
                continue
            refused = _refused_input(r) and r.arguments != want
            if not plain_arguments_match(want, r.arguments):
                if refused:
                    return True
                continue
            if refused and r.seq not in premature:
                # the task's arguments, refused for another one; a dataset
                # guessed before the data call is _premature_calls' to judge
                return True
            for lo_key, hi_key in pairs:
                got_lo, got_hi = window_of(tool, r.arguments, lo_key, hi_key)
                if got_lo is not None and got_hi is not None and got_lo >= got_hi:
                    return True
    return False


# 4xx answers that are not about a call's input: an unknown run token (the
# harness's), a run closed for its budget (the agent's steps, not arguments)
_NOT_ABOUT_INPUT = frozenset({401, 429})


def _refused_input(record: ToolCallRecord) -> bool:
    """The service refused the call's input: a 4xx answer about the input
    (not about the run) that no injected fault produced. The task's own calls
    are answered, so when the call differs from them the difference is what
    was refused, whichever argument it was (issue 19, fifteenth round: this
    replaced a rule per kind of argument seen, which each new batch of
    defects outran)."""
    return (
        record.status == "error"
        and 400 <= record.http_status < 500
        and record.http_status not in _NOT_ABOUT_INPUT
        and record.injected_fault is None
    )


def _sibling_instead(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """A required tool was never called, but another tool of its family
    (not a lookup, not required) was, and answered: the answer rests on
    data of another kind than the task needs, whatever it says."""
    required = _required_tools(scenario)
    called = {canonical_tool(r.tool) for r in records}
    answered = {
        canonical_tool(r.tool)
        for r in records
        if r.status in ("ok", "warning") and canonical_tool(r.tool) not in DISCOVERY_TOOLS
    }
    for tool in required - called:
        family = tool.split(".", 1)[0]
        if any(t.split(".", 1)[0] == family and t not in required for t in answered):
            return True
    return False


# Arguments that name data another call produces: a dataset only ever comes
# from an earlier call; an equipment or work-order id from an earlier call
# or the task. Used before that, they were guessed.
_DATASET_ARGS = ("dataset_id", "file_name")
_ID_ARGS = ("asset_num", "equipment_id", "wonum")
# Not compared with the reference call's: paging, and datasets (above)
_NOT_COMPARED = _PAGING_ARGS | frozenset(_DATASET_ARGS)


def _premature_calls(
    scenario: Scenario, records: list[ToolCallRecord]
) -> tuple[set[int], set[int]]:
    """Seqs of calls that acted before verifying their input: made before
    the first call of a family they depend on (the scenario's expected
    family order), or passing a dataset / equipment / work-order id that
    neither the task nor any earlier call produced. Lookups aside.

    Second set: those of them whose guessed dataset came after every family
    they depend on had answered: the agent had the dataset the data call
    returned and passed another (MAST-1.1-ARGS, a wrong argument), rather
    than acting before it had its input (ARENA-SEQUENCE)."""
    order = [f for f in scenario.expectation.family_order if f != "utilities"]
    task = normalise_id(scenario.text)
    first: dict[str, int] = {}
    for r in records:
        first.setdefault(r.family, r.seq)
    answered: dict[str, int] = {}
    for r in records:
        if r.status in ("ok", "warning"):
            answered.setdefault(r.family, r.seq)
    out: set[int] = set()
    misused: set[int] = set()
    seen: set[str] = set()
    for r in records:
        if canonical_tool(r.tool) not in DISCOVERY_TOOLS:
            before = order[: order.index(r.family)] if r.family in order else []
            guessed = {
                k
                for k in _DATASET_ARGS + _ID_ARGS
                if isinstance(v := r.arguments.get(k), str)
                and (n := normalise_id(v))
                and n not in seen
                and (k in _DATASET_ARGS or n not in task)
            }
            early = any(f not in first or first[f] > r.seq for f in before)
            if guessed or early:
                out.add(r.seq)
            if (
                guessed & set(_DATASET_ARGS)
                and not early
                and before
                and all(answered.get(f, r.seq) < r.seq for f in before)
            ):
                misused.add(r.seq)
        seen.update(normalise_id(e) for e in r.entities if e)
    return out, misused


def _retry_changed_window(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """A required call with the task's window failed or came back empty, and
    the first retry that answered (with data or with nothing) asked for
    another window (the window left out, so the tool's default range, or
    any other) or another page: the retry answered another question, and
    the answer rests on its data. The service logs the window a call
    selected, defaults included."""
    for req in scenario.expectation.required_retrievals:
        tool = canonical_tool(req.tool)
        pairs = [(lo, hi) for lo, hi in WINDOW_PAIRS if lo in req.arguments or hi in req.arguments]
        if not pairs:
            continue
        need = [window_of(tool, req.arguments, lo, hi) for lo, hi in pairs]
        calls = [r for r in records if canonical_tool(r.tool) == tool]
        for i, r in enumerate(calls):
            if r.status not in ("error", "timeout", "empty"):
                continue
            if [window_of(tool, r.arguments, lo, hi) for lo, hi in pairs] != need:
                continue
            retry = next((x for x in calls[i + 1 :] if x.status in _ANSWERED), None)
            if retry is None:
                continue
            if [window_of(tool, retry.arguments, lo, hi) for lo, hi in pairs] != need:
                return True
            if r.status != "empty" and _page_of(retry.arguments) != _page_of(r.arguments):
                # a failed page asked again as the next one (an empty page
                # may honestly end a listing: the next is not asked again)
                return True
    return False


# A retry that answered: with data, flagged data, or nothing
_ANSWERED = ("ok", "warning", "empty")
# Where a paged call starts when it gives no paging argument
_PAGE_DEFAULTS: dict[str, Any] = {"page": 1, "page_num": 1, "offset": 0, "cursor": None}


def _full_page_left(scenario: Scenario, records: list[ToolCallRecord]) -> bool:
    """A call of a required tool came back with a full page (as many rows as
    its page size) and no later call of the tool asked for another page of
    the same data: the rest of the listing was never retrieved."""
    required = _required_tools(scenario)
    for i, r in enumerate(records):
        tool = canonical_tool(r.tool)
        if tool not in required or r.status not in ("ok", "warning"):
            continue
        size = _page_size(tool, r.arguments)
        if size is None or r.result_count < size or r.result_count == 0:
            continue
        rest = {k: v for k, v in r.arguments.items() if k not in _PAGING_ARGS}
        later = [x for x in records[i + 1 :] if canonical_tool(x.tool) == tool]
        if not any(
            {k: v for k, v in x.arguments.items() if k not in _PAGING_ARGS} == rest
            and _page_of(x.arguments) != _page_of(r.arguments)
            for x in later
        ) and not any(_read_in_full(tool, x, r) for x in later):
            return True
    return False


def _page_size(tool: str, args: dict[str, Any]) -> int | None:
    """The page size a call of a paged tool asked for (the tool's default
    when left out); None for a tool that does not page or a size that is
    not a number."""
    field = TOOL_ARGS[tool].model_fields.get("page_size") if tool in TOOL_ARGS else None
    size = None if field is None else args.get("page_size", field.default)
    return size if isinstance(size, int) else None


def _read_in_full(tool: str, x: ToolCallRecord, r: ToolCallRecord) -> bool:
    """``x`` answered with less than a full page over a window that covers
    ``r``'s (a preview fetched first, the whole window read after it)."""
    size = _page_size(tool, x.arguments)
    if x.status not in ("ok", "warning") or size is None or x.result_count >= size:
        return False
    pairs = [(lo, hi) for lo, hi in WINDOW_PAIRS if lo in r.arguments or hi in r.arguments]
    return bool(pairs) and all(
        covered([window_of(tool, x.arguments, lo, hi)], window_of(tool, r.arguments, lo, hi))
        for lo, hi in pairs
    )


def _page_of(args: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(args.get(k, default) for k, default in _PAGE_DEFAULTS.items())


def _warning_handled(records: list[ToolCallRecord], i: int, answer: str) -> bool:
    """A warned call is handled by a later clean call for the same data or by
    an answer that names that data as doubtful (as the rubric judges it)."""
    r = records[i]
    return any(_same_target(r, x) and _clean(x) for x in records[i + 1 :]) or (
        _names_the_failed_data(r, answer)
    )


def _all_families_present(reason: str) -> bool:
    """Every expected family was used: a missing pair then is an ordering
    (lineage) problem, not a family that was never reached."""
    m = re.search(r"families=(\d+)/(\d+)", reason)
    return not m or m.group(1) == m.group(2)


def _all_pairs_ok(reason: str) -> bool:
    m = re.search(r"pairs=(\d+)/(\d+)", reason)
    return not m or m.group(1) == m.group(2)


_UNLOGGED_CALLS_MIN = 2


def _tool_name(tool: str) -> str:
    """A tool's name without its family ("history" for "iot.history")."""
    return canonical_tool(tool).split(".", 1)[-1]


def _trajectory_mismatch(run: ScenarioRun) -> bool:
    """The self-report names tools the server never saw called (at least two
    claimed calls, most of them unconfirmed by the log), or claims at least
    two more calls of a tool than the log holds and at least two more calls
    in all (retries reported that never reached the service: a failed
    response replayed from a cache; a retry that re-sent another call did
    reach it)."""
    assert run.result is not None
    claimed = [_tool_name(s.tool) for s in run.result.trajectory if s.tool]
    if len(claimed) < 2:
        return False
    logged = Counter(_tool_name(r.tool) for r in run.tool_calls)
    if sum(1 for t in claimed if t not in logged) * 2 > len(claimed):
        return True
    extra = sum(max(0, n - logged[t]) for t, n in Counter(claimed).items())
    unlogged = len(claimed) - len(run.tool_calls)
    return min(extra, unlogged) >= _UNLOGGED_CALLS_MIN


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

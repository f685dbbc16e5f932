"""Failure taxonomy: stable codes, their seed category, the MAST mode they
refine, a generic statement (what detectors emit) and a description (used
as an embedding prototype to map free-text failures onto known codes).

Codes are stable public identifiers: never renumber, only add.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from evaluator.models import TaxonomyCategory

NOVEL = "NOVEL"


@dataclass(frozen=True)
class FailureMode:
    code: str
    category: TaxonomyCategory
    mast: str | None  # MAST mode id (Cemri et al. 2025) this refines, if any
    label: str
    statement: str  # generic text a detector emits (no scenario data)
    description: str  # longer prototype text for matching free-text failures


_MODES = [
    FailureMode(
        "ARENA-TIMEOUT",
        "Other",
        "MAST-1.5",
        "Run exceeded the time limit",
        "The agent ran past the wall-clock limit and was stopped before writing a result.",
        "The agent did not finish in time; the run hit its wall-clock timeout and was "
        "killed, so no answer was produced.",
    ),
    FailureMode(
        "ARENA-OOM",
        "Other",
        None,
        "Run exceeded the memory limit",
        "The agent exceeded its memory limit and was killed.",
        "The agent process ran out of memory and was terminated by the sandbox.",
    ),
    FailureMode(
        "ARENA-OUTPUT",
        "Formatting Issues",
        None,
        "Missing or invalid result file",
        "The agent did not write a readable result file.",
        "The result file was missing, was not valid JSON, or was too large to read.",
    ),
    FailureMode(
        "MAST-3.1",
        "Overstated Completion",
        "MAST-3.1",
        "Premature termination",
        "The agent stopped before retrieving the data the task required.",
        "The agent ended the task early: it answered or gave up before calling the tools "
        "needed to obtain the required data.",
    ),
    FailureMode(
        "ARENA-EMPTY",
        "Formatting Issues",
        "MAST-3.1",
        "No final answer",
        "The agent finished without giving a final answer or plan.",
        "The run completed but the final answer was empty, so nothing could be assessed.",
    ),
    FailureMode(
        "MAST-1.1-FORMAT",
        "Formatting Issues",
        "MAST-1.1",
        "Requested output format ignored",
        "The answer did not follow the requested output format.",
        "The task asked for a specific output format (a number, a list of ids or a JSON "
        "object) but the answer used another format or could not be parsed.",
    ),
    FailureMode(
        "MAST-1.1-ARGS",
        "Other",
        "MAST-1.1",
        "Wrong asset, sensor or time window",
        "The agent retrieved data for the wrong asset, sensor or time window.",
        "Tool calls used arguments that do not match the task: another asset, another "
        "sensor, or a time window that does not cover the one asked for.",
    ),
    FailureMode(
        "MAST-1.3",
        "Other",
        "MAST-1.3",
        "Step repetition",
        "The agent repeated an identical tool call several times.",
        "The agent issued the same tool call with the same arguments again and again "
        "without using the result, wasting steps.",
    ),
    FailureMode(
        "MAST-1.5",
        "Other",
        "MAST-1.5",
        "Unaware of termination conditions",
        "The agent kept calling tools far beyond what the task needed.",
        "The agent did not recognise that it had enough information and continued "
        "making many more tool calls than required.",
    ),
    FailureMode(
        "MAST-2.2",
        "Other",
        "MAST-2.2",
        "Failed to ask for clarification",
        "The agent committed to one reading of an ambiguous task instead of asking.",
        "The request was ambiguous between several candidates but the agent silently "
        "picked one instead of asking a clarifying question.",
    ),
    FailureMode(
        "MAST-2.3",
        "Other",
        "MAST-2.3",
        "Task derailment",
        "The agent made many calls unrelated to the task.",
        "The agent drifted away from the task and queried tools or data that had nothing "
        "to do with the question.",
    ),
    FailureMode(
        "MAST-2.5",
        "Ignored Feedback",
        "MAST-2.5",
        "Ignored tool feedback",
        "The agent repeated a call the tool had rejected without changing it.",
        "A tool returned a validation error or warning explaining what was wrong, and the "
        "agent sent the same request again instead of correcting it.",
    ),
    FailureMode(
        "MAST-2.6",
        "Other",
        "MAST-2.6",
        "Reasoning-action mismatch",
        "The agent's reported steps do not match the tool calls it actually made.",
        "The self-reported trajectory claims tool calls or observations that the "
        "server-side log does not contain.",
    ),
    FailureMode(
        "ARENA-UNHANDLED-ERROR",
        "Unhandled Tool Errors",
        "MAST-3.2",
        "Unhandled tool error",
        "A tool error or timeout was neither retried nor reported.",
        "A tool call failed or timed out and the agent neither retried it nor mentioned "
        "the failure in its answer.",
    ),
    FailureMode(
        "ARENA-RECOVERY",
        "Ineffective Error Recovery",
        "MAST-3.2",
        "Ineffective error recovery",
        "The agent retried after a tool failure but never obtained the data.",
        "After a tool failure the agent retried, but its retries kept failing or went "
        "elsewhere, so the missing data was never recovered.",
    ),
    FailureMode(
        "ARENA-OVERSTATED",
        "Overstated Completion",
        "MAST-3.3",
        "Overstated completion",
        "The answer claims a result although required data was never retrieved.",
        "The agent presented a confident final answer as if the task were complete, while "
        "the data needed for it was missing or failed to load.",
    ),
    FailureMode(
        "ARENA-HALLUCINATION",
        "Overstated Completion",
        "MAST-3.3",
        "Ungrounded values in the answer",
        "The answer states values or identifiers that appear in no tool result.",
        "The final answer contains numbers, ids or names that were never observed in any "
        "tool output nor given in the task.",
    ),
    FailureMode(
        "MAST-3.3",
        "Other",
        "MAST-3.3",
        "Incorrect result despite the right data",
        "The agent retrieved the right data but reported a wrong result.",
        "The required data was retrieved correctly, yet the computed or summarised answer "
        "does not match it.",
    ),
    FailureMode(
        "ARENA-NO-EVIDENCE",
        "Formatting Issues",
        None,
        "Answer lacks justification",
        "The answer gives no supporting evidence for its result.",
        "The answer states a result without citing the retrieved values, ids or sources "
        "that justify it.",
    ),
    FailureMode(
        "ARENA-PLAN-INVALID",
        "Formatting Issues",
        "MAST-1.1",
        "Invalid plan steps",
        "The plan names tools or arguments that do not exist.",
        "Steps of the submitted plan reference unknown tools or arguments that fail "
        "validation, so the plan could not be executed.",
    ),
    FailureMode(
        "ARENA-PLAN-ORDER",
        "Other",
        "MAST-1.1",
        "Plan order violates dependencies",
        "The plan orders steps against their data dependencies.",
        "A plan step uses results (for example a forecast or anomaly scan) before the step "
        "that produces its input data.",
    ),
    FailureMode(
        "ARENA-SEQUENCE",
        "Other",
        "MAST-1.1",
        "Tool families called out of order",
        "The agent called tool families out of their dependency order.",
        "The agent used analytics or work-order tools before retrieving the telemetry or "
        "failure-mode data they depend on.",
    ),
]

TAXONOMY: dict[str, FailureMode] = {m.code: m for m in _MODES}


def mode(code: str) -> FailureMode:
    return TAXONOMY[code]


# Few-shot example phrasings per code (as MAST's judge prompt pairs each
# definition with examples). Written from the definitions, in the generic
# words an LLM reviewer tends to use; they anchor free-text statements to
# known codes. The clustering benchmark's corpus was written separately.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "ARENA-TIMEOUT": (
        "run timed out before completion",
        "execution exceeded the allowed time and was killed",
        "agent was too slow and hit the deadline",
    ),
    "ARENA-OOM": (
        "process killed for using too much memory",
        "out of memory error terminated the container",
    ),
    "ARENA-OUTPUT": (
        "no result file was written",
        "result output file missing or unreadable",
    ),
    "ARENA-EMPTY": (
        "final answer was empty",
        "agent returned nothing as its answer",
    ),
    "MAST-3.1": (
        "stopped early before getting the required data",
        "ended the task prematurely after too few steps",
        "answered without querying the data it needed",
        "gave up before finishing all the sub-tasks",
        "terminated before the analysis was performed",
        "incomplete run: skipped the remaining steps",
    ),
    "MAST-1.1-FORMAT": (
        "answer not in the requested format",
        "returned free text instead of the required JSON",
        "output could not be parsed as the expected structure",
        "ignored the output format instructions",
        "malformed json output with missing fields",
        "gave a paragraph where a single value was expected",
    ),
    "MAST-1.1-ARGS": (
        "queried the wrong asset",
        "used an incorrect date range for the data request",
        "retrieved the wrong sensor",
        "passed wrong parameters such as site or equipment id to the tool",
        "data fetched for a different period than asked",
        "confused one asset with another when querying",
    ),
    "MAST-1.3": (
        "repeated the same tool call many times",
        "stuck in a loop issuing identical requests",
        "redundant duplicate calls with unchanged arguments",
        "re-ran the same query again and again without progress",
        "unnecessary repetition of a step that already returned data",
    ),
    "MAST-1.5": (
        "far too many tool calls for a simple task",
        "did not know when to stop and kept exploring",
        "excessive querying long after having enough information",
        "no stopping condition, ran until the step limit",
        "wasted the call budget on unnecessary lookups",
    ),
    "MAST-2.2": (
        "did not ask a clarifying question about an ambiguous request",
        "guessed which asset the user meant instead of asking",
        "assumed an interpretation of an unclear question",
        "should have asked the user to clarify",
        "failed to disambiguate the request before answering",
    ),
    "MAST-2.3": (
        "drifted off task into unrelated queries",
        "made many calls that had nothing to do with the question",
    ),
    "MAST-2.5": (
        "ignored the error message from the tool and resent the same request",
        "did not act on validation feedback about invalid parameters",
        "repeated a rejected request without fixing the arguments",
        "disregarded a warning returned by the tool",
        "overlooked guidance in the tool response",
    ),
    "MAST-2.6": (
        "stated plan and actual tool calls do not match",
        "claimed to run steps that never happened",
        "reasoning says one thing, actions do another",
        "reported observations absent from the real call log",
        "described an analysis it did not actually execute",
    ),
    "ARENA-UNHANDLED-ERROR": (
        "tool error ignored and never retried",
        "failed call not reported in the answer",
        "continued as if a failed request had succeeded",
        "did not notice the tool timed out",
        "unhandled exception from the service",
        "silent failure with no retry or mention",
    ),
    "ARENA-RECOVERY": (
        "retries after the failure kept failing",
        "recovery attempt did not get the missing data",
        "fallback approach after the error did not work",
        "could not recover from the tool failure despite retrying",
        "retried the broken call without changing anything",
    ),
    "ARENA-OVERSTATED": (
        "claimed the task was complete although data was missing",
        "declared success despite failed retrieval",
        "answer presented as final and confident without the needed data",
        "overstated progress in the summary",
        "asserted results that were never computed",
    ),
    "ARENA-HALLUCINATION": (
        "made up numbers not present in any tool output",
        "fabricated identifiers or names",
        "invented readings or values",
        "cited data that was never observed",
        "confabulated details not supported by retrieved data",
        "mentioned a work order or sensor that does not exist",
    ),
    "MAST-3.3": (
        "right data retrieved but wrong result reported",
        "computed answer disagrees with the observed data",
    ),
    "ARENA-NO-EVIDENCE": (
        "answer lacks supporting evidence",
        "no justification or sources cited for the result",
    ),
    "ARENA-PLAN-INVALID": (
        "plan uses tools that do not exist",
        "plan step arguments fail validation",
    ),
    "ARENA-PLAN-ORDER": (
        "plan steps ordered against their dependencies",
        "plan uses outputs before the step that produces them",
    ),
    "ARENA-SEQUENCE": (
        "called tools out of order",
        "ran analytics before retrieving the telemetry",
    ),
}


_MORE_EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "prototypes.yaml"


_CONTRAST_KEY = "contrast"


@lru_cache(maxsize=1)
def _prototype_file() -> dict:
    data = yaml.safe_load(_MORE_EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    contrast = data.pop(_CONTRAST_KEY, None) or {}
    unknown = (set(data) | set(contrast)) - set(TAXONOMY)
    if unknown:
        raise ValueError(f"prototypes.yaml names unknown codes: {sorted(unknown)}")
    return {"examples": data, "contrast": contrast}


@lru_cache(maxsize=1)
def more_examples() -> dict[str, tuple[str, ...]]:
    """Further example phrasings per code (evaluator/data/prototypes.yaml)."""
    data = _prototype_file()["examples"]
    return {code: tuple(str(t) for t in texts) for code, texts in data.items()}


@lru_cache(maxsize=1)
def _contrast_texts() -> tuple[tuple[str, str], ...]:
    data = _prototype_file()["contrast"]
    return tuple((code, str(t)) for code in sorted(data) for t in data[code])


def contrast_texts() -> list[tuple[str, str]]:
    """(code, text) pairs that *sound like* a code but describe something
    else, mostly its opposite ("asked for clarification when none was
    needed" for MAST-2.2, "failed to ask"): a free-text statement closer to
    a code's contrast texts than to its prototypes is not mapped onto that
    code (``evaluator.cluster``; prototypes.yaml, key ``contrast``)."""
    return list(_contrast_texts())


_SENTENCES_FILE = Path(__file__).resolve().parent / "data" / "prototypes_sentences.yaml"


@lru_cache(maxsize=1)
def sentence_examples() -> dict[str, tuple[str, ...]]:
    """Paraphrase families per code for sentence encoders
    (evaluator/data/prototypes_sentences.yaml)."""
    data = yaml.safe_load(_SENTENCES_FILE.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(TAXONOMY)
    if unknown:
        raise ValueError(f"prototypes_sentences.yaml names unknown codes: {sorted(unknown)}")
    return {code: tuple(str(t) for t in texts) for code, texts in data.items()}


@lru_cache(maxsize=2)
def _prototype_texts(sentences: bool) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    extra = more_examples()
    more = sentence_examples() if sentences else {}
    for code in sorted(TAXONOMY):
        m = TAXONOMY[code]
        out.append((code, f"{m.label}. {m.statement}"))
        out.append((code, m.description))
        out.extend((code, e) for e in EXAMPLES.get(code, ()))
        out.extend((code, e) for e in extra.get(code, ()))
        out.extend((code, e) for e in more.get(code, ()))
    return tuple(out)


def prototype_texts(sentences: bool = False) -> list[tuple[str, str]]:
    """(code, text) pairs used as anchors: label+statement, description,
    examples (EXAMPLES and evaluator/data/prototypes.yaml); with
    ``sentences``, also the paraphrase families of
    evaluator/data/prototypes_sentences.yaml (sentence encoders)."""
    return list(_prototype_texts(sentences))

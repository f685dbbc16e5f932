"""Failure taxonomy: stable codes, their seed category, the MAST mode they
refine, a generic statement (what detectors emit) and a description (used
as an embedding prototype to map free-text failures onto known codes).

Codes are stable public identifiers: never renumber, only add.
"""

from __future__ import annotations

from dataclasses import dataclass

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

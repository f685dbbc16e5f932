"""The asset-data service's authoritative tool-call log and fault plans.

One ToolCallRecord per call, appended as a JSON line to
``<runs_dir>/logs/<run_token>.jsonl`` by the service. The evaluator trusts only
these records, never the agent's self-reported trajectory.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal["error", "timeout", "empty", "warning"]
CallStatus = Literal["ok", "empty", "warning", "error", "timeout"]


class FaultSpec(BaseModel):
    """Inject a fault into the first ``first_n`` calls of ``tool`` in one run."""

    model_config = ConfigDict(extra="forbid")

    tool: str  # qualified tool name, e.g. "iot.history"
    kind: FaultKind
    first_n: int = Field(default=1, ge=1, le=10)
    message: str = ""  # text returned with error/warning faults (generic, no scenario data)


ClarificationTopic = Literal["asset", "sensor", "window", "unit", "workorder"]
ClarificationKind = Literal["specific", "vague", "unneeded"]


class Clarification(BaseModel):
    """What the operator meant in an ambiguous task. Hidden from the agent:
    ``utilities.ask_operator`` answers from it (issue 17)."""

    model_config = ConfigDict(extra="forbid")

    topic: ClarificationTopic
    # A specific question names the ambiguous dimension: one of these words
    # ("which chiller", "asset", "sensor", "window", "unit", ...) or one of
    # the candidate names.
    keywords: list[str] = Field(min_length=1)
    answer: str  # the specific answer, e.g. "I meant Chiller 9."
    vague_answer: str = "The one I asked about. What exactly do you need to know?"


class RunPlan(BaseModel):
    """What the worker hands the service for one scenario run."""

    model_config = ConfigDict(extra="forbid")

    run_token: str
    faults: list[FaultSpec] = Field(default_factory=list)
    # None: the task is clear; asking gets "the task is clear as stated"
    clarification: Clarification | None = None


class ToolCallRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    seq: int  # 0-based order within the run
    tool: str  # qualified, e.g. "iot.history"
    family: Literal["iot", "fmsr", "tsfm", "wo", "utilities"]
    arguments: dict[str, Any] = Field(default_factory=dict)
    status: CallStatus
    http_status: int = 200
    error_code: str | None = None  # stable machine code, e.g. "unknown_asset"
    injected_fault: FaultKind | None = None
    latency_ms: float = 0.0
    # What the call returned, reduced for the evaluator: the ids/names
    # (assets, sensors, work orders, failure modes, dataset ids, timestamps
    # as ISO strings) and the numbers (capped, see MAX_VALUES).
    entities: list[str] = Field(default_factory=list)
    values: list[float] = Field(default_factory=list)
    result_count: int = 0
    # utilities.ask_operator only: how the question was answered
    clarification: ClarificationKind | None = None
    # work-order write tools only: the order written and its state after the
    # call (wonum, status, priority, failure code, ...), for the action checks
    written: dict[str, Any] | None = None


MAX_ENTITIES = 2000
MAX_VALUES = 5000

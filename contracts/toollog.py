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


class RunPlan(BaseModel):
    """What the worker hands the service for one scenario run."""

    model_config = ConfigDict(extra="forbid")

    run_token: str
    faults: list[FaultSpec] = Field(default_factory=list)


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


MAX_ENTITIES = 2000
MAX_VALUES = 5000

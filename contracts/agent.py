"""The agent contract: what an agent container reads and writes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts import CONTRACT_VERSION

Track = Literal["planning", "execution"]
OutputFormat = Literal["text", "number", "ids", "json"]
# Tool families an agent can address (the fifth scenario family, "multi", is
# a scenario property, not something a plan step names).
ToolFamily = Literal["iot", "fmsr", "tsfm", "wo", "utilities"]

MAX_ANSWER_CHARS = 20_000
MAX_PLAN_STEPS = 50
MAX_TRAJECTORY_STEPS = 200
MAX_RESULT_BYTES = 1_048_576  # /output/result.json larger than this is a scored failure


class ScenarioInput(BaseModel):
    """/input/scenario.json, read-only inside the agent container."""

    model_config = ConfigDict(extra="forbid")

    contract_version: str = CONTRACT_VERSION
    run_id: str  # opaque, run-scoped; never the scenario id
    task: str
    track: Track
    output_format: OutputFormat
    output_hint: str = ""


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="ignore")

    agent: ToolFamily
    tool: str  # tool name without family prefix, e.g. "history"
    arguments: dict[str, Any] = Field(default_factory=dict)


class TrajectoryStep(BaseModel):
    model_config = ConfigDict(extra="ignore")

    thought: str | None = Field(default=None, max_length=4000)
    tool: str | None = None
    arguments: dict[str, Any] | None = None
    observation: str | None = Field(default=None, max_length=8000)


class AgentResult(BaseModel):
    """/output/result.json written by the agent. Parsed strictly: NaN/inf
    rejected by the reader, size capped at MAX_RESULT_BYTES."""

    model_config = ConfigDict(extra="ignore")

    answer: str = Field(default="", max_length=MAX_ANSWER_CHARS)
    plan: list[PlanStep] = Field(default_factory=list, max_length=MAX_PLAN_STEPS)
    trajectory: list[TrajectoryStep] = Field(default_factory=list, max_length=MAX_TRAJECTORY_STEPS)

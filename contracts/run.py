"""What the runner observed about one scenario run (exit facts), and the
bundle handed to the evaluator. Stays in worker memory; never persisted."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contracts.agent import AgentResult
from contracts.toollog import ToolCallRecord

OutputStatus = Literal["ok", "missing", "invalid", "too_large"]


class RunFacts(BaseModel):
    exit_code: int | None = None
    timed_out: bool = False
    oom_killed: bool = False
    output_status: OutputStatus = "ok"
    output_error: str | None = None  # short machine reason, e.g. "json: NaN not allowed"
    wall_seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    llm_model: str | None = None  # model the agent used through the gateway, if any


class ScenarioRun(BaseModel):
    """Everything the evaluator needs about one run, besides the scenario."""

    scenario_id: str
    track: Literal["planning", "execution"]
    # which of the phase's k independent attempts at the scenario (1..k); each
    # attempt is its own run: own container, run token, tool log and budget
    attempt: int = Field(1, ge=1)
    result: AgentResult | None = None  # None when output missing/invalid
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    facts: RunFacts = Field(default_factory=RunFacts)

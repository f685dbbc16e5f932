"""JSON shapes of submissions (documented in docs/api.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

StatusName = Literal[
    "submitted", "queued", "validating", "running", "scoring", "finished", "failed", "cancelled"
]


class InvarianceOut(BaseModel):
    """Invariance probes: the same sampled scenarios re-run written otherwise."""

    sample: int = Field(description="scenarios probed per variant kind")
    entity_kept: float | None = Field(
        None, description="% of the sampled score kept when assets and dates are written otherwise"
    )
    phrasing_kept: float | None = Field(
        None, description="% of the sampled score kept with another phrasing of the task"
    )


class PackOut(BaseModel):
    name: str
    version: str


class IntervalOut(BaseModel):
    low: float
    high: float


class ScoresOut(BaseModel):
    """Aggregates 0-100; ``hallucination_rate`` is a rate (lower is better)."""

    task_completion: float
    retrieval_accuracy: float
    result_verification: float
    sequence_correctness: float
    clarity_justification: float
    hallucination_rate: float
    overall: float
    pass_rate: float
    deployment_ready: bool = Field(
        description="rubric 2: pass rate >= 85 % (rubric 1: overall >= 85)"
    )
    rubric_version: int = Field(1, description="the scoring rubric that computed these scores")
    scenario_pack: PackOut | None = Field(None, description="the scenario pack scored on")
    invariance: InvarianceOut | None = None
    scenarios: int
    passed: int
    hallucination_rate_answered: float | None = Field(
        None, description="hallucination rate over runs that gave an answer"
    )
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    failure_statements: int
    run_failures: dict[str, int] = Field(
        default_factory=dict, description="runs that failed, by kind (timeout, ...)"
    )
    groups: list[dict[str, Any]] = Field(
        default_factory=list,
        description="aggregates per agent family / task type, only for groups of >= 5 scenarios",
    )
    # repeated attempts and uncertainty (docs/scoring.md §3)
    attempts: int = Field(1, description="k: independent runs of every scenario")
    runs: int = Field(0, description="scored runs: scenarios x attempts")
    pass_hat_k: float | None = Field(
        None, description="% of scenarios passed in all k attempts (pass^k; = pass_rate for k=1)"
    )
    flip_rate: float | None = Field(
        None, description="% of scenarios whose outcome differed between attempts (k >= 2)"
    )
    overall_attempt_sd: float | None = Field(
        None, description="SD of the k per-attempt overall means (k >= 2)"
    )
    intervals: dict[str, IntervalOut] = Field(
        default_factory=dict,
        description="95 % bootstrap intervals over scenarios and attempts: the six dimensions, "
        "overall and pass_rate (empty for scores written before intervals existed)",
    )
    tokens: int = Field(0, description="LLM tokens of every run of the evaluation")
    wall_seconds: float | None = Field(None, description="the evaluation's wall time")
    record: dict[str, Any] | None = Field(
        None,
        description="the reproducibility record (docs/api.md); also "
        "GET /api/v1/submissions/{id}/record as a download",
    )


class RecordOut(BaseModel):
    """The downloadable reproducibility record: scores and what produced them."""

    submission_id: uuid.UUID
    team: str
    phase_id: int
    track: str
    scores: ScoresOut
    record: dict[str, Any]


class FailureOut(BaseModel):
    code: str
    message: str
    kind: Literal["participant", "infrastructure", "operator"] | None
    counts_against_quota: bool = False


class SubmissionOut(BaseModel):
    id: uuid.UUID
    team: str
    phase_id: int
    track: str
    status: StatusName
    progress: float = Field(description="0..1, scenarios done / total")
    scenarios_done: int
    scenarios_total: int
    image_sha256: str
    image_bytes: int
    hidden: bool
    attempt: int
    created_at: datetime
    queued_at: datetime | None
    validating_at: datetime | None
    running_at: datetime | None
    scoring_at: datetime | None
    finished_at: datetime | None
    deadline_at: datetime | None
    failure: FailureOut | None
    scores: ScoresOut | None


class SubmissionPage(BaseModel):
    items: list[SubmissionOut]
    total: int
    page: int
    page_size: int


class ClusterCountOut(BaseModel):
    cluster_id: str
    label: str
    category: str
    code: str | None
    catalog_status: str
    count: int
    share: float = Field(description="share of this submission's failure statements, 0..1")
    title: str = Field("", description="what the cluster means, in plain words")
    check: str = Field("", description="one line: what to check in your agent")


class FailureSummaryOut(BaseModel):
    submission_id: uuid.UUID
    status: StatusName
    failure: FailureOut | None
    total_failures: int
    clusters: list[ClusterCountOut]

"""Leaderboard JSON shapes: the native board and the Codabench-shaped one."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class Column(BaseModel):
    key: str
    title: str
    precision: int
    higher_is_better: bool


class ClusterShare(BaseModel):
    cluster_id: str
    label: str
    share: float


class CiOut(BaseModel):
    low: float
    high: float


class Entry(BaseModel):
    rank: int = Field(
        description="shared by entries whose 95 % intervals of overall overlap the one above "
        "(statistically tied); otherwise the position"
    )
    position: int = Field(description="1-based place in the board's order (overall, desc)")
    tied: bool = Field(
        False, description="statistically tied with the entry above (shares its rank)"
    )
    team: str
    team_display_name: str
    submission_id: uuid.UUID
    submitted_at: datetime
    finished_at: datetime | None
    overall: float
    pass_rate: float
    task_completion: float
    retrieval_accuracy: float
    result_verification: float
    sequence_correctness: float
    clarity_justification: float
    hallucination_rate: float = Field(description="rate 0-100, lower is better")
    deployment_ready: bool = Field(
        description="rubric 2: pass rate >= 85 % (rubric 1: overall >= 85)"
    )
    rubric_version: int = 1
    scenarios: int
    attempts: int = Field(1, description="k: independent runs of every scenario")
    overall_ci_low: float | None = Field(None, description="95 % interval of overall, low end")
    overall_ci_high: float | None = Field(None, description="95 % interval of overall, high end")
    intervals: dict[str, CiOut] = Field(
        default_factory=dict,
        description="95 % intervals of overall, pass_rate and the six dimensions "
        "(empty for scores written before intervals existed)",
    )
    pass_hat_k: float | None = Field(None, description="% of scenarios passed in all k attempts")
    tokens: int = Field(0, description="LLM tokens of every run of the evaluation")
    wall_seconds: float | None = Field(None, description="the evaluation's wall time")
    top_failure_clusters: list[ClusterShare]


class ScenarioPackRef(BaseModel):
    name: str
    version: str
    public: bool = Field(description="true: participants can read the scenarios scored here")


class PhaseRef(BaseModel):
    id: int
    title: str
    visibility: str
    scenario_pack: ScenarioPackRef | None = Field(
        None, description="the pack the phase is scored on (null until its first evaluation)"
    )


class Leaderboard(BaseModel):
    phase: PhaseRef
    track: str
    version: int = Field(description="bumped on every change; the ETag derives from it")
    columns: list[Column]
    total: int
    page: int
    page_size: int
    entries: list[Entry]


# ---- Codabench shape (GET /api/phases/{id}/get_leaderboard/) ------------------
class CbScore(BaseModel):
    index: int
    score: str = Field(description="rounded to the column precision, as Codabench sends it")
    task_id: int
    column_key: str


class CbSubmission(BaseModel):
    id: str
    owner: str
    scores: list[CbScore]
    created_when: datetime
    detailed_results: list[dict] = Field(default_factory=list)
    fact_sheet_answers: dict | None = None
    slug_url: str | None = None
    organization: dict | None = None


class CbColumn(BaseModel):
    index: int
    key: str
    title: str
    precision: int
    sorting: str
    hidden: bool = False
    computation: str | None = None


class CbTask(BaseModel):
    name: str
    id: int
    colWidth: int  # noqa: N815 - Codabench's field name
    columns: list[CbColumn]


class CbLeaderboard(BaseModel):
    title: str
    id: int
    submissions: list[CbSubmission]
    tasks: list[CbTask]
    fact_sheet_keys: list | None = None
    primary_index: int

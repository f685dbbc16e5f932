"""Typed outputs of the evaluator. ``ScenarioScore`` and ``FailureStatement``
stay in worker memory; ``SubmissionReport`` and ``CatalogEntry`` are safe to
persist (aggregates, generic labels, centroids; no scenario text, answers or
asset-specific values).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evaluator.checks import CheckOutcome

DIMENSIONS: tuple[str, ...] = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination",
)
# A continuous dimension counts as "met" (upstream boolean criterion) from here.
MET_THRESHOLD = 0.75
DEPLOYMENT_READY_LINE = 85.0  # pass rate (%), since rubric version 2
MIN_GROUP_SIZE = 5


class DimensionScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: float = Field(ge=0.0, le=1.0)  # for hallucination: the RATE (lower is better)
    met: bool
    reason: str  # short machine reason, no scenario text


class ScenarioScore(BaseModel):
    """Per-scenario result (in memory only)."""

    scenario_id: str
    track: Literal["planning", "execution"]
    family: str
    task_type: str
    task_completion: DimensionScore
    retrieval_accuracy: DimensionScore
    result_verification: DimensionScore
    sequence_correctness: DimensionScore
    clarity_justification: DimensionScore
    hallucination: DimensionScore  # score = hallucination rate
    passed: bool  # upstream rule: first five met and no hallucination
    run_failure: str | None = None  # "timeout" | "oom" | "output_missing" | ...
    answer_check: CheckOutcome | None = None
    hallucinated_claims: int = 0
    checked_claims: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def dimension(self, name: str) -> DimensionScore:
        return getattr(self, name)

    def quality(self, name: str) -> float:
        """0..1 where higher is better (hallucination as 1 - rate)."""
        s = self.dimension(name).score
        return 1.0 - s if name == "hallucination" else s

    @property
    def overall(self) -> float:
        return sum(self.quality(d) for d in DIMENSIONS) / len(DIMENSIONS)


TaxonomyCategory = Literal[
    "Ineffective Error Recovery",
    "Overstated Completion",
    "Formatting Issues",
    "Unhandled Tool Errors",
    "Ignored Feedback",
    "Other",
]


class FailureStatement(BaseModel):
    """A short, generic failure statement. ``code`` is a taxonomy code
    (e.g. "MAST-1.3", "ARENA-timeout") or "NOVEL" for LLM-proposed ones."""

    model_config = ConfigDict(frozen=True)

    code: str
    category: TaxonomyCategory
    text: str = Field(max_length=300)


class CatalogEntry(BaseModel):
    """One global failure cluster, persisted across submissions."""

    key: str  # stable id, e.g. "fc-3f2a9c1b"
    label: str
    category: TaxonomyCategory
    code: str | None = None  # taxonomy code when the cluster is a known mode
    centroid: list[float]
    embedder_id: str
    first_seen: datetime
    last_seen: datetime | None = None
    status: Literal["known", "emerging"] = "emerging"
    total_count: int = 0
    submissions: int = 0
    # A few scrubbed, generic statements of a novel entry (never of a coded
    # one): a reworded sighting of the same failure is re-identified by its
    # statements' similarity to these when its centroid is too far
    # (evaluator.catalog). Only statements scrubbing left free of any
    # placeholder, so nothing of a scenario is kept.
    exemplars: list[str] = Field(default_factory=list)


class ClusterSummary(BaseModel):
    key: str  # CatalogEntry.key
    label: str
    category: TaxonomyCategory
    code: str | None = None
    count: int
    share: float  # count / statements in this submission


class GroupScore(BaseModel):
    group: str  # "family:iot" / "task_type:anomaly_detection"
    scenarios: int
    dimensions: dict[str, float]  # ×100; hallucination as a rate ×100
    overall: float
    pass_rate: float


class JudgeAgreement(BaseModel):
    """Share of judged scenarios where the LLM judge's boolean agrees with
    the deterministic rubric's ``met``, per dimension."""

    model: str
    judged: int
    skipped: int
    agreement: dict[str, float]


class SubmissionReport(BaseModel):
    """Everything here is safe to persist: aggregates only."""

    scenarios: int
    dimensions: dict[str, float]  # ×100 (hallucination: rate ×100, lower is better)
    overall: float  # mean of six, hallucination as 100 - rate
    pass_rate: float  # ×100
    passed: int
    deployment_ready: bool
    hallucination_rate_answered: float | None  # rate ×100 over runs that gave an answer
    run_failures: dict[str, int]  # e.g. {"timeout": 2}
    groups: list[GroupScore]
    prompt_tokens: int
    completion_tokens: int
    llm_calls: int
    failure_statements: int
    clusters: list[ClusterSummary]
    catalog_updates: list[CatalogEntry]
    judge: JudgeAgreement | None = None
    rubric_version: int = 1  # evaluator.scoring.RUBRIC_VERSION of the rubric that scored it
    # Repeated attempts and uncertainty (evaluator/stats.py). ``scenarios``
    # counts each scenario once; ``runs`` = scenarios x attempts; ``passed``
    # counts passing runs, so ``pass_rate`` is pass@1 (the mean over attempts).
    attempts: int = 1
    runs: int = 0
    pass_hat_k: float | None = None  # ×100: share of scenarios passed in all k attempts
    flip_rate: float | None = None  # ×100: share of scenarios whose outcome flipped (k >= 2)
    overall_attempt_sd: float | None = None  # SD of the k per-attempt overall means (k >= 2)
    # 95 % bootstrap intervals [low, high] ×100 of every dimension (hallucination
    # as a rate), "overall" and "pass_rate"; empty when not computed
    intervals: dict[str, list[float]] = Field(default_factory=dict)

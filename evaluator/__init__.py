"""AssetOps Arena evaluator: pure scoring, failure extraction, clustering and
aggregation. No I/O: inputs are pydantic models, outputs are pydantic models.

Public entry points:
- ``score_run(scenario, run) -> ScenarioScore``
- ``extract_failures(scenario, run, score) -> list[FailureStatement]``
- ``evaluate_submission(scenarios, runs, catalog, now) -> SubmissionReport``
"""

from evaluator.aggregate import EvaluatorError, evaluate_submission
from evaluator.checks import CheckOutcome, check_answer
from evaluator.failures import extract_failures
from evaluator.models import (
    CatalogEntry,
    ClusterSummary,
    FailureStatement,
    ScenarioScore,
    SubmissionReport,
)
from evaluator.scoring import score_run

__all__ = [
    "CatalogEntry",
    "CheckOutcome",
    "ClusterSummary",
    "EvaluatorError",
    "FailureStatement",
    "ScenarioScore",
    "SubmissionReport",
    "check_answer",
    "evaluate_submission",
    "extract_failures",
    "score_run",
]

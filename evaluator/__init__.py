"""AssetOps Arena evaluator: pure scoring, failure extraction, clustering and
aggregation. No I/O: inputs are pydantic models, outputs are pydantic models.

Public entry points:
- ``score_run(scenario, run) -> ScenarioScore``
- ``extract_failures(scenario, run, score) -> list[FailureStatement]``
- ``evaluate_submission(scenarios, runs, catalog, now) -> SubmissionReport``
"""

from evaluator.failures import extract_failures
from evaluator.scoring import score_run

__all__ = ["extract_failures", "score_run"]

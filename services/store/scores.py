"""The evaluation's one write: a submission's aggregate scores, its failure
clusters and the catalog entries they updated, plus the reproducibility
record (worker/pipeline.py calls it inside its final transaction, after
``submissions.lock_for_finish``; tests seed finished submissions with it).

``report`` is an ``evaluator.models.SubmissionReport`` (read by attribute:
the store does not import the evaluator)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.store.catalog import upsert_entries
from services.store.models import Submission, SubmissionCluster, SubmissionScore


def write_report(
    session: Session,
    submission: Submission,
    report: Any,
    now: datetime,
    source: Any = None,
    invariance: Any = None,
    public_overall: float | None = None,
    record: dict[str, Any] | None = None,
) -> None:
    """Aggregates + cluster counts + catalog upserts + the reproducibility
    record; caller owns the transaction (and has checked the lease)."""
    dims = report.dimensions
    session.add(
        SubmissionScore(
            submission_id=submission.id,
            task_completion=dims["task_completion"],
            retrieval_accuracy=dims["retrieval_accuracy"],
            result_verification=dims["result_verification"],
            sequence_correctness=dims["sequence_correctness"],
            clarity_justification=dims["clarity_justification"],
            hallucination_rate=dims["hallucination"],
            overall=report.overall,
            pass_rate=report.pass_rate,
            deployment_ready=report.deployment_ready,
            scenarios=report.scenarios,
            passed=report.passed,
            hallucination_rate_answered=report.hallucination_rate_answered,
            prompt_tokens=report.prompt_tokens,
            completion_tokens=report.completion_tokens,
            llm_calls=report.llm_calls,
            failure_statements=report.failure_statements,
            groups=[g.model_dump(mode="json") for g in report.groups],
            run_failures=dict(report.run_failures),
            judge=report.judge.model_dump(mode="json") if report.judge else None,
            rubric_version=report.rubric_version,
            scenario_pack=getattr(source, "name", None),
            scenario_pack_version=getattr(source, "version", None),
            scenario_pack_digest=getattr(source, "digest", None),
            invariance_sample=invariance.sample if invariance else None,
            entity_kept=invariance.entity_kept if invariance else None,
            phrasing_kept=invariance.phrasing_kept if invariance else None,
            public_overall=public_overall,
            attempts=getattr(report, "attempts", 1),
            runs=getattr(report, "runs", None) or report.scenarios,
            pass_hat_k=getattr(report, "pass_hat_k", None),
            flip_rate=getattr(report, "flip_rate", None),
            overall_attempt_sd=getattr(report, "overall_attempt_sd", None),
            intervals=dict(getattr(report, "intervals", None) or {}) or None,
            wall_seconds=(record or {}).get("totals", {}).get("wall_seconds"),
            record=record,
        )
    )
    upsert_entries(session, report.catalog_updates, now)
    session.flush()
    for cluster in report.clusters:
        session.add(
            SubmissionCluster(
                submission_id=submission.id,
                cluster_id=cluster.key,
                label=cluster.label[:256],
                count=cluster.count,
                share=cluster.share,
            )
        )

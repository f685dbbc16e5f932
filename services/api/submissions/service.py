"""Submission use cases after intake: read and list own submissions, the
published scores (rounded, with intervals), failure summary, record, cancel.
Each route calls one of them; the upload itself is ``intake.py``."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from evaluator.guide import explain
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.api.deps import Principal
from services.api.errors import ApiError
from services.api.submissions.schemas import (
    ClusterCountOut,
    FailureOut,
    FailureSummaryOut,
    IntervalOut,
    InvarianceOut,
    PackOut,
    RecordOut,
    ScoresOut,
    SubmissionOut,
    SubmissionPage,
)
from services.store import submissions as store
from services.store.lifecycle import FINAL
from services.store.models import (
    FailureCluster,
    Submission,
    SubmissionCluster,
    SubmissionScore,
)
from services.store.paging import fetch_page

log = logging.getLogger("arena.api.submissions")


SCORE_PRECISION = 2  # the precision the leaderboard columns declare


def publish(value: float) -> float:
    """Scores leave the server rounded to the board's declared precision:
    finer values would let a team read single-scenario flips off them."""
    return round(float(value), SCORE_PRECISION)


def _round_floats(value: Any) -> Any:
    if isinstance(value, float):
        return publish(value)
    if isinstance(value, dict):
        return {k: _round_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round_floats(v) for v in value]
    return value


def published_intervals(intervals: dict[str, Any] | None) -> dict[str, IntervalOut]:
    """The evaluator's intervals under the api's names (``hallucination`` is
    ``hallucination_rate`` here), at the published precision."""
    out: dict[str, IntervalOut] = {}
    for key, pair in sorted((intervals or {}).items()):
        if isinstance(pair, list | tuple) and len(pair) == 2:
            name = "hallucination_rate" if key == "hallucination" else key
            out[name] = IntervalOut(low=publish(pair[0]), high=publish(pair[1]))
    return out


def score_tokens(s: SubmissionScore) -> int:
    """Tokens of every run of the evaluation (the record's total; before the
    record existed, the scored runs' tokens)."""
    totals = (s.record or {}).get("totals") or {}
    if isinstance(totals.get("tokens"), int):
        return totals["tokens"]
    return int(s.prompt_tokens or 0) + int(s.completion_tokens or 0)


def _optional(value: float | None) -> float | None:
    return None if value is None else publish(value)


def to_out(sub: Submission, *, with_record: bool = True) -> SubmissionOut:
    failure = None
    if sub.failure_code:
        failure = FailureOut(
            code=sub.failure_code,
            message=sub.failure_message or "",
            kind=sub.failure_kind,
            counts_against_quota=False,
        )  # type: ignore[arg-type]
    scores = None
    if sub.score is not None:
        s = sub.score
        scores = ScoresOut(
            task_completion=publish(s.task_completion),
            retrieval_accuracy=publish(s.retrieval_accuracy),
            result_verification=publish(s.result_verification),
            sequence_correctness=publish(s.sequence_correctness),
            clarity_justification=publish(s.clarity_justification),
            hallucination_rate=publish(s.hallucination_rate),
            overall=publish(s.overall),
            pass_rate=publish(s.pass_rate),
            deployment_ready=s.deployment_ready,
            rubric_version=s.rubric_version,
            scenario_pack=PackOut(name=s.scenario_pack, version=s.scenario_pack_version or "")
            if s.scenario_pack
            else None,
            invariance=InvarianceOut(
                sample=s.invariance_sample,
                entity_kept=s.entity_kept,
                phrasing_kept=s.phrasing_kept,
            )
            if s.invariance_sample
            else None,
            scenarios=s.scenarios,
            passed=s.passed,
            hallucination_rate_answered=None
            if s.hallucination_rate_answered is None
            else publish(s.hallucination_rate_answered),
            prompt_tokens=s.prompt_tokens,
            completion_tokens=s.completion_tokens,
            llm_calls=s.llm_calls,
            failure_statements=s.failure_statements,
            run_failures=s.run_failures or {},
            groups=[_round_floats(g) for g in s.groups or []],
            attempts=s.attempts or 1,
            runs=s.runs or s.scenarios * (s.attempts or 1),
            pass_hat_k=_optional(s.pass_hat_k),
            flip_rate=_optional(s.flip_rate),
            overall_attempt_sd=_optional(s.overall_attempt_sd),
            intervals=published_intervals(s.intervals),
            tokens=score_tokens(s),
            wall_seconds=None if s.wall_seconds is None else round(s.wall_seconds, 1),
            record=s.record if with_record else None,
        )
    return SubmissionOut(
        id=sub.id,
        team=sub.team.name,
        phase_id=sub.phase_id,
        track=sub.track,
        status=sub.status,
        progress=sub.progress,
        scenarios_done=sub.scenarios_done,  # type: ignore[arg-type]
        scenarios_total=sub.scenarios_total,
        image_sha256=sub.image_sha256,
        image_bytes=sub.image_bytes,
        hidden=sub.hidden,
        attempt=sub.attempt,
        created_at=sub.created_at,
        queued_at=sub.queued_at,
        validating_at=sub.validating_at,
        running_at=sub.running_at,
        scoring_at=sub.scoring_at,
        finished_at=sub.finished_at,
        deadline_at=sub.deadline_at,
        failure=failure,
        scores=scores,
    )


def get_visible(session: Session, principal: Principal, submission_id: uuid.UUID) -> Submission:
    """Own submissions only (admins: all). Another team's id is a 404, so
    ids cannot be probed for existence."""
    sub = session.get(Submission, submission_id)
    if sub is None or (not principal.is_admin and sub.team_id != principal.team_id):
        raise ApiError(404, "submission_not_found", "No such submission for your team.")
    return sub


def list_visible(
    session: Session,
    principal: Principal,
    page: int,
    page_size: int,
    phase_id: int | None,
    status: str | None,
) -> SubmissionPage:
    cond = []
    if not principal.is_admin:
        cond.append(Submission.team_id == principal.team_id)
    if phase_id is not None:
        cond.append(Submission.phase_id == phase_id)
    if status is not None:
        cond.append(Submission.status == status)
    total, rows = fetch_page(
        session, Submission, cond, (Submission.created_at.desc(), Submission.id), page, page_size
    )
    return SubmissionPage(
        items=[to_out(s) for s in rows], total=total, page=page, page_size=page_size
    )


def record_of(sub: Submission) -> RecordOut:
    """The downloadable reproducibility record of a finished submission."""
    if sub.score is None or not sub.score.record:
        raise ApiError(
            409,  # the submission is visible; its state has no record (yet)
            "record_not_available",
            "This submission has no reproducibility record: it is not finished, or it was "
            "scored before records existed (an admin re-run writes one).",
        )
    scores = to_out(sub, with_record=False).scores
    assert scores is not None
    return RecordOut(
        submission_id=sub.id,
        team=sub.team.name,
        phase_id=sub.phase_id,
        track=sub.track,
        scores=scores,
        record=sub.score.record,
    )


def failure_summary(session: Session, sub: Submission) -> FailureSummaryOut:
    rows = session.execute(
        select(SubmissionCluster, FailureCluster)
        .join(FailureCluster, FailureCluster.id == SubmissionCluster.cluster_id)
        .where(SubmissionCluster.submission_id == sub.id)
        .order_by(SubmissionCluster.count.desc(), SubmissionCluster.cluster_id)
    ).all()
    out = to_out(sub)
    return FailureSummaryOut(
        submission_id=sub.id,
        status=out.status,
        failure=out.failure,
        total_failures=sum(c.count for c, _ in rows),
        clusters=[
            ClusterCountOut(
                cluster_id=c.cluster_id,
                label=c.label,
                category=f.category,
                code=f.code,
                catalog_status=f.status,
                count=c.count,
                share=round(c.share, 3),
                title=(guide := explain(f.code, c.label))[0],
                check=guide[1],
            )
            for c, f in rows
        ],
    )


def cancel(session: Session, sub: Submission, now: datetime) -> Submission:
    if sub.status in {s.value for s in FINAL}:
        raise ApiError(409, "already_final", f"Submission is already {sub.status}.")
    if not store.cancel(session, sub.id, now):
        session.rollback()
        raise ApiError(409, "already_final", "Submission reached a final state meanwhile.")
    session.commit()
    session.refresh(sub)
    log.info("submission cancelled", extra={"submission_id": sub.id, "status": sub.status})
    return sub


# ---- one call per route -------------------------------------------------------
def read(session: Session, principal: Principal, submission_id: uuid.UUID) -> SubmissionOut:
    """``GET /submissions/{id}``: status, progress, failure, scores."""
    return to_out(get_visible(session, principal, submission_id))


def failures_of(
    session: Session, principal: Principal, submission_id: uuid.UUID
) -> FailureSummaryOut:
    """``GET /submissions/{id}/failures``."""
    return failure_summary(session, get_visible(session, principal, submission_id))


def record_for(session: Session, principal: Principal, submission_id: uuid.UUID) -> RecordOut:
    """``GET /submissions/{id}/record``."""
    return record_of(get_visible(session, principal, submission_id))


def cancel_visible(
    session: Session, principal: Principal, submission_id: uuid.UUID
) -> SubmissionOut:
    """``POST /submissions/{id}/cancel``."""
    sub = get_visible(session, principal, submission_id)
    return to_out(cancel(session, sub, store.utcnow()))

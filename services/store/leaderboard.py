"""Leaderboard rows: best finished, visible submission per team, ordered by
overall (desc), ties broken by the earlier submission time, then team name.
``statistical_ranks`` gives an entry the rank of the one above it when
their 95 % intervals of overall overlap ("statistically tied"). Both are
pure so the ranking rules are unit-testable."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from services.store.lifecycle import Status
from services.store.models import Submission, SubmissionCluster, SubmissionScore, Team

DIMENSIONS: tuple[str, ...] = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination_rate",
)


@dataclass(frozen=True)
class BoardRow:
    submission_id: uuid.UUID
    team_name: str
    team_display_name: str
    created_at: datetime
    finished_at: datetime | None
    task_completion: float
    retrieval_accuracy: float
    result_verification: float
    sequence_correctness: float
    clarity_justification: float
    hallucination_rate: float
    overall: float
    pass_rate: float
    deployment_ready: bool
    scenarios: int
    rubric_version: int = 1
    public_overall: float | None = None  # on the public set, when the phase compares
    # issue 18: k, 95 % intervals {"overall": [low, high], ...} (None before
    # intervals existed), pass^k, cost (tokens of every run, evaluation wall)
    attempts: int = 1
    intervals: dict[str, list[float]] | None = None
    pass_hat_k: float | None = None
    tokens: int = 0
    wall_seconds: float | None = None

    @property
    def overall_ci(self) -> tuple[float, float] | None:
        pair = (self.intervals or {}).get("overall")
        if isinstance(pair, list | tuple) and len(pair) == 2:
            return float(pair[0]), float(pair[1])
        return None


def statistical_ranks(rows: list[BoardRow]) -> list[tuple[int, bool]]:
    """(rank, tied with the one above) for rows in board order. An entry whose
    overall interval overlaps the interval of the entry above shares its rank;
    otherwise its rank is its position (1, 1, 3, ...). Ties chain: each entry
    is compared with the one directly above it. Rows without an interval
    (scored before intervals existed) are never tied."""
    out: list[tuple[int, bool]] = []
    for i, row in enumerate(rows):
        if i > 0:
            above, here = rows[i - 1].overall_ci, row.overall_ci
            if (
                above is not None
                and here is not None
                and here[1] >= above[0]
                and here[0] <= above[1]
            ):
                out.append((out[-1][0], True))
                continue
        out.append((i + 1, False))
    return out


def _sort_key(row: BoardRow) -> tuple[float, datetime, str]:
    return (-row.overall, row.created_at, row.team_name)


def best_per_team(rows: Iterable[BoardRow]) -> list[BoardRow]:
    best: dict[str, BoardRow] = {}
    for row in rows:
        current = best.get(row.team_name)
        if current is None or _sort_key(row) < _sort_key(current):
            best[row.team_name] = row
    return sorted(best.values(), key=_sort_key)


def load_rows(session: Session, phase_id: int, track: str) -> list[BoardRow]:
    # the record stays in the database (the board needs its token total only)
    tokens = func.coalesce(
        SubmissionScore.record[("totals", "tokens")].as_integer(),
        SubmissionScore.prompt_tokens + SubmissionScore.completion_tokens,
    )
    stmt = (
        select(Submission, SubmissionScore, Team, tokens)
        .options(defer(SubmissionScore.record))
        .join(SubmissionScore, SubmissionScore.submission_id == Submission.id)
        .join(Team, Team.id == Submission.team_id)
        .where(
            Submission.phase_id == phase_id,
            Submission.track == track,
            Submission.status == Status.FINISHED.value,
            Submission.hidden.is_(False),
        )
    )
    out: list[BoardRow] = []
    for sub, score, team, total_tokens in session.execute(stmt):
        out.append(
            BoardRow(
                submission_id=sub.id,
                team_name=team.name,
                team_display_name=team.display_name,
                created_at=sub.created_at,
                finished_at=sub.finished_at,
                task_completion=score.task_completion,
                retrieval_accuracy=score.retrieval_accuracy,
                result_verification=score.result_verification,
                sequence_correctness=score.sequence_correctness,
                clarity_justification=score.clarity_justification,
                hallucination_rate=score.hallucination_rate,
                overall=score.overall,
                pass_rate=score.pass_rate,
                deployment_ready=score.deployment_ready,
                scenarios=score.scenarios,
                rubric_version=score.rubric_version,
                public_overall=score.public_overall,
                attempts=score.attempts or 1,
                intervals=score.intervals or None,
                pass_hat_k=score.pass_hat_k,
                tokens=int(total_tokens or 0),
                wall_seconds=score.wall_seconds,
            )
        )
    return out


def top_clusters(
    session: Session, submission_ids: list[uuid.UUID], per_submission: int = 3
) -> dict[uuid.UUID, list[SubmissionCluster]]:
    if not submission_ids:
        return {}
    rows = session.scalars(
        select(SubmissionCluster)
        .where(SubmissionCluster.submission_id.in_(submission_ids))
        .order_by(SubmissionCluster.count.desc(), SubmissionCluster.cluster_id)
    ).all()
    out: dict[uuid.UUID, list[SubmissionCluster]] = {}
    for row in rows:
        bucket = out.setdefault(row.submission_id, [])
        if len(bucket) < per_submission:
            bucket.append(row)
    return out

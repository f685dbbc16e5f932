"""The failure-cluster catalog's counts, kept exact across re-runs.

``failure_clusters.total_count`` / ``submission_count`` are running sums of
what finished submissions contributed; ``submission_clusters`` records each
submission's contribution (its count per catalog entry, one submission per
entry). An admin re-run evaluates a submission again and writes its clusters
again, so before that its previous contribution is taken back here — in the
same transaction that removes its score — or the catalog would count the
submission twice. Entries are never deleted: their keys (and centroids) stay,
so the re-run's clusters match the same entries and keep their keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.store.models import FailureCluster, SubmissionCluster

# Advisory transaction lock serialising every read-modify-write of the
# catalog (the worker's matching + upsert, and this release).
CATALOG_LOCK = 740218


def lock_catalog(session: Session) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CATALOG_LOCK})


def release_submission_clusters(session: Session, submission_id: uuid.UUID) -> int:
    """Subtract a submission's recorded clusters from the catalog counts and
    delete its ``submission_clusters`` rows; returns how many entries were
    touched. Caller owns the transaction."""
    lock_catalog(session)
    rows = session.execute(
        select(SubmissionCluster.cluster_id, SubmissionCluster.count).where(
            SubmissionCluster.submission_id == submission_id
        )
    ).all()
    for cluster_id, count in rows:
        session.execute(
            update(FailureCluster)
            .where(FailureCluster.id == cluster_id)
            .values(
                total_count=func.greatest(FailureCluster.total_count - count, 0),
                submission_count=func.greatest(FailureCluster.submission_count - 1, 0),
            )
        )
    session.execute(
        delete(SubmissionCluster).where(SubmissionCluster.submission_id == submission_id)
    )
    return len(rows)


def catalog_rows(session: Session) -> list[FailureCluster]:
    """Every catalog entry (the worker matches a submission's clusters
    against them, under ``lock_catalog``)."""
    return list(session.scalars(select(FailureCluster)))


def upsert_entries(session: Session, entries: Iterable[Any], now: datetime) -> None:
    """Insert or update catalog entries (``evaluator.models.CatalogEntry``,
    read by attribute); an entry's key and first sighting never change.
    Caller owns the transaction and holds ``lock_catalog``."""
    for entry in entries:
        values = dict(
            id=entry.key,
            label=entry.label[:256],
            category=entry.category,
            code=entry.code,
            status=entry.status,
            centroid=list(entry.centroid),
            exemplars=list(getattr(entry, "exemplars", None) or []),
            embedder_id=entry.embedder_id,
            total_count=entry.total_count,
            submission_count=entry.submissions,
            first_seen_at=entry.first_seen,
            last_seen_at=entry.last_seen or now,
        )
        stmt = pg_insert(FailureCluster).values(**values)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[FailureCluster.id],
                set_={k: stmt.excluded[k] for k in values if k not in ("id", "first_seen_at")},
            )
        )

"""The global failure-cluster catalog, as the api publishes it (labels and
counts, no text)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.api.failures.schemas import CatalogEntryOut, CatalogPage
from services.store.models import FailureCluster
from services.store.paging import fetch_page


def catalog_page(session: Session, page: int, page_size: int, status: str | None) -> CatalogPage:
    """``GET /failures/catalog``: every failure cluster seen so far, most
    frequent first (``status``: known / emerging)."""
    cond = [FailureCluster.status == status] if status else []
    total, rows = fetch_page(
        session,
        FailureCluster,
        cond,
        (FailureCluster.total_count.desc(), FailureCluster.id),
        page,
        page_size,
    )
    return CatalogPage(
        items=[
            CatalogEntryOut(
                id=r.id,
                label=r.label,
                category=r.category,
                code=r.code,
                status=r.status,
                total_count=r.total_count,
                submission_count=r.submission_count,
                first_seen_at=r.first_seen_at,
                last_seen_at=r.last_seen_at,
            )
            for r in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )

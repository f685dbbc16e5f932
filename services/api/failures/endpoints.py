"""The global failure-cluster catalog (labels and counts, no text)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.api.deps import SessionDep
from services.api.errors import responses
from services.api.failures.schemas import CatalogEntryOut, CatalogPage
from services.store.models import FailureCluster
from services.store.paging import fetch_page

router = APIRouter(tags=["failures"])


@router.get("/api/v1/failures/catalog", response_model=CatalogPage, responses=responses(422))
def failure_catalog(
    session: SessionDep,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
    status: str | None = Query(None, max_length=32, description="filter: known / emerging"),
) -> CatalogPage:
    """Every failure cluster seen so far, most frequent first."""
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

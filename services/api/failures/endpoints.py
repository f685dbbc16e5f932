"""The global failure-cluster catalog (labels and counts, no text)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from services.api.deps import SessionDep
from services.api.errors import responses
from services.api.failures import service
from services.api.failures.schemas import CatalogPage

router = APIRouter(tags=["failures"])


@router.get("/api/v1/failures/catalog", response_model=CatalogPage, responses=responses(422))
def failure_catalog(
    session: SessionDep,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
    # the two statuses the evaluator writes: anything else (a NUL byte, say,
    # which Postgres cannot compare) is a 422, not a query
    status: Literal["known", "emerging"] | None = Query(None, description="filter"),
) -> CatalogPage:
    """Every failure cluster seen so far, most frequent first."""
    return service.catalog_page(session, page, page_size, status)

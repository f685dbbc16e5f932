from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CatalogEntryOut(BaseModel):
    id: str
    label: str
    category: str
    code: str | None
    status: str  # "known" | "emerging" (evaluator-defined)
    total_count: int
    submission_count: int
    first_seen_at: datetime
    last_seen_at: datetime | None


class CatalogPage(BaseModel):
    items: list[CatalogEntryOut]
    total: int
    page: int
    page_size: int

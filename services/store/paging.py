"""One page of an ordered query plus the total row count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


def fetch_page(
    session: Session,
    model: type[T],
    conditions: Sequence[Any],
    order_by: Sequence[Any],
    page: int,
    page_size: int,
) -> tuple[int, Sequence[T]]:
    """(total matching rows, the rows of 1-based ``page``) for ``model``."""
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    rows = session.scalars(
        select(model)
        .where(*conditions)
        .order_by(*order_by)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, rows

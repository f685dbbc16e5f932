from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Track = Literal["planning", "execution"]


class PhaseOut(BaseModel):
    id: int
    title: str
    visibility: Literal["public", "private"]
    opens_at: datetime
    closes_at: datetime | None
    tracks: list[Track]
    daily_quota: int
    max_concurrent: int
    is_open: bool
    compare_public_pack: bool = False
    attempts: int = Field(1, description="k: independent runs of every scenario")


class CanSubmitOut(BaseModel):
    """Pre-check before an upload (Codabench's ``can_make_submission``)."""

    can: bool
    code: str | None = Field(None, description="Stable reason code when ``can`` is false")
    reason: str | None = None
    phase_id: int
    track: Track | None
    used_today: int
    daily_quota: int
    remaining_today: int
    running: int
    max_concurrent: int

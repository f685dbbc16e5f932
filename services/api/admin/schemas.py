from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.api.phases.schemas import Track

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
# Free text shown on the page and stored in Postgres: no control characters
# (a NUL byte cannot be stored in a text column, so it must be a 422, not a 500).
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN, description="slug, lower case")
    display_name: str | None = Field(None, min_length=1, max_length=128, pattern=TEXT_PATTERN)


class TeamPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: str = Field(min_length=1, max_length=128, pattern=TEXT_PATTERN)


class TeamOut(BaseModel):
    id: int
    name: str
    display_name: str
    created_at: datetime


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: Literal["admin", "participant"] = "participant"
    team: str | None = Field(None, pattern=NAME_PATTERN, description="required for participant")
    label: str = Field("", max_length=128, pattern=TEXT_PATTERN)

    @model_validator(mode="after")
    def _team_for_participant(self) -> TokenIn:
        if self.scope == "participant" and not self.team:
            raise ValueError("participant tokens need a team")
        return self


class TokenOut(BaseModel):
    key_id: str
    scope: str
    team: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="shown once; only a hash is stored")


class PhaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=128, pattern=TEXT_PATTERN)
    visibility: Literal["public", "private"] = "public"
    opens_at: datetime
    closes_at: datetime | None = None
    tracks: list[Track] = Field(min_length=1, max_length=2)
    daily_quota: int = Field(5, ge=0, le=10_000)
    max_concurrent: int = Field(1, ge=1, le=100)
    compare_public_pack: bool = Field(
        False,
        description="also score each submission on the public pack's public set "
        "(admin view: rank correlation of public and hidden scores)",
    )
    attempts: int = Field(
        1,
        ge=1,
        le=10,
        description="k: independent runs of every scenario; scores are means over attempts "
        "with 95 % intervals, ties are ranked together (costs k times the runs)",
    )

    @model_validator(mode="after")
    def _dates(self) -> PhaseIn:
        if self.opens_at.tzinfo is None or (self.closes_at and self.closes_at.tzinfo is None):
            raise ValueError("dates need a timezone (e.g. 2026-01-01T00:00:00Z)")
        if self.closes_at is not None and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        if len(set(self.tracks)) != len(self.tracks):
            raise ValueError("tracks must be unique")
        return self


class PhasePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=128, pattern=TEXT_PATTERN)
    visibility: Literal["public", "private"] | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    daily_quota: int | None = Field(None, ge=0, le=10_000)
    max_concurrent: int | None = Field(None, ge=1, le=100)
    compare_public_pack: bool | None = None
    attempts: int | None = Field(None, ge=1, le=10)


class HideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hidden: bool = True


class RerunOut(BaseModel):
    requeued: list[str]
    skipped: dict[str, str] = Field(default_factory=dict, description="id -> reason code")


class PackComparisonEntry(BaseModel):
    team: str
    submission_id: uuid.UUID
    hidden_overall: float = Field(description="the leaderboard score (the phase's pack)")
    public_overall: float = Field(description="mean overall on the public pack's public set")


class PackComparisonOut(BaseModel):
    """Each team's best scored submission on the phase's pack beside its
    score on the public set, and how the two rankings agree."""

    phase_id: int
    track: str
    scenario_pack: str | None = Field(None, description="name and version the phase is scored on")
    entries: list[PackComparisonEntry]
    spearman_rho: float | None = Field(
        None, description="rank correlation of hidden and public scores (null below 3 teams)"
    )

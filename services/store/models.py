"""SQLAlchemy 2 models. Every table here is safe to dump: no per-scenario
data, no plaintext tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so Alembic autogenerate and hand-written
# migrations agree.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


TS = DateTime(timezone=True)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # slug, shown on boards
    display_name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())


class ApiToken(Base):
    """Bearer tokens. Only a SHA-256 of the secret is stored; ``key_id`` (a
    prefix of that hash) is the lookup key, the full hash is compared with
    ``hmac.compare_digest``."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope in ('admin','participant')", name="scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(TS)

    team: Mapped[Team | None] = relationship(lazy="joined")


class Phase(Base):
    __tablename__ = "phases"
    __table_args__ = (
        CheckConstraint("visibility in ('public','private')", name="visibility"),
        CheckConstraint("daily_quota >= 0", name="daily_quota"),
        CheckConstraint("max_concurrent >= 1", name="max_concurrent"),
        CheckConstraint("attempts >= 1 and attempts <= 10", name="attempts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    # public: leaderboard readable by anyone; private: admins only (the
    # final/hidden phase until the operator flips it).
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    opens_at: Mapped[datetime] = mapped_column(TS)
    closes_at: Mapped[datetime | None] = mapped_column(TS)
    tracks: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    daily_quota: Mapped[int] = mapped_column(Integer, default=5)
    max_concurrent: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped in the same transaction as every write that changes what a
    # leaderboard of this phase shows; the ETag is derived from it, so a
    # revalidation costs one primary-key read.
    leaderboard_version: Mapped[int] = mapped_column(BigInteger, default=1)
    # The scenario pack of the phase's first score; every later score must be
    # computed on the same digest (a running phase never switches packs).
    scenario_pack: Mapped[str | None] = mapped_column(String(128))
    scenario_pack_version: Mapped[str | None] = mapped_column(String(64))
    scenario_pack_digest: Mapped[str | None] = mapped_column(String(80))
    scenario_pack_public: Mapped[bool | None] = mapped_column(Boolean)
    # Also score every submission on the public pack's public set, to compare
    # rankings (admin view); costs one public-set run per submission.
    compare_public_pack: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    # k: every scenario runs k independent times (issue 18); scores are means
    # over attempts with 95 % intervals over scenarios and attempts
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(
            "status in ('submitted','queued','validating','running','scoring',"
            "'finished','failed','cancelled')",
            name="status",
        ),
        CheckConstraint("progress >= 0 and progress <= 1", name="progress"),
        Index("ix_submissions_team_created", "team_id", "created_at"),
        Index("ix_submissions_status", "status"),
        Index("ix_submissions_board", "phase_id", "track", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(32))
    image_sha256: Mapped[str] = mapped_column(String(64))  # of the uploaded archive bytes
    image_bytes: Mapped[int] = mapped_column(BigInteger)
    archive_name: Mapped[str | None] = mapped_column(String(128))  # under data_dir/uploads
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    scenarios_total: Mapped[int] = mapped_column(Integer, default=0)
    scenarios_done: Mapped[int] = mapped_column(Integer, default=0)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)  # safe: never scenario text
    failure_kind: Mapped[str | None] = mapped_column(String(16))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # lifecycle timestamps
    created_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())
    queued_at: Mapped[datetime | None] = mapped_column(TS)
    validating_at: Mapped[datetime | None] = mapped_column(TS)
    running_at: Mapped[datetime | None] = mapped_column(TS)
    scoring_at: Mapped[datetime | None] = mapped_column(TS)
    finished_at: Mapped[datetime | None] = mapped_column(TS)  # any final state
    deadline_at: Mapped[datetime | None] = mapped_column(TS)
    # queue / lock bookkeeping
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(TS)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(TS)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    archive_deleted_at: Mapped[datetime | None] = mapped_column(TS)
    # Upload store (services.store.submissions.upload_store_id) holding the
    # archive: only a reconciler on a host sharing that store deletes it.
    archive_store: Mapped[str | None] = mapped_column(String(32))

    team: Mapped[Team] = relationship(lazy="joined")
    score: Mapped[SubmissionScore | None] = relationship(
        lazy="selectin", uselist=False, cascade="all, delete-orphan"
    )


class SubmissionScore(Base):
    """Aggregates of one finished submission (0-100; hallucination as a
    rate 0-100, lower is better). One row per submission: the primary key is
    what makes a second write of the same evaluation impossible."""

    __tablename__ = "submission_scores"

    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    task_completion: Mapped[float] = mapped_column(Float)
    retrieval_accuracy: Mapped[float] = mapped_column(Float)
    result_verification: Mapped[float] = mapped_column(Float)
    sequence_correctness: Mapped[float] = mapped_column(Float)
    clarity_justification: Mapped[float] = mapped_column(Float)
    hallucination_rate: Mapped[float] = mapped_column(Float)
    overall: Mapped[float] = mapped_column(Float)
    pass_rate: Mapped[float] = mapped_column(Float)
    deployment_ready: Mapped[bool] = mapped_column(Boolean)
    scenarios: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    hallucination_rate_answered: Mapped[float | None] = mapped_column(Float)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    failure_statements: Mapped[int] = mapped_column(Integer, default=0)
    # Aggregates only: per task type / agent family for groups of >= 5
    # scenarios (evaluator.models.GroupScore), counts of run failures by
    # kind ({"timeout": 2}), and LLM-judge agreement when enabled.
    groups: Mapped[list] = mapped_column(JSONB, default=list)
    run_failures: Mapped[dict] = mapped_column(JSONB, default=dict)
    judge: Mapped[dict | None] = mapped_column(JSONB)
    # evaluator.scoring.RUBRIC_VERSION; 1 = before the pass rule (migration 0003)
    rubric_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    scenario_pack: Mapped[str | None] = mapped_column(String(128))
    scenario_pack_version: Mapped[str | None] = mapped_column(String(64))
    scenario_pack_digest: Mapped[str | None] = mapped_column(String(80))
    # invariance probes: variants per kind run, share (%) of the sampled
    # score kept with other entity forms / another phrasing
    invariance_sample: Mapped[int | None] = mapped_column(Integer)
    entity_kept: Mapped[float | None] = mapped_column(Float)
    phrasing_kept: Mapped[float | None] = mapped_column(Float)
    # mean overall (0-100) on the public pack's public set, when the phase compares
    public_overall: Mapped[float | None] = mapped_column(Float)
    # Attempts and uncertainty (evaluator/stats.py, migration 0005): k, runs
    # (scenarios x k), pass^k and flip rate (%), SD of the per-attempt overall
    # means, 95 % intervals {"overall": [low, high], ...}; rows before 0005: k=1, no intervals
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    runs: Mapped[int | None] = mapped_column(Integer)
    pass_hat_k: Mapped[float | None] = mapped_column(Float)
    flip_rate: Mapped[float | None] = mapped_column(Float)
    overall_attempt_sd: Mapped[float | None] = mapped_column(Float)
    intervals: Mapped[dict | None] = mapped_column(JSONB)
    # cost: the evaluation's wall time (claim to scores written), seconds
    wall_seconds: Mapped[float | None] = mapped_column(Float)
    # the reproducibility record (worker.record): image, pack, rubric, engine,
    # seeds, limits, model and budgets, attempts, worker, times, cost aggregates
    record: Mapped[dict | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())


class FailureCluster(Base):
    """The global failure-cluster catalog (evaluator.models.CatalogEntry).
    ``centroid`` is the mean embedding of scrubbed, generic failure
    statements, used to match new clusters; ``exemplars`` a few of those
    statements (novel entries only, none with a scrubbing placeholder)."""

    __tablename__ = "failure_clusters"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # CatalogEntry.key
    label: Mapped[str] = mapped_column(String(256))
    category: Mapped[str] = mapped_column(String(64))  # taxonomy category
    code: Mapped[str | None] = mapped_column(String(64))  # taxonomy code, if a known mode
    status: Mapped[str] = mapped_column(String(16), default="emerging")  # known | emerging
    centroid: Mapped[list[float]] = mapped_column(JSONB, default=list)
    embedder_id: Mapped[str] = mapped_column(String(128), default="")
    # scrubbed statements of a novel entry with no placeholder left (issue 19)
    exemplars: Mapped[list[str]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    total_count: Mapped[int] = mapped_column(BigInteger, default=0)
    submission_count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(TS, server_default=func.now())
    last_seen_at: Mapped[datetime | None] = mapped_column(TS)


class SubmissionCluster(Base):
    __tablename__ = "submission_clusters"

    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[str] = mapped_column(
        ForeignKey("failure_clusters.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(256))
    count: Mapped[int] = mapped_column(Integer)
    share: Mapped[float] = mapped_column(Float)

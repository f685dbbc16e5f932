"""Shared test environment for tests/api and tests/worker: a dedicated
Postgres database migrated with Alembic, Redis db 5, and a seeded world
(admin, two teams, one open phase)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy import text

from services.settings import Settings
from services.store.db import engine_for, session_factory
from services.store.submissions import utcnow

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("ARENA_TEST_PG_ADMIN", "postgresql://arena:arena@127.0.0.1:5432/postgres")
TEST_DB = os.environ.get("ARENA_API_TEST_DB", "arena_api_test")
DB_URL = f"postgresql+psycopg://arena:arena@127.0.0.1:5432/{TEST_DB}"
REDIS_URL = os.environ.get("ARENA_API_TEST_REDIS", "redis://127.0.0.1:6379/5")


def create_database() -> str:
    """Drop/create the test database and run `alembic upgrade head` on it."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{TEST_DB}"')
    engine_for.cache_clear()
    session_factory.cache_clear()
    subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"url={DB_URL}", "upgrade", "head"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return DB_URL


def truncate(url: str) -> None:
    with engine_for(url).begin() as conn:
        conn.execute(text("TRUNCATE teams, phases, failure_clusters RESTART IDENTITY CASCADE"))


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    base: dict[str, object] = dict(
        database_url=DB_URL,
        redis_url=REDIS_URL,
        data_dir=data_dir,
        upload_max_bytes=32 * 1024**2,
        upload_max_unpacked_bytes=256 * 1024**2,
        log_level="WARNING",
    )
    base.update(overrides)
    return Settings(**base)


@dataclass
class World:
    admin: str
    team_a: str
    team_b: str
    phase_id: int


def seed(settings: Settings, daily_quota: int = 3, max_concurrent: int = 2) -> World:
    from services.api.admin import service
    from services.api.admin.schemas import PhaseIn

    now = utcnow()
    with session_factory(settings.database_url)() as session:
        admin = service.create_token(session, "admin", None, "test").token
        service.create_team(session, "team-a", "Team A")
        service.create_team(session, "team-b", "Team B")
        a = service.create_token(session, "participant", "team-a", "a").token
        b = service.create_token(session, "participant", "team-b", "b").token
        phase = service.create_phase(
            session,
            PhaseIn(
                title="Dev phase",
                visibility="public",
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=1),
                tracks=["planning", "execution"],
                daily_quota=daily_quota,
                max_concurrent=max_concurrent,
            ),
        )
        return World(admin, a, b, phase.id)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def fake_report(overall: float, cluster_key: str = "fc-test0001", statements: int = 4):
    """A SubmissionReport as the evaluator would return it (aggregates only)."""
    from datetime import UTC, datetime

    from evaluator.models import CatalogEntry, ClusterSummary, SubmissionReport

    now = datetime.now(UTC)
    entry = CatalogEntry(
        key=cluster_key,
        label="Tool errors left unhandled",
        category="Unhandled Tool Errors",
        code="ARENA-tool-error",
        centroid=[0.1, 0.2, 0.3],
        embedder_id="test-embedder",
        first_seen=now,
        last_seen=now,
        status="emerging",
        total_count=statements,
        submissions=1,
    )
    return SubmissionReport(
        scenarios=10,
        dimensions={
            "task_completion": overall,
            "retrieval_accuracy": 60.0,
            "result_verification": 55.0,
            "sequence_correctness": 70.0,
            "clarity_justification": 65.0,
            "hallucination": 12.5,
        },
        overall=overall,
        pass_rate=40.0,
        passed=4,
        deployment_ready=overall >= 85,
        hallucination_rate_answered=10.0,
        run_failures={"timeout": 1},
        groups=[],
        prompt_tokens=1000,
        completion_tokens=200,
        llm_calls=12,
        failure_statements=statements,
        clusters=[
            ClusterSummary(
                key=cluster_key,
                label=entry.label,
                category=entry.category,
                code=entry.code,
                count=statements,
                share=1.0,
            )
        ],
        catalog_updates=[entry],
    )


def finished_submission(
    settings: Settings, team: str, phase_id: int, track: str, overall: float, minutes_ago: int = 0
):
    """Insert a finished submission the way the worker's final transaction does."""
    import uuid

    from sqlalchemy import select

    from services.store.models import Submission, Team
    from services.store.scores import write_report
    from services.store.submissions import bump_leaderboard

    now = utcnow() - timedelta(minutes=minutes_ago)
    with session_factory(settings.database_url)() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team))
        sub = Submission(
            id=uuid.uuid4(),
            team_id=team_id,
            phase_id=phase_id,
            track=track,
            image_sha256="0" * 64,
            image_bytes=1,
            archive_name=None,
            status="finished",
            progress=1.0,
            scenarios_total=10,
            scenarios_done=10,
            hidden=False,
            attempt=1,
            cancel_requested=False,
            created_at=now,
            finished_at=now,
        )
        session.add(sub)
        session.flush()
        write_report(session, sub, fake_report(overall), now)
        bump_leaderboard(session, phase_id)
        session.commit()
        return sub.id

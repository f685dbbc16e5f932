"""A throw-away api for the page and CLI integration tests.

Real parts only: a dedicated Postgres database migrated with the project's
Alembic migrations, ``uvicorn services.api.main:app`` on a free loopback
port, a dedicated Redis database index (submissions are enqueued there; no
worker consumes them — the tests play the worker through the store, with the
same lease/advance/score writes the worker makes). Seeding goes through the
SQLAlchemy store models, never through hand-written SQL.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("ARENA_WEB_PG_ADMIN", "postgresql://arena:arena@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ARENA_WEB_REDIS", "redis://127.0.0.1:6379/14")
# The ASGI app under test; overridable only to try a work-in-progress app module.
APP_REF = os.environ.get("ARENA_WEB_APP", "services.api.main:app")

DIMENSIONS = (
    "task_completion",
    "retrieval_accuracy",
    "result_verification",
    "sequence_correctness",
    "clarity_justification",
    "hallucination_rate",
)


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: the api goes when the test process goes, even on kill -9."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _sa_url(PG_ADMIN.rsplit("/", 1)[0] + "/" + name)


def drop_database(name: str) -> None:
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(REPO / "migrations"))
    cfg.cmd_opts = argparse.Namespace(x=[f"url={db_url}"])  # read by migrations/env.py
    command.upgrade(cfg, "head")


@dataclass
class Seeded:
    team_id: int
    team_name: str
    token: str


@dataclass
class WebStack:
    db_name: str
    db_url: str
    data_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- process -------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARENA_")}
        env.update(
            ARENA_DATABASE_URL=self.db_url,
            ARENA_REDIS_URL=REDIS_URL,
            ARENA_DATA_DIR=str(self.data_dir),
            ARENA_LEADERBOARD_MAX_AGE_SECONDS="0",
            PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
        )
        return env

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                APP_REF,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
            ],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"api exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise TimeoutError(f"api did not start: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    # ---- seeding through the store --------------------------------------
    def session(self):  # noqa: ANN201 - contextmanager from the store
        from services.store.db import session_scope

        return session_scope(self.db_url)

    def add_phase(
        self,
        title: str = "Public phase",
        tracks: tuple[str, ...] = ("execution", "planning"),
        daily_quota: int = 20,
        max_concurrent: int = 3,
        opened_days_ago: float = 1.0,
        visibility: str = "public",
    ) -> int:
        from services.store.models import Phase

        with self.session() as s:
            phase = Phase(
                title=title,
                visibility=visibility,
                opens_at=datetime.now(UTC) - timedelta(days=opened_days_ago),
                closes_at=None,
                tracks=list(tracks),
                daily_quota=daily_quota,
                max_concurrent=max_concurrent,
                leaderboard_version=1,
            )
            s.add(phase)
            s.flush()
            return phase.id

    def add_team(self, name: str, display_name: str) -> Seeded:
        from services.store import tokens
        from services.store.models import ApiToken, Team

        token = tokens.generate_token()
        digest = tokens.digest(token)
        with self.session() as s:
            team = Team(name=name, display_name=display_name)
            s.add(team)
            s.flush()
            s.add(
                ApiToken(
                    key_id=tokens.key_id_of(digest),
                    secret_hash=digest,
                    scope="participant",
                    team_id=team.id,
                    label="web tests",
                )
            )
            return Seeded(team.id, name, token)

    def add_submission(
        self,
        team_id: int,
        phase_id: int,
        track: str = "execution",
        status: str = "queued",
        progress: float = 0.0,
    ) -> uuid.UUID:
        from services.store.models import Submission

        with self.session() as s:
            sub = Submission(
                team_id=team_id,
                phase_id=phase_id,
                track=track,
                image_sha256=secrets.token_hex(32),
                image_bytes=1234,
                status=status,
                progress=progress,
                scenarios_total=10,
                scenarios_done=round(progress * 10),
            )
            s.add(sub)
            s.flush()
            return sub.id

    def finish(
        self,
        submission_id: uuid.UUID,
        dims: dict[str, float],
        clusters: list[tuple[str, str, str, int]] = (),
        extra: dict | None = None,
    ) -> None:
        """Write what the worker writes at the end: scores + cluster counts +
        catalog counts + status finished + leaderboard version bump, in one
        transaction. ``clusters``: (cluster id, label, taxonomy category,
        taxonomy code or None, count); ``extra``: further score columns
        (intervals, record, attempts, ...)."""
        from services.store import submissions as store
        from services.store.models import (
            FailureCluster,
            Submission,
            SubmissionCluster,
            SubmissionScore,
        )

        overall = (
            sum(v for k, v in dims.items() if k != "hallucination_rate")
            + (100 - dims["hallucination_rate"])
        ) / 6
        now = datetime.now(UTC)
        with self.session() as s:
            sub = s.get(Submission, submission_id)
            assert sub is not None
            s.add(
                SubmissionScore(
                    submission_id=sub.id,
                    **dims,
                    overall=overall,
                    pass_rate=dims["task_completion"] * 0.8,  # 0-100 like the evaluator
                    deployment_ready=overall >= 85,
                    scenarios=10,
                    prompt_tokens=100,
                    completion_tokens=50,
                    groups={},
                    **(extra or {}),
                )
            )
            total = sum(c[4] for c in clusters) or 1
            for cid, label, category, code, count in clusters:
                cat = s.get(FailureCluster, cid)
                if cat is None:
                    cat = FailureCluster(
                        id=cid,
                        label=label,
                        category=category,
                        code=code,
                        status="known",
                        centroid=[],
                        total_count=0,
                        submission_count=0,
                    )
                    s.add(cat)
                cat.total_count += count
                cat.submission_count += 1
                s.flush()
                s.add(
                    SubmissionCluster(
                        submission_id=sub.id,
                        cluster_id=cid,
                        label=label,
                        count=count,
                        share=count / total,
                    )
                )
            sub.status = "finished"
            sub.progress = 1.0
            sub.scenarios_done = sub.scenarios_total
            sub.finished_at = now
            store.bump_leaderboard(s, sub.phase_id)

    def set_progress(self, submission_id: uuid.UUID, status: str, progress: float) -> None:
        from services.store.models import Submission

        with self.session() as s:
            sub = s.get(Submission, submission_id)
            assert sub is not None
            sub.status = status
            sub.progress = progress
            sub.scenarios_done = round(progress * sub.scenarios_total)

    def fail(self, submission_id: uuid.UUID, code: str, message: str) -> None:
        from services.store import submissions as store
        from services.store.lifecycle import FailureKind

        with self.session() as s:
            assert store.fail(
                s, submission_id, code, message, FailureKind.PARTICIPANT, datetime.now(UTC)
            )


def dims(
    task: float, retr: float, verif: float, seq: float, clar: float, hall: float
) -> dict[str, float]:
    return dict(zip(DIMENSIONS, (task, retr, verif, seq, clar, hall), strict=True))


@contextlib.contextmanager
def web_stack(tmp_dir: Path) -> Iterator[WebStack]:
    name = f"arena_web_{secrets.token_hex(4)}"
    db_url = create_database(name)
    stack = WebStack(
        db_name=name, db_url=db_url, data_dir=tmp_dir / "data", log_path=tmp_dir / "api.log"
    )
    stack.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        migrate(db_url)
        stack.start()
        yield stack
    finally:
        stack.stop()
        from services.store.db import engine_for

        with contextlib.suppress(Exception):
            engine_for(db_url).dispose()
        drop_database(name)
        _clear_queue()


def _clear_queue() -> None:
    """Drop the Celery messages our uploads enqueued (only the queue key we used)."""
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.delete("arena")
        client.close()

"""A real, throw-away AssetOps Arena stack for the security, chaos, load and
fuzz suites.

Everything runs on loopback: uvicorn serving ``services.api.main:app`` on a
free port, a dedicated Postgres database migrated with Alembic, a dedicated
Redis database index, real Celery worker processes (solo pool) and the real
Docker engine. Every process writes its log to a file under ``log_dir`` so
the privacy tests can scan all service logs afterwards.

The chaos suite needs to kill and restart Postgres and Redis themselves;
doing that to the machine-wide services would hurt everybody else, so
``PrivatePostgres`` / ``PrivateRedis`` start their own instances on free
ports for that suite.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get(
    "ARENA_SEC_PG_ADMIN", "postgresql://arena:arena@127.0.0.1:5432/postgres"
)
REDIS_HOST_URL = os.environ.get("ARENA_SEC_REDIS", "redis://127.0.0.1:6379")
REDIS_DB_INDEX = int(os.environ.get("ARENA_SEC_REDIS_DB", "9"))
ARENA_LABEL = "org.assetops.arena"
SUITE_LABEL = "org.assetops.arena.suite"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    predicate: Callable[[], Any], timeout: float, interval: float = 0.2, what: str = "condition"
) -> Any:
    """Poll ``predicate`` until it returns something truthy; raise on timeout."""
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the thing we wait for may not be up yet
            last_exc = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}; last error: {last_exc!r}")


# --------------------------------------------------------------------------
# processes
# --------------------------------------------------------------------------
@dataclass
class ManagedProcess:
    """A child process whose stdout+stderr go to ``log_path``."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    cwd: Path = REPO
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # own process group: a kill reaches children (uvicorn reloader, celery)
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL the whole process group: no cleanup code runs."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            assert self.proc is not None
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


# --------------------------------------------------------------------------
# Postgres
# --------------------------------------------------------------------------
def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with (
        contextlib.suppress(Exception),
        psycopg.connect(_psycopg_url(admin_url), autocommit=True) as conn,
    ):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url_for(admin_url: str, name: str) -> str:
    base = _psycopg_url(admin_url).rsplit("/", 1)[0]
    return f"{base}/{name}"


def run_migrations(db_url: str, env: dict[str, str]) -> None:
    """``alembic upgrade head`` against ``db_url`` (the project's own migrations)."""
    menv = dict(env, ARENA_DATABASE_URL=sqlalchemy_url(db_url))
    out = subprocess.run(
        [PYTHON, "-m", "alembic", "upgrade", "head"],
        cwd=REPO,
        env=menv,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"alembic upgrade failed:\n{out.stdout}\n{out.stderr}")


def sql(db_url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(_psycopg_url(db_url), connect_timeout=5) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def pg_dump(db_url: str) -> bytes:
    """Full plain-text dump (schema + data) of the database."""
    out = subprocess.run(
        ["pg_dump", "--no-owner", "--data-only", "--inserts", _psycopg_url(db_url)],
        capture_output=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace"))
    schema = subprocess.run(
        ["pg_dump", "--no-owner", "--schema-only", _psycopg_url(db_url)],
        capture_output=True,
        timeout=120,
    )
    return out.stdout + schema.stdout


def _as_postgres_user(argv: list[str]) -> list[str]:
    # initdb/postgres refuse to run as root; the Debian package has a
    # ``postgres`` system user we can drop to.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _pg_bin(tool: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    if not found:
        raise FileNotFoundError(tool)
    return str(found[-1])


@dataclass
class PrivatePostgres:
    """A Postgres cluster of our own (for the chaos suite, which restarts it)."""

    root: Path
    port: int = field(default_factory=free_port)

    @property
    def admin_url(self) -> str:
        return f"postgresql://arena:arena@127.0.0.1:{self.port}/postgres"

    def init(self) -> PrivatePostgres:
        data = self.root / "pgdata"
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.root, "postgres", "postgres") if os.geteuid() == 0 else None
        pwfile = self.root / "pw"
        pwfile.write_text("arena\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(
            _as_postgres_user(
                [
                    _pg_bin("initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "arena",
                    "--pwfile",
                    str(pwfile),
                    "-A",
                    "md5",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()
        return self

    def start(self) -> None:
        data = self.root / "pgdata"
        subprocess.run(
            _as_postgres_user(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.root / "pg.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres_user(
                [_pg_bin("pg_ctl"), "-D", str(self.root / "pgdata"), "-m", mode, "-w", "stop"]
            ),
            capture_output=True,
            timeout=90,
        )

    def restart(self) -> None:
        self.stop("immediate")  # like a crash: no clean shutdown checkpoint
        self.start()


@dataclass
class PrivateRedis:
    root: Path
    port: int = field(default_factory=free_port)
    proc: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> PrivateRedis:
        self.root.mkdir(parents=True, exist_ok=True)
        # appendonly: a restart keeps the queue, as a production Redis with AOF would
        self.proc = ManagedProcess(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.root),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            dict(os.environ),
            self.root / "redis.log",
        ).start()
        wait_until(lambda: _tcp_open(self.port), 20, what="private redis")
        return self

    def kill(self) -> None:
        if self.proc:
            self.proc.kill9()

    def restart(self) -> None:
        self.kill()
        self.start()


def _tcp_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------
# the stack
# --------------------------------------------------------------------------
@dataclass
class ArenaStack:
    """api + worker(s) against one database, one Redis db index, one data dir."""

    root: Path
    db_url: str  # postgresql://...
    redis_url: str  # redis://host:port/N
    admin_token: str = field(default_factory=lambda: "adm_" + secrets.token_urlsafe(24))
    extra_env: dict[str, str] = field(default_factory=dict)
    api_port: int = field(default_factory=free_port)
    api: ManagedProcess | None = None
    workers: list[ManagedProcess] = field(default_factory=list)
    extra_processes: list[ManagedProcess] = field(default_factory=list)
    secret: Any = None  # sec_scenarios.SecretSet of ARENA_SCENARIO_FILE, when set

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARENA_")}
        env.update(
            {
                "ARENA_DATABASE_URL": sqlalchemy_url(self.db_url),
                "ARENA_REDIS_URL": self.redis_url,
                "ARENA_DATA_DIR": str(self.data_dir),
                "ARENA_BOOTSTRAP_ADMIN_TOKEN": self.admin_token,
                "ARENA_API_HOST": "127.0.0.1",
                "ARENA_API_PORT": str(self.api_port),
                "ARENA_PUBLIC_URL": self.base_url,
                "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(REPO),
            }
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def migrate(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        run_migrations(self.db_url, self.env())

    def bootstrap_admin(self) -> None:
        """Register ARENA_BOOTSTRAP_ADMIN_TOKEN with the operator CLI."""
        out = subprocess.run(
            [PYTHON, "-m", "services.api.admin", "create-admin-token"],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if out.returncode != 0:
            raise RuntimeError(f"admin bootstrap failed:\n{out.stdout}\n{out.stderr}")

    def start_api(self) -> ManagedProcess:
        self.api = ManagedProcess(
            "api",
            [
                PYTHON,
                "-m",
                "uvicorn",
                "services.api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--no-access-log",
            ],
            self.env(),
            self.log_dir / "api.log",
        ).start()
        wait_until(self._api_ready, 60, what="api /healthz")
        return self.api

    def start_extra_api(self, name: str, **env_overrides: str) -> tuple[ManagedProcess, str]:
        """A second api process on the same database (e.g. with other
        settings, or an in-process state of its own such as the auth
        limiter); stopped with the stack."""
        port = free_port()
        proc = self.start_process(
            name,
            [
                PYTHON,
                "-m",
                "uvicorn",
                "services.api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            **env_overrides,
        )
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: httpx.get(url + "/healthz", timeout=2).status_code == 200,
            60,
            what=f"{name} /healthz",
        )
        return proc, url

    def _api_ready(self) -> bool:
        if self.api is not None and not self.api.alive():
            raise RuntimeError("api exited:\n" + self.api.log_text()[-4000:])
        return httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200

    def start_worker(self, name: str | None = None, **env_overrides: str) -> ManagedProcess:
        name = name or f"w{len(self.workers) + 1}"
        worker = ManagedProcess(
            f"worker-{name}",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "worker.celery_app:app",
                "worker",
                "-Q",
                "arena",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "-n",
                f"{name}@sec-%h",
                "--without-gossip",
                "--without-mingle",
            ],
            self.env(**env_overrides),
            self.log_dir / f"worker-{name}.log",
        ).start()
        self.workers.append(worker)
        return worker

    def start_beat(self) -> ManagedProcess:
        """The reconciler's scheduler, as its own process so that killing a
        worker does not kill it."""
        return self.start_process(
            "beat",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "worker.celery_app:app",
                "beat",
                "--loglevel",
                "INFO",
                "-s",
                str(self.root / "celerybeat-schedule"),
            ],
        )

    @contextlib.contextmanager
    def workers_paused(self) -> Iterator[None]:
        """Stop every worker (warm: a running task finishes first), restart
        the same number afterwards. Queued tasks wait in Redis meanwhile."""
        count = len(self.workers)
        for worker in self.workers:
            worker.stop(timeout=180)
        self.workers.clear()
        try:
            yield
        finally:
            for _ in range(max(1, count)):
                self.start_worker()

    def start_process(self, name: str, argv: list[str], **env_overrides: str) -> ManagedProcess:
        p = ManagedProcess(
            name, argv, self.env(**env_overrides), self.log_dir / f"{name}.log"
        ).start()
        self.extra_processes.append(p)
        return p

    def stop(self) -> None:
        for p in [*self.workers, *self.extra_processes]:
            p.stop()
        if self.api:
            self.api.stop()

    def all_logs(self) -> bytes:
        return b"".join(p.read_bytes() for p in sorted(self.log_dir.glob("*.log")))

    # -- http ---------------------------------------------------------------
    def client(self, token: str | None = None, timeout: float = 30) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)


@contextlib.contextmanager
def arena_stack(
    db_admin_url: str = PG_ADMIN_URL,
    redis_base: str = REDIS_HOST_URL,
    redis_db: int = REDIS_DB_INDEX,
    workers: int = 1,
    suite: str = "sec",
    extra_env: dict[str, str] | None = None,
    root: Path | None = None,
    beat: bool = True,
) -> Iterator[ArenaStack]:
    """Create database + data dir, migrate, start api and ``workers`` workers;
    tear everything down afterwards (processes, database, Redis db, labelled
    containers of this suite)."""
    import redis

    own_root = root is None
    root = root or Path(tempfile.mkdtemp(prefix=f"arena-{suite}-"))
    db_name = f"arena_{suite}_test_{os.getpid()}"
    create_database(db_admin_url, db_name)
    redis_url = f"{redis_base}/{redis_db}"
    redis.Redis.from_url(redis_url).flushdb()
    stack = ArenaStack(
        root=root,
        db_url=database_url_for(db_admin_url, db_name),
        redis_url=redis_url,
        extra_env=dict(extra_env or {}),
    )
    try:
        stack.migrate()
        stack.bootstrap_admin()
        stack.start_api()
        for _ in range(workers):
            stack.start_worker()
        if beat:
            stack.start_beat()
        yield stack
    finally:
        stack.stop()
        # A worker stopped mid-evaluation leaves its sandbox and image: remove
        # them as the reconciler + janitor of a live deployment would (the
        # suite-wide check in tests/conftest.py then finds nothing).
        with contextlib.suppress(Exception):
            clean_submission_leftovers(stack.db_url)
        with contextlib.suppress(Exception):
            redis.Redis.from_url(redis_url).flushdb()
        if os.environ.get("ARENA_SEC_KEEP"):  # debugging: keep logs and the database
            print(f"ARENA_SEC_KEEP: kept {root} and database {db_name}", file=sys.stderr)
        else:
            drop_database(db_admin_url, db_name)
            if own_root:
                shutil.rmtree(root, ignore_errors=True)


def clean_submission_leftovers(db_url: str) -> int:
    """Janitor every attempt of every submission in this stack's database."""
    import docker
    import sqlalchemy as sa

    from worker.pipeline import sandbox_label
    from worker.sandbox import janitor

    engine = sa.create_engine(sqlalchemy_url(db_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, attempt FROM submissions")).all()
    finally:
        engine.dispose()
    client = docker.from_env(timeout=120)
    removed = 0
    for sid, attempt in rows:
        for n in range(1, max(1, attempt or 1) + 1):
            report = janitor.cleanup(
                client, older_than=0, submission=sandbox_label(sid, n), images=True
            )
            removed += report.containers + report.volumes + report.images
    return removed


# --------------------------------------------------------------------------
# one stack shared by every suite in this pytest process
# --------------------------------------------------------------------------
# The security, load and fuzz suites each have their own conftest; a
# session fixture defined in three conftests would start three stacks, so
# they share this reference-counted one instead (the chaos suite builds its
# own on private Postgres/Redis because it kills them).
_shared: dict[str, Any] = {"ctx": None, "stack": None, "refs": 0}

# Small enough that the oversize test stays cheap, big enough for a
# ``docker save`` of an arena-base agent image (~125 MiB).
SHARED_UPLOAD_MAX_BYTES = 160 * 1024**2


def shared_env(root: Path) -> dict[str, str]:
    import sec_scenarios

    secret = sec_scenarios.write_secret_set(root / "secret-scenarios.json")
    _shared["secret"] = secret
    return {
        "ARENA_SCENARIO_FILE": str(secret.path),
        # hostile/sleeper agents must not hold the one shared worker for long
        "ARENA_AGENT_WALL_SECONDS": "20",
        "ARENA_UPLOAD_MAX_BYTES": str(SHARED_UPLOAD_MAX_BYTES),
        "ARENA_UPLOAD_MAX_UNPACKED_BYTES": str(512 * 1024**2),
        "ARENA_LOG_LEVEL": "INFO",  # the operator default; DEBUG is tested on its own
        "ARENA_RECONCILE_INTERVAL_SECONDS": "5",
    }


def acquire_shared_stack(extra_env: dict[str, str] | None = None) -> ArenaStack:
    if _shared["stack"] is None:
        root = Path(tempfile.mkdtemp(prefix="arena-sec-"))
        env = shared_env(root) | dict(extra_env or {})
        ctx = arena_stack(suite="sec", extra_env=env, root=root)
        _shared["stack"] = ctx.__enter__()
        _shared["stack"].secret = _shared["secret"]
        _shared["ctx"] = ctx
        _shared["root"] = root
    _shared["refs"] += 1
    return _shared["stack"]


def release_shared_stack() -> None:
    _shared["refs"] -= 1
    if _shared["refs"] == 0 and _shared["ctx"] is not None:
        ctx, root = _shared["ctx"], _shared["root"]
        _shared.update(ctx=None, stack=None)
        ctx.__exit__(None, None, None)
        _remove_suite_images()
        if not os.environ.get("ARENA_SEC_KEEP"):
            shutil.rmtree(root, ignore_errors=True)


def _remove_suite_images() -> None:
    """Images this suite built (label org.assetops.arena.suite=sec)."""
    import docker

    client = docker.from_env()
    for image in client.images.list(filters={"label": f"{SUITE_LABEL}=sec"}):
        with contextlib.suppress(docker.errors.APIError):
            client.images.remove(image.id, force=True)

"""API benchmarks (issue 7). Run: ``.venv/bin/python bench/bench_api.py``.

1. Upload: a 1 GiB `docker save`-shaped tar streamed to ``POST
   /api/v1/submissions`` of a real uvicorn server (loopback). Reported:
   throughput vs. a local file copy of the same bytes measured in the same
   run (Python chunked copy and `cp`), and the server's resident-memory
   growth (VmHWM after - VmRSS before). Targets: ratio >= 0.5, growth <= 64 MiB.
2. Leaderboard revalidation: ``GET /api/v1/leaderboard`` with
   ``If-None-Match`` (-> 304) vs. the trivial ``/healthz`` of the same app,
   closed loop (throughput ratio, target >= 0.5); then 100 concurrent
   pollers, each on its own connection polling once per second, for a
   bounded run: p99 latency (target <= 50 ms).

Needs Postgres and Redis (uses database ``arena_api_bench`` and Redis db 6,
both created/emptied here). Prints JSON; ``--markdown`` also prints the
docs/benchmarks.md section.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "arena_api_bench"
DB_URL = f"postgresql+psycopg://arena:arena@127.0.0.1:5432/{DB}"
REDIS_URL = "redis://127.0.0.1:6379/6"
CHUNK = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_image_tar(path: Path, layer_bytes: int) -> None:
    """A loadable ``docker save``: manifest.json + config + one layer holding
    one file of ``layer_bytes`` (pseudo-random, incompressible-ish), written
    in streaming fashion; the config's diff id is the layer's real digest (the
    upload inspection checks it)."""
    block = hashlib.sha512(b"arena").digest() * (CHUNK // 64)

    class Stream(io.RawIOBase):
        def __init__(self, n: int) -> None:
            self.left = n

        def readable(self) -> bool:
            return True

        def readinto(self, b) -> int:  # noqa: ANN001
            n = min(len(b), self.left, len(block))
            b[:n] = block[:n]
            self.left -= n
            return n

    layer_path = path.with_suffix(".layer.tar")
    with tarfile.open(layer_path, "w") as layer:
        info = tarfile.TarInfo("payload.bin")
        info.size = layer_bytes
        layer.addfile(info, io.BufferedReader(Stream(layer_bytes), CHUNK))
    digest = hashlib.sha256()
    with layer_path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Entrypoint": ["/payload.bin"]},
            "rootfs": {"type": "layers", "diff_ids": [f"sha256:{digest.hexdigest()}"]},
        }
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["bench:1"], "Layers": ["layer0/layer.tar"]}]
    with tarfile.open(path, "w") as tar:
        tar.add(layer_path, arcname="layer0/layer.tar")
        for name, data in ((config_name, config), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    layer_path.unlink()


def setup_database() -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://arena:arena@127.0.0.1:5432/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"url={DB_URL}", "upgrade", "head"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def seed(settings, teams: int) -> tuple[str, int]:  # noqa: ANN001
    sys.path.insert(0, str(ROOT / "tests" / "api"))
    from arena_api_env import finished_submission

    from services.api.admin import service
    from services.api.admin.schemas import PhaseIn
    from services.store.db import session_factory
    from services.store.submissions import utcnow

    now = utcnow()
    with session_factory(settings.database_url)() as session:
        phase = service.create_phase(
            session,
            PhaseIn(
                title="Bench",
                opens_at=now.replace(year=now.year - 1),
                tracks=["execution"],
                daily_quota=1000,
                max_concurrent=100,
            ),
        )
        service.create_team(session, "bench-uploader", None)
        token = service.create_token(session, "participant", "bench-uploader", "bench").token
        for i in range(teams):
            service.create_team(session, f"team-{i:03d}", None)
    for i in range(teams):
        finished_submission(settings, f"team-{i:03d}", phase.id, "execution", 40 + i % 50, i)
    return token, phase.id


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "services.api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ | env,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("api did not start")

    def mem(self, key: str) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(key)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(20)


def bench_upload(server: Server, token: str, phase: int, tar: Path, tmp: Path) -> dict:
    size = tar.stat().st_size
    # Baselines: the same bytes copied locally (page cache warm for both).
    t = time.perf_counter()
    with tar.open("rb") as src, (tmp / "copy.bin").open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
    py_copy = time.perf_counter() - t
    (tmp / "copy.bin").unlink()
    t = time.perf_counter()
    subprocess.run(["cp", str(tar), str(tmp / "copy2.bin")], check=True)
    cp_copy = time.perf_counter() - t
    (tmp / "copy2.bin").unlink()

    def body():
        with tar.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    rss_before = server.mem("VmRSS")
    t = time.perf_counter()
    r = httpx.post(
        server.url + "/api/v1/submissions",
        params={"track": "execution", "phase": phase},
        content=body(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-tar",
            "Content-Length": str(size),
        },
        timeout=600,
    )
    upload = time.perf_counter() - t
    assert r.status_code == 202, r.text
    hwm = server.mem("VmHWM")
    return {
        "bytes": size,
        "upload_s": round(upload, 3),
        "upload_mib_s": round(size / upload / CHUNK, 1),
        "python_copy_s": round(py_copy, 3),
        "cp_s": round(cp_copy, 3),
        "ratio_vs_python_copy": round(py_copy / upload, 3),
        "ratio_vs_cp": round(cp_copy / upload, 3),
        "rss_before_mib": round(rss_before / CHUNK, 1),
        "peak_growth_mib": round((hwm - rss_before) / CHUNK, 1),
        "submission": r.json()["id"],
    }


async def closed_loop(
    url: str, headers: dict[str, str], expect: int, concurrency: int, seconds: float
) -> dict:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = await client.get(url, headers=headers)
                latencies.append(time.perf_counter() - t)
                assert r.status_code == expect, r.status_code

        start = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(concurrency)])
        elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        **percentiles(latencies),
    }


async def pollers(
    url: str, headers: dict[str, str], count: int, interval: float, seconds: float
) -> dict:
    """`count` pollers, each with its own connection, one GET per `interval`
    (phases staggered), for a bounded run."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    # Clients are built before the clock starts (each builds an SSL context).
    clients = [httpx.AsyncClient(timeout=30) for _ in range(count)]
    stop = time.perf_counter() + seconds

    async def poller(i: int, client: httpx.AsyncClient) -> None:
        await asyncio.sleep(interval * i / count)
        while time.perf_counter() < stop:
            t = time.perf_counter()
            r = await client.get(url, headers=headers)
            latencies.append(time.perf_counter() - t)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - t)))

    try:
        await asyncio.gather(*[poller(i, c) for i, c in enumerate(clients)])
    finally:
        for c in clients:
            await c.aclose()
    return {
        "pollers": count,
        "interval_s": interval,
        "requests": len(latencies),
        "statuses": statuses,
        **percentiles(latencies),
    }


def server_buckets(url: str, route: str) -> dict[str, float]:
    """Cumulative bucket counts of arena_http_request_seconds for a route,
    from the server's own /metrics (server-side time, no client overhead)."""
    out: dict[str, float] = {}
    prefix = 'arena_http_request_seconds_bucket{le="'
    for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith(prefix) and f'route="{route}"' in line:
            le = line[len(prefix) :].split('"', 1)[0]
            out[le] = float(line.rsplit(" ", 1)[1])
    return out


def server_share(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    total = after.get("+Inf", 0) - before.get("+Inf", 0)
    if total <= 0:
        return {}
    return {
        f"<= {float(le) * 1000:g} ms": round((after[le] - before.get(le, 0)) / total, 4)
        for le in ("0.005", "0.01", "0.025", "0.05")
        if le in after
    }


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {
        "p50_ms": round(q[49] * 1000, 2),
        "p99_ms": round(q[98] * 1000, 2),
        "max_ms": round(values[-1] * 1000, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--teams", type=int, default=60)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    from services.settings import Settings

    setup_database()
    tmp = Path(tempfile.mkdtemp(prefix="arena-bench-api-"))
    try:
        settings = Settings(
            database_url=DB_URL,
            redis_url=REDIS_URL,
            data_dir=tmp / "data",
            upload_max_bytes=4 * 1024**3,
            log_level="WARNING",
        )
        token, phase = seed(settings, args.teams)
        env = {
            "ARENA_DATABASE_URL": DB_URL,
            "ARENA_REDIS_URL": REDIS_URL,
            "ARENA_DATA_DIR": str(tmp / "data"),
            "ARENA_UPLOAD_MAX_BYTES": str(4 * 1024**3),
            "ARENA_LOG_LEVEL": "WARNING",
        }
        tar = tmp / "image.tar"
        make_image_tar(tar, args.upload_mib * CHUNK)
        server = Server(env)
        try:
            upload = bench_upload(server, token, phase, tar, tmp) if args.upload_mib else {}
            tar.unlink()
            board = f"{server.url}/api/v1/leaderboard?phase={phase}&track=execution"
            etag = httpx.get(board).headers["etag"]
            assert httpx.get(board, headers={"If-None-Match": etag}).status_code == 304
            # warm up both paths
            asyncio.run(closed_loop(server.url + "/healthz", {}, 200, 4, 1))
            asyncio.run(closed_loop(board, {"If-None-Match": etag}, 304, 4, 1))
            trivial = asyncio.run(
                closed_loop(server.url + "/healthz", {}, 200, args.concurrency, args.seconds)
            )
            reval = asyncio.run(
                closed_loop(board, {"If-None-Match": etag}, 304, args.concurrency, args.seconds)
            )
            route = "/api/v1/leaderboard"
            before = server_buckets(server.url, route)
            polled = asyncio.run(pollers(board, {"If-None-Match": etag}, 100, 1.0, args.seconds))
            polled["server_side_share"] = server_share(before, server_buckets(server.url, route))
            full = asyncio.run(closed_loop(board, {}, 200, args.concurrency, args.seconds / 2))
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    result = {
        "upload": upload,
        "leaderboard": {
            "teams": args.teams,
            "concurrency": args.concurrency,
            "trivial_healthz": trivial,
            "revalidate_304": reval,
            "full_200_cached": full,
            "ratio_304_vs_trivial": round(reval["rps"] / trivial["rps"], 3),
            "pollers_100": polled,
        },
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if args.markdown:
        print(markdown(result, args))
    return 0


def markdown(r: dict, args: argparse.Namespace) -> str:
    u, lb = r["upload"], r["leaderboard"]
    triv, reval, poll = lb["trivial_healthz"], lb["revalidate_304"], lb["pollers_100"]
    conc = lb["concurrency"]
    rows = [
        ("measure", "value", "target"),
        ("---", "---", "---"),
        (f"upload of {u['bytes']} B", f"{u['upload_s']} s ({u['upload_mib_s']} MiB/s)", ""),
        (
            "local copy of the same bytes: Python 1 MiB chunks / `cp`",
            f"{u['python_copy_s']} s / {u['cp_s']} s",
            "",
        ),
        ("upload throughput / Python chunked copy", str(u["ratio_vs_python_copy"]), ">= 0.5"),
        ("upload throughput / `cp` (in-kernel copy)", str(u["ratio_vs_cp"]), "(reported)"),
        (
            "api memory growth during the upload (VmHWM - VmRSS before)",
            f"{u['peak_growth_mib']} MiB",
            "<= 64 MiB",
        ),
        (
            f"`/healthz`, closed loop, {conc} connections",
            f"{triv['rps']} req/s, p99 {triv['p99_ms']} ms",
            "",
        ),
        (
            f"leaderboard 304, closed loop, {conc} connections",
            f"{reval['rps']} req/s, p99 {reval['p99_ms']} ms",
            "",
        ),
        ("304 throughput / trivial endpoint", str(lb["ratio_304_vs_trivial"]), ">= 0.5"),
        (
            f"100 pollers, 1 GET/s each, {args.seconds:.0f} s",
            f"p50 {poll['p50_ms']} ms, p99 {poll['p99_ms']} ms, max {poll['max_ms']} ms",
            "p99 <= 50 ms",
        ),
        (
            "same 304s, server-side time (share within)",
            ", ".join(f"{k}: {v:.1%}" for k, v in poll.get("server_side_share", {}).items()),
            "",
        ),
        (
            f"leaderboard 200 (body cache warm), {lb['teams']} teams",
            f"{lb['full_200_cached']['rps']} req/s",
            "",
        ),
    ]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    return (
        "\n## API\n\nCommand: `.venv/bin/python bench/bench_api.py --markdown` (uvicorn with "
        f"httptools, one process, loopback; {r['cpus']} shared cores; Postgres, Redis).\n\n"
        + table
        + "\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())

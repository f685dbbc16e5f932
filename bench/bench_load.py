"""Load on loopback: N concurrent leaderboard pollers (with ETag) plus M
concurrent small uploads, bounded in count and time.

Prints absolute figures (requests, throughput, p50/p99 latency, errors) and
the ratio of the leaderboard pollers' throughput and p99 to the same number
of pollers hitting a trivial endpoint (``/healthz``) of the same server in
the same run, so the figures mean something on any machine.

Usage:
    .venv/bin/python bench/bench_load.py                 # starts its own stack
    .venv/bin/python bench/bench_load.py --pollers 200 --uploads 20 --seconds 15

The load generator (``run_pollers``, ``run_uploads``) is also what
``tests/load/test_load_pollers.py`` drives; the test asserts 0 errors and 0
lost submissions, this script reports the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]


@dataclass
class PollStats:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # connection dropped by the server on a reused keep-alive connection,
    # retried once (what browsers and urllib3 do for idempotent GETs)
    retried: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.throughput, 1),
            "p50_ms": round(self.pct(0.50), 2),
            "p99_ms": round(self.pct(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
            "statuses": dict(self.statuses),
            "errors": len(self.errors),
            "error_samples": sorted(set(self.errors))[:3],
            "retried_connection_drops": len(self.retried),
        }


async def _poller(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, Any],
    deadline: float,
    max_requests: int,
    use_etag: bool,
    ok: set[int],
    stats: PollStats,
) -> None:
    etag: str | None = None
    for _ in range(max_requests):
        if time.monotonic() >= deadline:
            return
        headers = {"If-None-Match": etag} if (use_etag and etag) else {}
        t0 = time.perf_counter()
        try:
            try:
                r = await client.get(path, params=params, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError) as exc:
                stats.retried.append(f"{type(exc).__name__}: {exc}")
                r = await client.get(path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            stats.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        stats.latencies_ms.append((time.perf_counter() - t0) * 1000)
        stats.statuses[r.status_code] += 1
        if r.status_code not in ok:
            stats.errors.append(f"HTTP {r.status_code}: {r.text[:200]}")
        elif r.status_code == 200 and use_etag:
            etag = r.headers.get("etag")
            if etag is None:
                stats.errors.append("200 without an ETag header")


async def run_pollers(
    base_url: str,
    path: str,
    *,
    pollers: int,
    seconds: float,
    max_requests_each: int = 10_000,
    params: dict[str, Any] | None = None,
    use_etag: bool = True,
    name: str = "",
    token: str | None = None,
) -> PollStats:
    """``pollers`` concurrent clients, each on its own connection, polling
    ``path`` until ``seconds`` elapse or ``max_requests_each`` is reached."""
    stats = PollStats(name or path)
    limits = httpx.Limits(max_connections=pollers + 10, max_keepalive_connections=pollers + 10)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=30, headers=headers
    ) as client:
        t0 = time.monotonic()
        deadline = t0 + seconds
        await asyncio.gather(
            *[
                _poller(
                    client,
                    path,
                    params or {},
                    deadline,
                    max_requests_each,
                    use_etag,
                    {200, 304},
                    stats,
                )
                for _ in range(pollers)
            ]
        )
        stats.seconds = time.monotonic() - t0
    return stats


@dataclass
class UploadResult:
    status: int
    body: Any
    seconds: float


async def run_uploads(
    base_url: str,
    token: str,
    archive: Path,
    *,
    uploads: int,
    params: dict[str, Any],
    content_type: str = "application/x-tar",
) -> list[UploadResult]:
    """``uploads`` concurrent streamed uploads of the same small archive."""
    data = archive.read_bytes()

    async def one(client: httpx.AsyncClient) -> UploadResult:
        t0 = time.perf_counter()
        try:
            r = await client.post(
                "/api/v1/submissions",
                params=params,
                content=data,
                headers={"Content-Type": content_type},
            )
        except httpx.HTTPError as exc:
            return UploadResult(-1, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)
        try:
            body: Any = r.json()
        except ValueError:
            body = r.text[:300]
        return UploadResult(r.status_code, body, time.perf_counter() - t0)

    async with httpx.AsyncClient(
        base_url=base_url, timeout=120, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        return list(await asyncio.gather(*[one(client) for _ in range(uploads)]))


async def mixed_load(
    base_url: str,
    *,
    board_path: str,
    board_params: dict[str, Any],
    token: str,
    archive: Path,
    upload_params: dict[str, Any],
    pollers: int,
    uploads: int,
    seconds: float,
) -> tuple[PollStats, list[UploadResult]]:
    """Pollers and uploads at the same time (the scenario the issue asks for)."""
    poll_task = asyncio.create_task(
        run_pollers(
            base_url,
            board_path,
            pollers=pollers,
            seconds=seconds,
            params=board_params,
            name="leaderboard+uploads",
        )
    )
    await asyncio.sleep(min(1.0, seconds / 4))  # uploads land while pollers are busy
    upload_results = await run_uploads(
        base_url, token, archive, uploads=uploads, params=upload_params
    )
    return await poll_task, upload_results


# --------------------------------------------------------------------------
# stand-alone benchmark
# --------------------------------------------------------------------------
def _main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pollers", type=int, default=200)
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO / "tests" / "security"))
    import sec_api  # noqa: PLC0415 - test harness, only needed for the stand-alone run
    import sec_stack  # noqa: PLC0415

    # one team's uploads in flight are bounded (2 by default): let them all in
    stack = sec_stack.acquire_shared_stack(
        {"ARENA_UPLOAD_MAX_CONCURRENT_PER_TEAM": str(args.uploads)}
    )
    try:
        world = sec_api.bootstrap_world(stack, teams=("loadbench",))
        team = world.teams["loadbench"]
        archive = sec_api.tiny_archive(stack.root)
        board_path, board_params = sec_api.leaderboard_request(world)
        # warm up both endpoints (imports, connection pools, first ETag)
        asyncio.run(run_pollers(stack.base_url, "/healthz", pollers=4, seconds=1))
        asyncio.run(
            run_pollers(stack.base_url, board_path, pollers=4, seconds=1, params=board_params)
        )
        trivial = asyncio.run(
            run_pollers(
                stack.base_url,
                "/healthz",
                pollers=args.pollers,
                seconds=args.seconds,
                use_etag=False,
                name="trivial /healthz",
            )
        )
        board_only = asyncio.run(
            run_pollers(
                stack.base_url,
                board_path,
                pollers=args.pollers,
                seconds=args.seconds,
                params=board_params,
                name="leaderboard (ETag)",
            )
        )
        mixed, ups = asyncio.run(
            mixed_load(
                stack.base_url,
                board_path=board_path,
                board_params=board_params,
                token=team.token,
                archive=archive,
                upload_params=sec_api.upload_params(world),
                pollers=args.pollers,
                uploads=args.uploads,
                seconds=args.seconds,
            )
        )
        accepted = [u for u in ups if u.status == 202]
        ids = {sec_api.submission_id(u.body) for u in accepted}
        stored = sec_api.count_submissions(stack, ids)
        up_lat = sorted(u.seconds * 1000 for u in ups)
        report = {
            "pollers": args.pollers,
            "uploads": args.uploads,
            "seconds": args.seconds,
            "trivial": trivial.summary(),
            "leaderboard": board_only.summary(),
            "mixed": mixed.summary(),
            "uploads_result": {
                "accepted": len(accepted),
                "stored": stored,
                "statuses": dict(Counter(u.status for u in ups)),
                "p50_ms": round(up_lat[len(up_lat) // 2], 1),
                "max_ms": round(up_lat[-1], 1),
            },
            "ratio_rps_leaderboard_vs_trivial": round(
                board_only.throughput / trivial.throughput, 3
            ),
            "ratio_p99_leaderboard_vs_trivial": round(board_only.pct(0.99) / trivial.pct(0.99), 3),
            "ratio_rps_mixed_vs_trivial": round(mixed.throughput / trivial.throughput, 3),
        }
    finally:
        sec_stack.release_shared_stack()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key in ("trivial", "leaderboard", "mixed"):
            s = report[key]
            print(
                f"{s['name']:<22} {s['requests']:>7} req {s['rps']:>8} req/s  "
                f"p50 {s['p50_ms']:>7} ms  p99 {s['p99_ms']:>7} ms  errors {s['errors']} "
                f"(dropped+retried {s['retried_connection_drops']})  "
                f"{s['statuses']}"
            )
            if s["error_samples"]:
                print(f"    errors: {s['error_samples']}")
        u = report["uploads_result"]
        print(
            f"uploads: {u['accepted']}/{args.uploads} accepted, {u['stored']} stored, "
            f"p50 {u['p50_ms']} ms, max {u['max_ms']} ms, statuses {u['statuses']}"
        )
        print(
            "ratio leaderboard/trivial: throughput "
            f"{report['ratio_rps_leaderboard_vs_trivial']}x, "
            f"p99 {report['ratio_p99_leaderboard_vs_trivial']}x; mixed/trivial throughput "
            f"{report['ratio_rps_mixed_vs_trivial']}x"
        )
    errors = (
        report["leaderboard"]["errors"]
        + report["mixed"]["errors"]
        + (args.uploads - report["uploads_result"]["stored"])
    )
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(_main())

"""Leaderboard page benchmark (issue 9). Run: ``.venv/bin/python bench/bench_page.py``.

A real uvicorn api on a throw-away Postgres database seeded through the
store with N teams (finished, scored submissions with failure clusters).
Measured closed-loop on one keep-alive connection, same run:

- baseline: ``GET /api/v1/leaderboard`` (the JSON the page is built from, 200)
- the browser's poll: the same URL with ``If-None-Match`` (304)
- ``GET /`` (full server-rendered page: three in-process api sub-requests,
  Jinja2, one SVG radar per team, the failure chart)
- ``GET /ui/fragments/leaderboard`` (what the page fetches after a change)

Requests are interleaved (one of each per round). Prints median/p95
latency per request and the ratios against the JSON board.
Needs Postgres (database ``arena_page_bench``, dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))

import arena_web_stack as web  # noqa: E402


def timed(
    client: httpx.Client, path: str, n: int, headers: dict | None = None, expect: int = 200
) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path, headers=headers)
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == expect, (path, r.status_code)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, web.web_stack(Path(tmp)) as stack:
        phase = stack.add_phase()
        for i in range(args.teams):
            team = stack.add_team(f"team-{i:03d}", f"Team {i:03d}")
            sub = stack.add_submission(team.team_id, phase)
            v = 20 + (i * 37) % 80
            stack.finish(
                sub,
                web.dims(v, v - 5, v - 10, v, v - 3, 100 - v),
                [
                    (f"fc-{i % 7}", f"Cluster {i % 7}", "Other", None, 1 + i % 5),
                    (f"fc-{(i + 3) % 7}", f"Cluster {(i + 3) % 7}", "Formatting Issues", None, 2),
                ],
            )
        q = f"phase={phase}&track=execution&page_size=100"
        with httpx.Client(base_url=stack.url, timeout=30) as client:
            etag = client.get(f"/api/v1/leaderboard?{q}").headers["etag"]
            for path in ("/", f"/api/v1/leaderboard?{q}", "/ui/fragments/leaderboard"):
                timed(client, path, 10)  # warm-up (caches, pools)
            n = args.requests
            # Interleaved (one of each per round) so load drift on a shared
            # machine hits every variant alike.
            cases = {
                "json_200": (f"/api/v1/leaderboard?{q}", None, 200),
                "poll_304": (f"/api/v1/leaderboard?{q}", {"If-None-Match": etag}, 304),
                "page": (f"/?phase={phase}&track=execution", None, 200),
                "fragment": (f"/ui/fragments/leaderboard?phase={phase}&track=execution", None, 200),
            }
            samples: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(n):
                for name, (path, headers, expect) in cases.items():
                    samples[name] += timed(client, path, 1, headers, expect)
            results = {name: summary(values) for name, values in samples.items()}
            page_bytes = len(client.get("/").content)
    base = results["json_200"]["median_ms"]
    report = {
        "teams": args.teams,
        "requests_each": args.requests,
        "page_bytes": page_bytes,
        **results,
        "ratio_page_vs_json": round(results["page"]["median_ms"] / base, 2),
        "ratio_fragment_vs_json": round(results["fragment"]["median_ms"] / base, 2),
        "ratio_poll304_vs_json": round(results["poll_304"]["median_ms"] / base, 2),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

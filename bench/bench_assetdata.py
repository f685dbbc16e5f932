"""Asset-data service benchmarks (issue 3).

1. ``iot.history``: one week of one sensor over HTTP against a real uvicorn
   server, p50/p99 (targets 5 ms / 20 ms), with the ratio against a trivial
   endpoint of the same app (``GET /healthz``) measured in the same run.
2. Forecasting and anomaly detection on 30 days of one sensor (target
   <= 200 ms): the library functions and the HTTP tools.
3. Cold start from the cache in a fresh process (target <= 2 s): plant load,
   and process start until ``/healthz`` answers.
4. Full generation time and cache size.

    .venv/bin/python bench/bench_assetdata.py [--n 300] [--write]

``--write`` puts the figures under "Asset-data service" in docs/benchmarks.md
(replacing an earlier block of that heading).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.assetdata import library as L  # noqa: E402
from services.assetdata.plant import (  # noqa: E402
    DEFAULT_SEED,
    cache_path,
    generate,
    load_plant,
    write_cache,
)

HEADING = "## Asset-data service"


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn, n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def plant_load_in_fresh_process(seed: int) -> float:
    code = (
        "import time;t=time.perf_counter();from services.assetdata.plant import load_plant;"
        f"p=load_plant({seed});print(time.perf_counter()-t, p.source)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[1] == "cache", out
    return float(out[0])


def start_service(seed: int) -> tuple[subprocess.Popen, str, float]:
    """``python -m services.assetdata`` in its own process (so client and server
    do not share a GIL); returns (process, url, seconds until /healthz answered)."""
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.assetdata", "--port", str(port), "--seed", str(seed)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return proc, url, time.perf_counter() - t0
        except httpx.HTTPError:
            time.sleep(0.02)
        if time.perf_counter() - t0 > 120:
            proc.kill()
            raise RuntimeError("service did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]

    # 4. generation (in memory) and cache size (written to a scratch dir so the
    # real cache is untouched)
    t0 = time.perf_counter()
    telemetry, records, _ = generate(args.seed)
    gen_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        write_cache(Path(d) / "p.npz", telemetry, records)
        write_s = time.perf_counter() - t0
        size_mb = os.path.getsize(Path(d) / "p.npz") / 1e6
    del telemetry, records
    plant = load_plant(args.seed)  # builds the real cache if missing
    points = plant.telemetry_points

    # 3. cold start (the started service is then measured)
    load_s = plant_load_in_fresh_process(args.seed)
    proc, url, ready_s = start_service(args.seed)

    # 1. history vs trivial endpoint, same server
    body = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "start": "2020-06-01T00:00:00",
        "final": "2020-06-08T00:00:00",
        "sensors": ["Chiller 6 Tonnage"],
        "page_size": 1000,
    }
    with httpx.Client(base_url=url, timeout=10) as c:
        r = c.post("/iot/history", json=body).json()
        assert r["total_observations"] == 672, r["total_observations"]
        hist = timed(lambda: c.post("/iot/history", json=body).raise_for_status(), args.n)
        triv = timed(lambda: c.get("/healthz").raise_for_status(), args.n)
        ds = r["dataset_id"]
        month = {
            **body,
            "start": "2020-05-01T00:00:00",
            "final": "2020-05-31T00:00:00",
            "page_size": 10,
        }
        ds30 = c.post("/iot/history", json=month).json()["dataset_id"]
        fc_http = timed(
            lambda: c.post(
                "/tsfm/run_tsfm_forecasting",
                json={
                    "dataset_id": ds30,
                    "target_columns": ["Chiller 6 Tonnage"],
                    "forecast_horizon": 96,
                },
            ).raise_for_status(),
            10,
            2,
        )
        ad_http = timed(
            lambda: c.post(
                "/tsfm/run_tsad", json={"dataset_id": ds30, "target_columns": ["Chiller 6 Tonnage"]}
            ).raise_for_status(),
            10,
            2,
        )
        del ds
    proc.terminate()
    proc.wait(10)

    # the tool's own cost, without HTTP
    from services.assetdata.tools import call_tool

    inproc = timed(lambda: call_tool(plant, "iot.history", body), args.n)

    # 2. analytics in the library (30 days of one sensor = 2880 points)
    chiller = L.find_asset(plant, "Chiller 6")
    fc_lib = timed(
        lambda: L.forecast_series(plant, chiller, "Tonnage", "2020-05-01", "2020-05-31", 96), 10, 2
    )
    ad_lib = timed(
        lambda: L.detect_series(plant, chiller, "Tonnage", "2020-05-01", "2020-05-31"), 10, 2
    )

    h50, h99, t50, t99 = pct(hist, 50), pct(hist, 99), pct(triv, 50), pct(triv, 99)
    lines = [
        f"- history, 1 week x 1 sensor (672 rows) over HTTP, n={args.n}: p50 {h50:.2f} ms, "
        f"p99 {h99:.2f} ms (targets 5 / 20 ms); trivial endpoint `GET /healthz` same server: "
        f"p50 {t50:.2f} ms, p99 {t99:.2f} ms; ratio p50 {h50 / t50:.2f}x, p99 {h99 / t99:.2f}x",
        f"- same query in-process (`tools.call_tool`, no HTTP/JSON): p50 "
        f"{pct(inproc, 50):.2f} ms, p99 {pct(inproc, 99):.2f} ms",
        f"- forecasting, 30 days x 1 sensor (2880 points, horizon 96): library median "
        f"{statistics.median(fc_lib):.0f} ms, HTTP tool median {statistics.median(fc_http):.0f} ms"
        f" (target 200 ms)",
        f"- anomaly detection, same series: library median {statistics.median(ad_lib):.0f} ms, "
        f"HTTP tool median {statistics.median(ad_http):.0f} ms (target 200 ms)",
        f"- cold start from cache (fresh process): plant load {load_s:.2f} s; "
        f"`python -m services.assetdata` until /healthz answers {ready_s:.2f} s (target 2 s)",
        f"- full generation {gen_s:.2f} s + cache write {write_s:.2f} s; cache "
        f"{size_mb:.1f} MB for {points:,} telemetry points, {len(plant.workorders):,} work "
        f"orders, {len(plant.events):,} events ({cache_path(args.seed).name})",
        f"- machine: {os.cpu_count()} cores shared with other work (load average "
        f"{load0:.1f} at start, {os.getloadavg()[0]:.1f} at end); figures vary run to run",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        block = (
            f"{HEADING}\n\n`.venv/bin/python bench/bench_assetdata.py --n {args.n} --write`"
            f" ({stamp})\n\n{text}\n"
        )
        old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
        if HEADING in old:
            a = old.index(HEADING)
            b = old.find("\n## ", a + len(HEADING))
            new = old[:a] + block + (old[b:] if b != -1 else "")
        else:
            new = old.rstrip("\n") + "\n\n" + block
        path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()

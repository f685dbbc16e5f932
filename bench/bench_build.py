"""Build benchmark: cold (nothing cached) versus warm (everything cached)
builds of the air-gapped path, and the resulting image sizes.

    .venv/bin/python bench/bench_build.py [--skip-base]

Cold: debootstrap the base rootfs, download the wheelhouse with an empty pip
cache, `docker build --no-cache` the server image, build the Postgres and
Redis images from Debian packages. Every cold artefact gets a throw-away
``*-benchcold`` tag (or a temp dir) and is removed afterwards, so the images
other people use are never touched. Warm: `make images` with everything in
place (the baseline an operator sees on a re-deploy).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD_BASE = "arena-base:benchcold"
COLD_IMAGE = "assetops-arena:benchcold"
COLD_PG = "arena-postgres:benchcold"
COLD_REDIS = "arena-redis:benchcold"


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - t0


def size_mb(image: str) -> float:
    out = subprocess.run(
        ["docker", "image", "inspect", image, "--format", "{{.Size}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--skip-base",
        action="store_true",
        help="reuse arena-base:bookworm instead of a cold debootstrap",
    )
    args = ap.parse_args()
    timings: dict[str, float] = {}
    base = "arena-base:bookworm" if args.skip_base else COLD_BASE
    try:
        if not args.skip_base:
            timings["base rootfs (debootstrap + import)"] = run(
                ["bash", "deploy/offline/build-base-image.sh", COLD_BASE]
            )
        with tempfile.TemporaryDirectory() as wh:
            timings["wheelhouse (empty pip cache)"] = run(
                ["bash", "deploy/offline/build-wheelhouse.sh"],
                {"WHEELHOUSE": wh, "PIP_NO_CACHE_DIR": "1", "BASE_IMAGE": base},
            )
        run(["make", "wheelhouse"])  # the build context's ./wheelhouse
        timings["server image (docker build --no-cache)"] = run(
            [
                "docker",
                "build",
                "--no-cache",
                "--network",
                "none",
                "--label",
                "org.assetops.arena=1",
                "--build-arg",
                f"BASE_IMAGE={base}",
                "-t",
                COLD_IMAGE,
                ".",
            ],
            {"DOCKER_BUILDKIT": "0"},
        )
        timings["postgres + redis images (debs + build)"] = run(
            ["bash", "deploy/offline/build-service-images.sh"],
            {"BASE_IMAGE": base, "POSTGRES_IMAGE": COLD_PG, "REDIS_IMAGE": COLD_REDIS},
        )
        cold_total = sum(timings.values())
        sizes = {name: size_mb(name) for name in (COLD_IMAGE, COLD_PG, COLD_REDIS, base)}
        warm = run(["make", "images"])
    finally:
        for image in (COLD_IMAGE, COLD_PG, COLD_REDIS, COLD_BASE):
            subprocess.run(["docker", "image", "rm", "-f", image], capture_output=True)

    print(f"cold air-gapped build on {os.cpu_count()} cores:")
    for name, seconds in timings.items():
        print(f"  {name:45s} {seconds:7.1f} s")
    print(f"  {'total':45s} {cold_total:7.1f} s")
    print(f"warm rebuild (make images, all cached): {warm:.1f} s")
    print(f"ratio cold / warm: {cold_total / warm:.1f}x")
    print("image sizes (docker image inspect .Size):")
    for name, mb in sizes.items():
        print(f"  {name:35s} {mb:7.0f} MB")
    if shutil.which("docker") is None:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

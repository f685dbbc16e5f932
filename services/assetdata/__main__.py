"""``python -m services.assetdata --port N [--host 127.0.0.1] [--runs-dir DIR]
[--seed S] [--timeout-delay SECONDS] [--build-cache-only]``

Once the port is bound (the app's startup done), one line goes to stdout:
``READY_MARKER`` followed by the ``/healthz`` facts as JSON. The worker
waits for it on the sidecar's log stream instead of probing the port from
inside the container (issue 22: an ``exec`` and a Python start per sidecar,
inside the sidecar's own CPU quota).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from pathlib import Path

from services.assetdata.plant import DEFAULT_SEED, cache_path, load_plant

READY_MARKER = "ARENA-ASSETDATA-READY "


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m services.assetdata",
        description="The simulated plant's tool service (REST + MCP).",
    )
    ap.add_argument("--port", type=int, default=8100)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument(
        "--runs-dir",
        type=Path,
        default=None,
        help="evaluation mode: plans/<token>.json in, logs/<token>.jsonl out; "
        "every tool call needs X-Run-Token",
    )
    ap.add_argument(
        "--seed",
        type=int,
        default=None,
        help=f"plant seed (default: ARENA_PLANT_SEED, else {DEFAULT_SEED})",
    )
    ap.add_argument(
        "--timeout-delay",
        type=float,
        default=1.0,
        help="seconds an injected timeout fault waits before answering 504",
    )
    ap.add_argument(
        "--build-cache-only",
        action="store_true",
        help="build the plant cache (if missing) and exit",
    )
    ap.add_argument("--log-level", default="warning")
    args = ap.parse_args(argv)
    if args.seed is None:
        from services.settings import get_settings

        args.seed = get_settings().plant_seed
    logging.basicConfig(level=args.log_level.upper())

    t0 = time.perf_counter()
    # Load the plant (mostly zlib, which releases the GIL) while the web
    # stack imports: together they dominate cold start.
    loaded: dict[str, object] = {}
    loader = threading.Thread(target=lambda: loaded.update(plant=load_plant(args.seed)))
    loader.start()
    if not args.build_cache_only:
        import uvicorn  # noqa: F401

        from services.assetdata import app as _app  # noqa: F401
    loader.join()
    plant = loaded.get("plant")
    if plant is None:
        return 1
    took = time.perf_counter() - t0
    how = (
        f"generated in {plant.generation_seconds:.2f}s"
        if plant.generation_seconds
        else f"loaded from cache in {plant.load_seconds:.2f}s"
    )
    print(
        f"plant seed={plant.seed} {how} (ready in {took:.2f}s), "
        f"{plant.telemetry_points} telemetry points, {len(plant.workorders)} work orders, "
        f"cache {cache_path(args.seed)}",
        file=sys.stderr,
        flush=True,
    )
    if args.build_cache_only:
        return 0 if cache_path(args.seed).exists() else 1

    import uvicorn

    from services.assetdata.app import create_app, health_facts

    app = create_app(
        plant=plant, seed=args.seed, runs_dir=args.runs_dir, timeout_delay=args.timeout_delay
    )

    class Server(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:  # bound and serving
                line = READY_MARKER + json.dumps(health_facts(app), separators=(",", ":"))
                print(line, flush=True)

    config = uvicorn.Config(
        app, host=args.host, port=args.port, log_level=args.log_level, access_log=False
    )
    Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

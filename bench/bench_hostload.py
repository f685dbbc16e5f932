"""Two workers on one host, several submissions queued at once (issue 22,
item 3).

Each worker is a separate process with its own ``DockerSandbox`` that
takes the next submission from one shared queue (as Celery's workers do
with prefetch 1 and concurrency 1) and handles it in the worker's order
(``worker/pipeline.py``): the sidecar prepared while the image loads from
its ``docker save`` archive, the runs, the image removed. The Celery
broker, Postgres and the evaluator are left out (they are not what the
host's scenario slots share); the sandbox, its host slots (one
``host_slots_dir`` for both processes, fair share per evaluating
submission) and the adaptive parallelism are the worker's own code.

The same queue is run by one worker, then by two (or as ``--workers``
says), and for each run it prints the makespan, every submission's queue
wait (enqueued -> a worker took it), the time to its first agent start,
its completion time (from the common enqueue instant) and its peak
parallelism next to the others'.

    flock /tmp/arena-docker.lock .venv/bin/python bench/bench_hostload.py [--workers 1 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (team, agent, scenarios): a large submission first, then small ones of
# other teams, queued at the same instant
QUEUE = [
    ("team-a", "baseline", 80),
    ("team-b", "baseline", 10),
    ("team-c", "noop", 10),
    ("team-d", "baseline", 20),
    ("team-e", "noop", 10),
    ("team-f", "baseline", 10),
]


def _scenarios(agent: str, n: int, hidden_seed: int) -> list[Any]:
    if agent == "noop":
        from bench_sandbox import synthetic_scenarios

        return synthetic_scenarios(n)
    from hidden_scenarios.sets import hidden_set

    pool = [s for s in hidden_set(hidden_seed) if "execution" in s.tracks]
    return pool[:n]


def _worker(name: str, settings_json: str, tars: dict[str, str], jobs: Any, out: Any) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from hidden_scenarios.sets import plant_context
    from services.settings import Settings
    from worker.sandbox import events as E
    from worker.sandbox.environment import DockerSandbox

    settings = Settings.model_validate_json(settings_json)
    plant_hash = plant_context(settings.plant_seed).plant.content_hash
    out.put(("ready", name))
    while True:
        job = jobs.get()
        if job is None:
            return
        index, team, agent, n, enqueued = job
        taken = time.time()
        label = f"hostload-{index}-{team}"
        # one sandbox (and engine connection) per submission, as the pipeline does
        box = DockerSandbox.connect(settings, timeout=300, expected_plant_hash=plant_hash)
        scenarios = _scenarios(agent, n, settings.hidden_seed)
        box.prepare(scenarios, "execution", label=label)
        image = box.load_image(tars[agent], label=label)
        loaded = time.time()
        try:
            runs = box.run(image.image_id, scenarios, "execution", label=label)
        finally:
            box.remove_image(image)
            box.close()
        done = time.time()
        starts = [e.at for e in box.events(E.ContainerStarted) if e.role == "agent"]
        st = box.stats
        out.put(
            (
                "done",
                {
                    "index": index,
                    "team": team,
                    "agent": agent,
                    "n": n,
                    "worker": name,
                    "wait": taken - enqueued,
                    "first_start": (min(starts) - enqueued) if starts else None,
                    "load": loaded - taken,
                    "setup": st.setup,
                    "done": done - enqueued,
                    "wall": done - taken,
                    "peak": st.peak_parallel,
                    "valid": sum(r.facts.output_status == "ok" for r in runs),
                },
            )
        )


def run_queue(workers: int, settings: Any, tars: dict[str, str]) -> tuple[float, list[dict]]:
    ctx = mp.get_context("spawn")
    jobs, out = ctx.Queue(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker,
            args=(f"w{k + 1}", settings.model_dump_json(), tars, jobs, out),
            daemon=True,
        )
        for k in range(workers)
    ]
    for p in procs:
        p.start()
    for _ in procs:  # both connected and their plant loaded: the queue starts now
        assert out.get(timeout=300)[0] == "ready"
    t0 = time.time()
    for index, (team, agent, n) in enumerate(QUEUE):
        jobs.put((index, team, agent, n, t0))
    for _ in procs:
        jobs.put(None)
    results = [out.get(timeout=1200)[1] for _ in QUEUE]
    makespan = time.time() - t0
    for p in procs:
        p.join(60)
    return makespan, sorted(results, key=lambda r: r["index"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from services.settings import get_settings
    from worker.sandbox.environment import DockerSandbox

    data = Path(os.environ.get("TMPDIR", "/tmp")) / "arena-bench-hostload"
    settings = get_settings().model_copy(
        update={"data_dir": data, "host_slots_dir": data / "host-slots"}
    )
    box = DockerSandbox.connect(settings, timeout=300)
    tars = {}
    for agent in ("noop", "baseline"):
        tag = box.build_example(agent, f"arena-bench-{agent}:latest")
        tar = data / f"{agent}.tar"
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run(["docker", "save", "-o", str(tar), tag], check=True)
        tars[agent] = str(tar)
    from worker.sandbox.slots import host_capacity, parallelism_bounds

    start, low, high = parallelism_bounds(settings)
    total = sum(n for _t, _a, n in QUEUE)
    lines = [
        f"- queue: {len(QUEUE)} submissions of 6 teams queued at once ("
        + ", ".join(f"{t} {a} x{n}" for t, a, n in QUEUE)
        + f"; {total} scenarios), {os.cpu_count()} cores, host slots "
        f"{host_capacity(settings)} shared by the workers, parallelism start {start}, "
        f"bounds {low}-{high}"
    ]
    try:
        for workers in args.workers:
            load0 = os.getloadavg()[0]
            makespan, results = run_queue(workers, settings, tars)
            lines.append(
                f"- **{workers} worker{'s' if workers > 1 else ''}: makespan {makespan:.1f} s** "
                f"({total / makespan:.2f} scenarios/s); queue wait median "
                f"{statistics.median(r['wait'] for r in results):.1f} s, max "
                f"{max(r['wait'] for r in results):.1f} s; load average {load0:.1f} -> "
                f"{os.getloadavg()[0]:.1f}"
            )
            for r in results:
                first = f"{r['first_start']:.1f}" if r["first_start"] is not None else "-"
                lines.append(
                    f"  - {r['team']} ({r['agent']} x{r['n']}, {r['worker']}): waited "
                    f"{r['wait']:.1f} s, first agent at {first} s, done at {r['done']:.1f} s "
                    f"(own wall {r['wall']:.1f} s: image load {r['load']:.2f} s, setup left "
                    f"{r['setup']:.2f} s), peak {r['peak']} at once, valid "
                    f"{r['valid']}/{r['n']}"
                )
    finally:
        for tar in tars.values():
            Path(tar).unlink(missing_ok=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

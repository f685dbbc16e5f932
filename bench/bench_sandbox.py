"""Sandbox benchmarks (issue 5).

1. Per-scenario overhead of the sandbox with the no-op agent, against a bare
   ``docker run --rm --network none IMAGE true`` measured in the same run
   (target: ratio <= 1.0).
2. The baseline agent over the full hidden set: wall time (target <= 60 s on
   2 cores), scenarios/second and where the time goes.

    .venv/bin/python bench/bench_sandbox.py [--n 20] [--skip-hidden] [--write]

``--write`` appends the figures under "Sandbox" in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docker  # noqa: E402

from hidden_scenarios.schema import Scenario  # noqa: E402
from services.settings import Settings, get_settings  # noqa: E402
from worker.sandbox.build import build_example  # noqa: E402
from worker.sandbox.runner import RunnerStats, run_submission  # noqa: E402

BARE_IMAGE = "arena-base:bookworm"


def bare_docker_run(n: int) -> list[float]:
    """Seconds per `docker run --rm --network none IMAGE true` (CLI, sequential)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(
            [
                "docker",
                "run",
                "--rm",
                "--network",
                "none",
                "--label",
                "org.assetops.arena=1",
                BARE_IMAGE,
                "true",
            ],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return times


def synthetic_scenarios(n: int) -> list[Scenario]:
    canary = "CANARY-00000000000000be"
    return [
        Scenario.model_validate(
            {
                "id": f"bench-{i}",
                "template": "bench",
                "family": "iot",
                "task_type": "data_retrieval",
                "category": "data",
                "tracks": ["execution"],
                "output_format": "text",
                "text": f"bench task {i} {canary}",
                "canary": canary,
                "expectation": {"check": {"kind": "facts", "required": [["x"]]}},
            }
        )
        for i in range(n)
    ]


def sandbox_noop(client: Any, image_id: str, n: int, settings: Settings) -> RunnerStats:
    stats = RunnerStats()
    one = settings.model_copy(update={"scenario_parallelism": 1})
    runs = run_submission(
        client,
        image_id,
        synthetic_scenarios(n),
        "execution",
        one,
        stats=stats,
        submission_id="bench-noop",
    )
    assert all(r.facts.output_status == "ok" for r in runs), [r.facts for r in runs]
    return stats


def hidden_baseline(client: Any, image_id: str, settings: Settings) -> dict[str, Any]:
    import evaluator
    from hidden_scenarios.sets import hidden_set

    scenarios = [s for s in hidden_set(settings.hidden_seed) if "execution" in s.tracks]
    stats = RunnerStats()
    t0 = time.perf_counter()
    runs = run_submission(
        client,
        image_id,
        scenarios,
        "execution",
        settings,
        stats=stats,
        submission_id="bench-baseline",
    )
    wall = time.perf_counter() - t0
    by_id = {s.id: s for s in scenarios}
    scores = [evaluator.score_run(by_id[r.scenario_id], r) for r in runs]
    return {
        "scenarios": len(scenarios),
        "wall": wall,
        "stats": stats,
        "passed": sum(s.passed for s in scores),
        "overall": 100 * statistics.mean(s.overall for s in scores),
        "tool_calls": sum(len(r.tool_calls) for r in runs),
        "ok_outputs": sum(r.facts.output_status == "ok" for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20, help="runs per overhead measurement")
    parser.add_argument("--skip-hidden", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/sandbox rounds")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument(
        "--parallelism",
        type=int,
        nargs="*",
        default=None,
        help="hidden-set runs at these parallelisms (default: the setting, 2x)",
    )
    args = parser.parse_args()

    client = docker.from_env(timeout=300)
    settings = get_settings().model_copy(
        update={"data_dir": Path(os.environ.get("TMPDIR", "/tmp")) / "arena-bench"}
    )
    noop = build_example(client, "noop", "arena-bench-noop:latest")

    bare_docker_run(2)  # warm the engine's caches for both sides
    sandbox_noop(client, noop, 2, settings)
    # Interleave the two sides in rounds: the host is shared, and its load
    # drifts over minutes; medians over rounds compare like with like.
    rounds = max(1, args.rounds)
    per_round = max(1, args.n // rounds)
    bare_rounds, sandbox_rounds, stats_all = [], [], RunnerStats()
    for _ in range(rounds):
        bare_rounds.append(statistics.median(bare_docker_run(per_round)))
        st = sandbox_noop(client, noop, per_round, settings)
        sandbox_rounds.append((st.create + st.start + st.agent + st.collect + st.remove) / st.runs)
        for name in (
            "setup",
            "create",
            "start",
            "agent",
            "collect",
            "remove",
            "teardown",
            "wall",
            "runs",
        ):
            setattr(stats_all, name, getattr(stats_all, name) + getattr(st, name))
    stats = stats_all
    per_bare = statistics.median(bare_rounds)
    per_run = statistics.median(sandbox_rounds)
    amortised = stats.wall / stats.runs
    lines = [
        f"- cores: {os.cpu_count()}, docker {client.version()['Version']}, "
        f"{rounds} alternating rounds of {per_round} runs per side (medians of round medians)",
        f"- bare `docker run --rm --network none {BARE_IMAGE} true`: "
        f"{per_bare * 1000:.0f} ms per container",
        f"- sandboxed no-op agent, per scenario (create+start+run+collect+remove): "
        f"{per_run * 1000:.0f} ms -> **ratio {per_run / per_bare:.2f}x** the bare run "
        f"(python start-up of the agent included)",
        "- phases per scenario: "
        + ", ".join(
            f"{name} {getattr(stats, name) / stats.runs * 1000:.0f} ms"
            for name in ("create", "start", "agent", "collect", "remove")
        ),
        f"- per submission: setup (gateway, volumes, sidecar start + ready) "
        f"{stats.setup / rounds:.2f} s, teardown {stats.teardown / rounds:.2f} s; amortised over "
        f"{per_round} scenarios {amortised * 1000:.0f} ms/scenario ({amortised / per_bare:.2f}x)",
    ]
    if not args.skip_hidden:
        baseline = build_example(client, "baseline", "arena-bench-baseline:latest")
        default = settings.scenario_parallelism
        for par in args.parallelism or [default, 2 * default]:
            h = hidden_baseline(
                client, baseline, settings.model_copy(update={"scenario_parallelism": par})
            )
            s: RunnerStats = h["stats"]
            lines += [
                f"- baseline agent, full hidden set ({h['scenarios']} execution scenarios, "
                f"parallelism {par}{' = default' if par == default else ''}): "
                f"**{h['wall']:.1f} s wall** ({h['scenarios'] / h['wall']:.2f} scenarios/s); "
                f"{h['tool_calls']} tool calls; valid outputs {h['ok_outputs']}/{h['scenarios']}; "
                f"overall {h['overall']:.1f}, passed {h['passed']}/{h['scenarios']}",
                f"  - where the time goes (summed over runs): agent {s.agent:.1f} s, create "
                f"{s.create:.1f} s, start {s.start:.1f} s, collect {s.collect:.1f} s, remove "
                f"{s.remove:.1f} s; per submission: setup {s.setup:.1f} s, teardown "
                f"{s.teardown:.1f} s",
            ]
    lines.append(
        f"- host load average at the end: {os.getloadavg()[0]:.1f} "
        "(2 cores shared with other engineers' jobs)"
    )
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = ROOT / "docs" / "benchmarks.md"
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        block = (
            f"\n## Sandbox\n\n`.venv/bin/python bench/bench_sandbox.py --n {args.n} "
            f"--rounds {rounds}"
            f"{' --skip-hidden' if args.skip_hidden else ''} --write` ({stamp})\n\n"
            f"{text}\n"
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()

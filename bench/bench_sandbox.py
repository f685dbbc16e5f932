"""Sandbox benchmarks (issue 5).

1. Per-scenario overhead of the sandbox with the no-op agent, against a bare
   ``docker run --rm --network none IMAGE true`` measured in the same run
   (target: ratio <= 1.0).
2. The baseline agent over the full hidden set: wall time (target <= 60 s on
   2 cores), scenarios/second and where the time goes.
3. Repeated attempts (issue 18): the baseline over the full hidden set with
   k = 3 attempts, as the worker schedules them (``expand_attempts``), against
   k = 1 in the same run (two k = 1 runs bracket the k = 3 run; target ratio
   <= 3.0x, i.e. no overhead beyond the extra runs), with the scores and
   their 95 % intervals.

    .venv/bin/python bench/bench_sandbox.py [--n 20] [--skip-hidden] [--write]
    .venv/bin/python bench/bench_sandbox.py --attempts-only [--attempts 3] [--write]
    .venv/bin/python bench/bench_sandbox.py --throughput [--rounds 2] [--write]

4. Throughput (issue 22): the baseline over the full hidden set at the
   default settings (adaptive parallelism) against the same run pinned at
   parallelism 2, alternating in the same run (pinned first), with the
   parallelism the scheduler chose and where the time goes.

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

from hidden_scenarios.schema import Scenario  # noqa: E402
from services.settings import get_settings  # noqa: E402
from worker.sandbox.environment import DockerSandbox, RunnerStats  # noqa: E402

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


def sandbox_noop(box: DockerSandbox, image_id: str, n: int) -> RunnerStats:
    one = box.with_settings(
        box.settings.model_copy(
            update={"scenario_parallelism": 1, "scenario_parallelism_adaptive": False}
        )
    )
    runs = one.run(image_id, synthetic_scenarios(n), "execution", label="bench-noop")
    assert all(r.facts.output_status == "ok" for r in runs), [r.facts for r in runs]
    return one.stats


def worker_path(box: DockerSandbox, tar: Path, n: int) -> dict[str, float]:
    """The worker's order for one submission of ``n`` no-op scenarios: the
    sidecar is prepared while the image loads (``prepare``, then
    ``load_image``), then the runs. ``setup`` is what the runs still waited
    for the sidecar after the load: the per-submission setup on the
    critical path."""
    label = f"bench-path-{time.monotonic_ns() % 10**9}"
    one = box.with_settings(
        box.settings.model_copy(
            update={"scenario_parallelism": 1, "scenario_parallelism_adaptive": False}
        )
    )
    t0 = time.perf_counter()
    one.prepare(synthetic_scenarios(n), "execution", label=label)
    image = one.load_image(tar, label=label)
    t_load = time.perf_counter() - t0
    try:
        runs = one.run(image.image_id, synthetic_scenarios(n), "execution", label=label)
    finally:
        one.remove_image(image)
        one.close()
    assert all(r.facts.output_status == "ok" for r in runs), [r.facts for r in runs]
    st = one.stats
    return {"load": t_load, "setup": st.setup, "prepare": st.prepare, "wall": st.wall}


def hidden_baseline(box: DockerSandbox, image_id: str) -> dict[str, Any]:
    import evaluator
    from hidden_scenarios.sets import hidden_set

    scenarios = [s for s in hidden_set(box.settings.hidden_seed) if "execution" in s.tracks]
    t0 = time.perf_counter()
    runs = box.run(image_id, scenarios, "execution", label="bench-baseline")
    wall = time.perf_counter() - t0
    stats = box.stats
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


def hidden_attempts(
    box: DockerSandbox, image_id: str, attempts: int, scenarios: list[Scenario]
) -> dict[str, Any]:
    """``scenarios`` with ``attempts`` runs each, scheduled as the worker does
    (worker.attempts.expand_attempts), scored as the worker does."""
    from datetime import UTC, datetime

    from evaluator import evaluate_submission
    from hidden_scenarios.sets import plant_context
    from worker.attempts import attempt_runs, expand_attempts

    copies, mapping = expand_attempts(scenarios, attempts)
    box.expected_plant_hash = plant_context(box.settings.plant_seed).plant.content_hash
    t0 = time.perf_counter()
    runs = box.run(image_id, [*scenarios, *copies], "execution", label=f"bench-k{attempts}")
    wall = time.perf_counter() - t0
    stats = box.stats
    t1 = time.perf_counter()
    report = evaluate_submission(
        scenarios, attempt_runs(runs, mapping), [], datetime.now(UTC), attempts=attempts
    )
    return {
        "k": attempts,
        "scenarios": len(scenarios),
        "runs": len(runs),
        "wall": wall,
        "evaluate": time.perf_counter() - t1,
        "stats": stats,
        "report": report,
    }


def throughput_lines(box: DockerSandbox, rounds: int) -> list[str]:
    """Pinned parallelism 2 vs the default (adaptive) settings, alternating."""
    settings = box.settings
    baseline = box.build_example("baseline", "arena-bench-baseline:latest")
    pinned_box = box.with_settings(
        settings.model_copy(
            update={"scenario_parallelism": 2, "scenario_parallelism_adaptive": False}
        )
    )
    hidden_baseline(pinned_box, baseline)  # warm caches, page in the plant
    pinned, adaptive = [], []
    for _ in range(max(1, rounds)):
        pinned.append(hidden_baseline(pinned_box, baseline))
        adaptive.append(hidden_baseline(box, baseline))
    p_wall = statistics.median(h["wall"] for h in pinned)
    a_wall = statistics.median(h["wall"] for h in adaptive)
    from worker.sandbox.slots import parallelism_bounds

    start, low, high = parallelism_bounds(settings)

    def where(h: dict[str, Any]) -> str:
        st: RunnerStats = h["stats"]
        n = max(1, st.runs)
        return (
            f"setup waited {st.setup:.2f} s (sidecars prepared in {st.prepare:.2f} s), "
            f"teardown {st.teardown:.2f} s, per run create {st.create / n * 1000:.0f} ms "
            f"(before its slot), slot wait {st.slot_wait / n * 1000:.0f} ms, "
            f"start {st.start / n * 1000:.0f} ms, agent {st.agent / n * 1000:.0f} ms, "
            f"remove {st.remove / n * 1000:.0f} ms; "
            f"peak {st.peak_parallel} at once, final limit {st.final_parallelism}"
        )

    first = adaptive[-1]
    return [
        f"- baseline agent, full hidden set ({first['scenarios']} execution scenarios), "
        f"{os.cpu_count()} cores, {len(pinned)} alternating rounds (pinned first), medians:",
        "  - pinned parallelism 2: "
        + ", ".join(f"{h['wall']:.1f} s" for h in pinned)
        + f" -> **{p_wall:.1f} s** ({first['scenarios'] / p_wall:.2f} scenarios/s); "
        + where(pinned[-1]),
        f"  - default settings (adaptive, start {start}, bounds {low}-{high}): "
        + ", ".join(f"{h['wall']:.1f} s" for h in adaptive)
        + f" -> **{a_wall:.1f} s** ({first['scenarios'] / a_wall:.2f} scenarios/s); "
        + where(first),
        f"  - **ratio default / pinned 2: {a_wall / p_wall:.2f}x**; outputs valid "
        f"{first['ok_outputs']}/{first['scenarios']} vs {pinned[-1]['ok_outputs']}; overall "
        f"{first['overall']:.1f} vs {pinned[-1]['overall']:.1f}; passed {first['passed']} vs "
        f"{pinned[-1]['passed']}",
    ]


def _per_run(stats: RunnerStats) -> str:
    return ", ".join(
        f"{name} {getattr(stats, name) / max(1, stats.runs) * 1000:.0f}"
        for name in ("create", "start", "agent", "remove")
    )


def attempts_lines(
    box: DockerSandbox, k: int, rounds: int = 2, pack: str | None = None
) -> list[str]:
    """k = 1 first, then ``rounds`` x (k, 1): every k run sits between two
    k = 1 runs, so a drift of the shared host's load hits both sides.
    ``pack``: a pack directory (default: the deployment's, i.e. the public pack)."""
    from hidden_scenarios.pack import load_pack
    from hidden_scenarios.sets import hidden_set

    settings = box.settings
    baseline = box.build_example("baseline", "arena-bench-baseline:latest")
    par = settings.scenario_parallelism
    # loaded once: every run of the comparison scores the very same scenarios
    chosen = load_pack(pack)
    scenarios = [
        s for s in hidden_set(settings.hidden_seed, pack=chosen) if "execution" in s.tracks
    ]
    ones = [hidden_attempts(box, baseline, 1, scenarios)]
    manys = []
    for _ in range(max(1, rounds)):
        manys.append(hidden_attempts(box, baseline, k, scenarios))
        ones.append(hidden_attempts(box, baseline, 1, scenarios))
    one = statistics.mean(h["wall"] for h in ones)
    many = statistics.mean(h["wall"] for h in manys)
    ratio = many / one
    first, last = ones[0], manys[-1]

    def scores(h: dict[str, Any]) -> str:
        r = h["report"]
        lo, hi = r.intervals["overall"]
        text = f"overall {r.overall:.1f} [95% CI {lo:.1f}-{hi:.1f}], pass@1 {r.pass_rate:.1f}"
        if r.attempts > 1:
            text += f", pass^{r.attempts} {r.pass_hat_k:.1f}, flipped {r.flip_rate:.1f} %"
        return text

    def setup(hs: list[dict[str, Any]]) -> str:
        return (
            f"setup {statistics.mean(h['stats'].setup for h in hs):.1f} s, teardown "
            f"{statistics.mean(h['stats'].teardown for h in hs):.1f} s"
        )

    sidecars = -(-last["runs"] // 200)
    return [
        f"- repeated attempts, baseline agent, full hidden set of pack {chosen.name} "
        f"{chosen.version} ({chosen.digest[:19]}…; {first['scenarios']} execution "
        f"scenarios), parallelism {par}, {os.cpu_count()} cores, in the order "
        + ", ".join(["k=1", *[f"k={k}, k=1" for _ in manys]])
        + ":",
        "  - k = 1: "
        + ", ".join(f"{h['wall']:.1f} s" for h in ones)
        + f" ({first['runs']} runs each; mean **{one:.1f} s**); {scores(first)}",
        f"  - k = {k}: "
        + ", ".join(f"{h['wall']:.1f} s" for h in manys)
        + f" ({last['runs']} runs each; mean **{many:.1f} s**); {scores(last)}; "
        f"evaluation with bootstrap {last['evaluate']:.1f} s (k = 1: {first['evaluate']:.1f} s)",
        f"  - **ratio k = {k} / k = 1: {ratio:.2f}x** (target <= {k:.1f}x: no overhead beyond "
        f"the extra runs); per run {many / last['runs'] * 1000:.0f} ms vs "
        f"{one / first['runs'] * 1000:.0f} ms",
        "  - per run, ms (create, start, agent, remove): k = 1 "
        + "; ".join(_per_run(h["stats"]) for h in ones)
        + f" | k = {k} "
        + "; ".join(_per_run(h["stats"]) for h in manys),
        f"  - per submission: k = 1 one sidecar, {setup(ones)}; k = {k} {sidecars} sidecars "
        f"(200 runs each, one after the other), {setup(manys)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20, help="runs per overhead measurement")
    parser.add_argument("--skip-hidden", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/sandbox rounds")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument(
        "--attempts", type=int, default=3, help="k of the attempts measurement (0 = skip)"
    )
    parser.add_argument(
        "--attempts-only", action="store_true", help="only the attempts ratio (issue 18)"
    )
    parser.add_argument(
        "--attempt-rounds", type=int, default=2, help="k runs, each followed by a k = 1 run"
    )
    parser.add_argument("--pack", default=None, help="pack directory of the attempts runs")
    parser.add_argument(
        "--throughput",
        action="store_true",
        help="only default (adaptive) vs pinned parallelism 2 on the hidden set (issue 22)",
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        nargs="*",
        default=None,
        help="hidden-set runs at these parallelisms (default: the setting, 2x)",
    )
    args = parser.parse_args()

    settings = get_settings().model_copy(
        update={"data_dir": Path(os.environ.get("TMPDIR", "/tmp")) / "arena-bench"}
    )
    box = DockerSandbox.connect(settings, timeout=300)
    if args.throughput:
        lines = throughput_lines(box, args.rounds)
        lines.append(f"- host load average at the end: {os.getloadavg()[0]:.1f}")
        text = "\n".join(lines)
        print(text)
        if args.write:
            stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
                fh.write(
                    f"\n## Sandbox: throughput (issue 22)\n\n"
                    f"`flock /tmp/arena-docker.lock .venv/bin/python bench/bench_sandbox.py "
                    f"--throughput --rounds {args.rounds} --write` ({stamp})\n\n{text}\n"
                )
        return
    if args.attempts_only:
        lines = attempts_lines(box, max(2, args.attempts), args.attempt_rounds, args.pack)
        lines.append(f"- host load average at the end: {os.getloadavg()[0]:.1f}")
        text = "\n".join(lines)
        print(text)
        if args.write:
            stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
                fh.write(
                    f"\n## Sandbox: repeated attempts (issue 18)\n\n"
                    f"`.venv/bin/python bench/bench_sandbox.py --attempts-only --attempts "
                    f"{max(2, args.attempts)} --attempt-rounds {args.attempt_rounds}"
                    f"{' --pack ' + args.pack if args.pack else ''} --write` "
                    f"({stamp})\n\n{text}\n"
                )
        return
    noop = box.build_example("noop", "arena-bench-noop:latest")

    bare_docker_run(2)  # warm the engine's caches for both sides
    sandbox_noop(box, noop, 2)
    # Interleave the two sides in rounds: the host is shared, and its load
    # drifts over minutes; medians over rounds compare like with like.
    rounds = max(1, args.rounds)
    per_round = max(1, args.n // rounds)
    bare_rounds, sandbox_rounds, critical_rounds, stats_all = [], [], [], RunnerStats()
    for _ in range(rounds):
        bare_rounds.append(statistics.median(bare_docker_run(per_round)))
        st = sandbox_noop(box, noop, per_round)
        sandbox_rounds.append((st.create + st.start + st.agent + st.collect + st.remove) / st.runs)
        # the run phase's wall time per scenario: what a scenario really adds
        # (creates and removes overlap the neighbouring runs)
        critical_rounds.append((st.wall - st.setup - st.teardown) / st.runs)
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
    per_critical = statistics.median(critical_rounds)
    amortised = stats.wall / stats.runs
    lines = [
        f"- cores: {os.cpu_count()}, docker {box.engine_version()}, "
        f"{rounds} alternating rounds of {per_round} runs per side (medians of round medians)",
        f"- bare `docker run --rm --network none {BARE_IMAGE} true`: "
        f"{per_bare * 1000:.0f} ms per container",
        f"- sandboxed no-op agent, per scenario (create+start+run+collect+remove): "
        f"{per_run * 1000:.0f} ms -> **ratio {per_run / per_bare:.2f}x** the bare run "
        f"(python start-up of the agent included)",
        f"- sandboxed no-op agent, run-phase wall time per scenario at parallelism 1 "
        f"(the next container is created while one runs, removed after the next starts): "
        f"{per_critical * 1000:.0f} ms -> **ratio {per_critical / per_bare:.2f}x** the bare run",
        "- phases per scenario: "
        + ", ".join(
            f"{name} {getattr(stats, name) / stats.runs * 1000:.0f} ms"
            for name in ("create", "start", "agent", "collect", "remove")
        ),
        f"- per submission, sidecar not prepared ahead: setup (gateway, volumes, sidecar "
        f"start + ready) "
        f"{stats.setup / rounds:.2f} s, teardown {stats.teardown / rounds:.2f} s; amortised over "
        f"{per_round} scenarios {amortised * 1000:.0f} ms/scenario ({amortised / per_bare:.2f}x)",
    ]
    # The worker's path: the same no-op image as an upload (docker save), the
    # sidecar prepared while it loads.
    tar = Path(os.environ.get("TMPDIR", "/tmp")) / "arena-bench-noop.tar"
    subprocess.run(["docker", "save", "-o", str(tar), "arena-bench-noop:latest"], check=True)
    paths = [worker_path(box, tar, per_round) for _ in range(rounds)]
    tar.unlink(missing_ok=True)
    lines.append(
        f"- per submission, the worker's order (sidecar prepared while the image loads, "
        f"{rounds} submissions of {per_round}): image load "
        + ", ".join(f"{p['load']:.2f}" for p in paths)
        + " s; sidecar ready in "
        + ", ".join(f"{p['prepare']:.2f}" for p in paths)
        + " s; **setup left on the critical path "
        + ", ".join(f"{p['setup']:.2f}" for p in paths)
        + f" s (median {statistics.median(p['setup'] for p in paths):.2f} s)**"
    )
    if not args.skip_hidden:
        baseline = box.build_example("baseline", "arena-bench-baseline:latest")
        default = settings.scenario_parallelism
        for par in args.parallelism or [default, 2 * default]:
            pinned = settings.model_copy(
                update={"scenario_parallelism": par, "scenario_parallelism_adaptive": False}
            )
            h = hidden_baseline(box.with_settings(pinned), baseline)
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
    if not args.skip_hidden and args.attempts > 1:
        lines += attempts_lines(box, args.attempts, args.attempt_rounds, args.pack)
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

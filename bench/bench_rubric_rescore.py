"""Score the same agent runs with two rubrics (a rubric change's before and
after, without re-running agents in between).

    .venv/bin/python bench/bench_rubric_rescore.py run oracle,baseline,priors public,hidden
    git worktree add /tmp/rubric-old <rev>
    .venv/bin/python bench/bench_rubric_rescore.py score --root /tmp/rubric-old --out old.json
    .venv/bin/python bench/bench_rubric_rescore.py score --out new.json
    .venv/bin/python bench/bench_rubric_rescore.py diff old.json new.json

Runs come from the in-process harness (tests/adversarial/harness.py: the
real asset-data service on loopback, each agent a subprocess) and are
pickled under --runs; ``score`` imports the evaluator of --root (default:
this tree)."""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS = Path("/tmp/arena-rubric-rescore")


def _harness(root: Path) -> ModuleType:
    """tests/adversarial/harness.py of that tree (its evaluator comes with it)."""
    sys.path[:0] = [str(root), str(root / "tests")]
    from adversarial import harness

    return harness


def run(agents: list[str], sets: list[str], runs_dir: Path) -> None:
    h = _harness(ROOT)
    runs_dir.mkdir(parents=True, exist_ok=True)
    with h.asset_service() as service:
        for set_name in sets:
            scenarios = h.scenario_set(set_name)
            for agent in agents:
                t0 = time.monotonic()
                runs = h.run_agent(service, agent, scenarios, pack=h.set_pack(set_name))
                with open(runs_dir / f"{agent}--{set_name}.pkl", "wb") as fh:
                    pickle.dump((scenarios, runs), fh)
                print(f"{agent} {set_name}: {len(runs)} runs, {time.monotonic() - t0:.1f} s")


def score(root: Path, runs_dir: Path, out: Path) -> None:
    h = _harness(root)
    table = {}
    for f in sorted(runs_dir.glob("*--*.pkl")):
        agent, set_name = f.stem.split("--")
        with open(f, "rb") as fh:
            scenarios, runs = pickle.load(fh)
        r = h.score(agent, set_name, scenarios, runs, per_scenario=True)
        table[f"{agent}/{set_name}"] = {**r.row(), "per_scenario": r.per_scenario}
        print(
            f"{agent:12s} {set_name:8s} v{r.rubric_version} overall {r.overall:5.1f} "
            f"tc {r.task_completion:5.1f} pass {r.pass_rate:5.1f} % ready {r.deployment_ready}"
        )
    out.write_text(json.dumps(table, indent=1))


def diff(old: Path, new: Path) -> None:
    a, b = json.loads(old.read_text()), json.loads(new.read_text())
    print("| agent / set | overall | task completion | pass rate | ready | scenarios changed |")
    print("| --- | --- | --- | --- | --- | ---: |")
    for key in sorted(a.keys() & b.keys()):
        x, y = a[key], b[key]
        changed = sum(
            abs(x["per_scenario"][s] - y["per_scenario"].get(s, 0.0)) > 0.05
            for s in x["per_scenario"]
        )
        print(
            f"| {key} | {x['overall']} -> {y['overall']} | {x['task_completion']} -> "
            f"{y['task_completion']} | {x['pass_rate']} -> {y['pass_rate']} % | "
            f"{x['deployment_ready']} -> {y['deployment_ready']} | {changed} |"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("agents")
    r.add_argument("sets")
    r.add_argument("--runs", type=Path, default=DEFAULT_RUNS)
    s = sub.add_parser("score")
    s.add_argument("--root", type=Path, default=ROOT)
    s.add_argument("--runs", type=Path, default=DEFAULT_RUNS)
    s.add_argument("--out", type=Path, required=True)
    d = sub.add_parser("diff")
    d.add_argument("old", type=Path)
    d.add_argument("new", type=Path)
    args = p.parse_args()
    if args.cmd == "run":
        run(args.agents.split(","), args.sets.split(","), args.runs)
    elif args.cmd == "score":
        score(args.root.resolve(), args.runs, args.out)
    else:
        diff(args.old, args.new)


if __name__ == "__main__":
    main()

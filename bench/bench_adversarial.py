"""Adversarial suite (issue 15): agents that do not solve the task but try to
earn score, next to the oracle, the example baseline and the no-op agent.

One table: agent x set (public validation set, hidden set of a fixed test
seed; execution track) -> overall, task completion, pass rate,
deployment-ready, scored by the project's own evaluator through the
in-process harness (tests/adversarial/harness.py: real asset-data service on
loopback, agents as subprocesses, ``evaluate_submission``).

    .venv/bin/python bench/bench_adversarial.py [--before REV] [--write-docs]
        [--agents a,b] [--sets public,hidden] [--workers N] [--json]

``--before REV`` adds the same table scored with the evaluator and scenario
templates of git revision REV (e.g. ``a04f450^``, the last rubric-1
commit), run in a subprocess with ``--rubric-rev REV``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdocs import write_section  # noqa: E402

HEADING = "## Adversarial suite (issue 15)"


def measure(
    agents: list[str], sets: list[str], workers: int, rubric_rev: str | None
) -> dict[str, Any]:
    from tests.adversarial import harness as H

    if rubric_rev:
        H.pin_rubric(rubric_rev)
    started = time.monotonic()
    results = H.run_matrix(
        agents,
        sets,
        workers=workers,
        progress=lambda r: print(
            f"  {r.agent:<11} {r.set:<7} overall {r.overall:5.1f}  ({r.wall_seconds:.1f}s)",
            file=sys.stderr,
            flush=True,
        ),
    )
    return {
        "rubric": H.rubric_label(),
        "wall_seconds": round(time.monotonic() - started, 1),
        "scenarios": {s: H.scenario_set(s).__len__() for s in sets},
        "rows": [results[(a, s)].row() for a in agents for s in sets],
    }


def table(measured: dict[str, Any], agents: list[str], sets: list[str]) -> str:
    rows = {(r["agent"], r["set"]): r for r in measured["rows"]}
    head = "| agent |" + "".join(
        f" {s}: overall | task completion | pass rate | ready |" for s in sets
    )
    sep = "| --- |" + " ---: | ---: | ---: | --- |" * len(sets)
    lines = [head, sep]
    for a in agents:
        cells = []
        for s in sets:
            r = rows[(a, s)]
            ready = "**yes**" if r["deployment_ready"] else "no"
            cells.append(
                f" {r['overall']:.1f} | {r['task_completion']:.1f} | "
                f"{r['pass_rate']:.1f} % | {ready} |"
            )
        lines.append(f"| {a} |" + "".join(cells))
    return "\n".join(lines)


AGENT_NOTES = {
    "oracle": "reference solver (hidden_scenarios.oracle.solve)",
    "baseline": "examples/agents/baseline (rule-based, honest)",
    "noop": "examples/agents/noop (empty answer)",
    "sweep_dump": "every tool family broadly, dumps every id and number, fixed plan",
    "ask_back": "lookups only, then a clarifying question on every task",
    "no_data": "no data calls; hedging words and plausible values",
    "fabricator": "at most one lookup; confident made-up values in the exact format",
    "fixed_plan": "two fixed sweeps iot->fmsr->tsfm->wo, answer copied from them",
    "padding": "baseline + 8 irrelevant calls + json_reader padding + padded answer",
    "three_stats": "right series, answered with its mean, max and min whatever was asked",
    "abstain_all": "no data calls; 'cannot be determined, data missing' on every task",
    "priors": "(probe) base-rate answers by task wording, no reasoning",
    "priors_plus": "(probe) priors + data-free base-rate numbers and JSON",
}


def markdown(
    current: dict[str, Any],
    before: dict[str, Any] | None,
    agents: list[str],
    sets: list[str],
    cmd: str,
) -> str:
    sizes = ", ".join(f"{s} {n}" for s, n in current["scenarios"].items())
    parts = [
        HEADING,
        "",
        f"`{cmd}` (in-process harness `tests/adversarial/harness.py`: the real asset-data",
        "service on loopback, each agent a subprocess with the contract's environment,",
        "`evaluate_submission` on the runs; execution track; scenarios: "
        f'{sizes}; hidden = `hidden_set("adversarial-test-seed")`).',
        "Agents (`tests/adversarial/agents/adversary.py`, `ADVERSARY_MODE`):",
        "",
        *[f"- `{a}`: {AGENT_NOTES.get(a, '')}" for a in agents],
        "",
        f"Rubric {current['rubric']} (wall {current['wall_seconds']:.0f} s):",
        "",
        table(current, agents, sets),
        "",
    ]
    if before is not None:
        parts += [
            f"Before: rubric {before['rubric']} (wall {before['wall_seconds']:.0f} s):",
            "",
            table(before, agents, sets),
            "",
        ]
    parts += [
        "Done when (issue 15, asserted by `tests/adversarial/test_adversarial_suite.py`):",
        "every adversary <= 20 overall and not deployment-ready on both sets; oracle >= 95;",
        "baseline >= 85 on the public set; noop 0. The same test runs each adversary image",
        "(and the baseline) through `assetops validate`'s runner (containers, sidecar image) on",
        "8 public scenarios and finds the same per-scenario scores as the in-process harness.",
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    from tests.adversarial.harness import AGENTS, DEFAULT_WORKERS, SETS

    ap = argparse.ArgumentParser(prog="bench_adversarial.py")
    ap.add_argument("--agents", default=",".join(AGENTS))
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    ap.add_argument("--rubric-rev", help="score with evaluator/ and hidden_scenarios/ at REV")
    ap.add_argument("--before", help="also measure with --rubric-rev BEFORE (subprocess)")
    ap.add_argument("--json", action="store_true", help="print the measurement as JSON")
    ap.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = ap.parse_args()
    agents, sets = args.agents.split(","), args.sets.split(",")
    before = None
    if args.before:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--json",
                "--agents",
                args.agents,
                "--sets",
                args.sets,
                "--workers",
                str(args.workers),
                "--rubric-rev",
                args.before,
            ],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        before = json.loads(proc.stdout)
    current = measure(agents, sets, args.workers, args.rubric_rev)
    if args.json:
        print(json.dumps(current))
        return
    if before is not None:
        print(f"before: rubric {before['rubric']} ({before['wall_seconds']:.0f} s)")
        print(table(before, agents, sets))
        print()
    print(f"rubric {current['rubric']} ({current['wall_seconds']:.0f} s)")
    print(table(current, agents, sets))
    if args.write_docs:
        cmd = "python bench/bench_adversarial.py --write-docs" + (
            f" --before '{args.before}'" if args.before else ""
        )
        write_section(HEADING, markdown(current, before, agents, sets, cmd))
        print("docs/benchmarks.md updated")


if __name__ == "__main__":
    main()

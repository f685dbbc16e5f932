"""Harder scenarios (issue 17): where the rule-based example agent stops,
next to the oracle, the no-op agent, the behaviour agents (the oracle that
always acts, never acts, always asks or never asks) and the adversaries of
issue 15.

Mean per-scenario overall (x100) by kind group and by each issue-17 kind,
on the hidden set of the adversarial test seed (public pack, execution
track), through the in-process harness (tests/adversarial/harness.py).

    .venv/bin/python bench/bench_new_kinds.py [--sets hidden] [--write-docs]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdocs import write_section  # noqa: E402

HEADING = "## Harder scenarios (issue 17)"


def group_of(kind: str) -> str:
    from tests.adversarial.harness import ISSUE_17_GROUPS

    return next((g.rstrip(".") for g in ISSUE_17_GROUPS if kind.startswith(g)), "earlier kinds")


def measure(agents: list[str], set_name: str) -> dict[str, Any]:
    from tests.adversarial import harness as H

    started = time.monotonic()
    scenarios = H.scenario_set(set_name)
    results = H.run_matrix(agents, [set_name], per_scenario=True)
    kind_of = {s.id: (s.kind or s.template) for s in scenarios}
    rows: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = defaultdict(int)
    for kind in kind_of.values():
        counts[group_of(kind)] += 1
        if group_of(kind) != "earlier kinds":
            counts[kind] += 1
    for agent in agents:
        per = results[(agent, set_name)].per_scenario
        sums: dict[str, list[float]] = defaultdict(list)
        for sid, value in per.items():
            kind = kind_of[sid]
            sums[group_of(kind)].append(value)
            if group_of(kind) != "earlier kinds":
                sums[kind].append(value)
        rows[agent] = {k: sum(v) / len(v) for k, v in sums.items()}
        rows[agent]["overall"] = results[(agent, set_name)].overall
        rows[agent]["pass_rate"] = results[(agent, set_name)].pass_rate
    return {
        "set": set_name,
        "scenarios": len(scenarios),
        "counts": dict(counts),
        "rows": rows,
        "wall_seconds": round(time.monotonic() - started, 1),
    }


def markdown(m: dict[str, Any], agents: list[str], cmd: str) -> str:
    from tests.adversarial.harness import ISSUE_17_GROUPS

    columns = ["earlier kinds", *(g.rstrip(".") for g in ISSUE_17_GROUPS)]
    kinds = sorted(k for k in m["counts"] if "." in k)
    head = ["agent", "overall", "pass rate", *(f"{c} ({m['counts'].get(c, 0)})" for c in columns)]
    lines = [
        f"`{cmd}` (in-process harness, execution track; set: {m['set']} of the public pack "
        f"with seed `adversarial-test-seed`, {m['scenarios']} scenarios; wall "
        f"{m['wall_seconds']:.0f} s). Mean per-scenario overall (x100) per kind group "
        "(scenario counts in brackets).",
        "",
        "| " + " | ".join(head) + " |",
        "| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |",
    ]
    for a in agents:
        r = m["rows"][a]
        cells = [a, f"{r['overall']:.1f}", f"{r['pass_rate']:.1f} %"]
        cells += [f"{r.get(c, float('nan')):.1f}" for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Per issue-17 kind (mean per-scenario overall):", ""]
    head2 = ["kind (scenarios)", *agents]
    lines += [
        "| " + " | ".join(head2) + " |",
        "| " + " | ".join(["---"] + ["---:"] * len(agents)) + " |",
    ]
    for k in kinds:
        cells = [f"`{k}` ({m['counts'][k]})"]
        cells += [f"{m['rows'][a].get(k, float('nan')):.1f}" for a in agents]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from tests.adversarial import harness as H

    default = ["oracle", "baseline", "noop", *H.BEHAVIOUR_AGENTS, *H.ADVERSARY_MODES]
    ap = argparse.ArgumentParser(prog="bench_new_kinds.py")
    ap.add_argument("--agents", default=",".join(default))
    ap.add_argument("--set", default="hidden", choices=("public", "hidden"))
    ap.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = ap.parse_args()
    agents = args.agents.split(",")
    m = measure(agents, args.set)
    cmd = "python bench/bench_new_kinds.py" + (" --write-docs" if args.write_docs else "")
    text = markdown(m, agents, cmd)
    print(text)
    if args.write_docs:
        # the section starts with its heading, so the next run replaces it
        write_section(HEADING, f"{HEADING}\n\n{text}")
        print("docs/benchmarks.md updated")


if __name__ == "__main__":
    main()

"""Ground-truth computation time for whole scenario sets.

Baseline, measured in the same run: loading the plant from its on-disk
cache (what every consumer pays anyway). Reported: wall and CPU seconds and
the ratio of ground-truth time to plant-load time. Target: hidden set
<= 10 s wall.

    .venv/bin/python bench/bench_scenarios.py [--seed S] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hidden_scenarios.instantiate import instantiate  # noqa: E402
from hidden_scenarios.pack import load_pack  # noqa: E402
from hidden_scenarios.templates.context import PlantContext  # noqa: E402
from services.assetdata.plant import cache_path, load_plant, read_cache  # noqa: E402
from services.settings import get_settings  # noqa: E402

TARGET_S = 10.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="bench-hidden-seed")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    plant_seed = get_settings().plant_seed
    load_plant(plant_seed)  # make sure the on-disk cache exists

    loads, hidden, hidden_cpu, public = [], [], [], []
    n_hidden = n_public = 0
    for i in range(args.repeat):
        t0 = time.perf_counter()
        plant = read_cache(cache_path(plant_seed), plant_seed)  # a real load, not the memo
        t1 = time.perf_counter()
        c1 = time.process_time()
        ctx = PlantContext(plant)  # fresh context: nothing memoised
        templates = load_pack().templates
        scenarios = instantiate(templates, ctx, "hidden", f"{args.seed}-{i}")
        t2 = time.perf_counter()
        c2 = time.process_time()
        pub = instantiate(templates, PlantContext(plant), "public", f"public-{i}")
        t3 = time.perf_counter()
        loads.append(t1 - t0)
        hidden.append(t2 - t1)
        hidden_cpu.append(c2 - c1)
        public.append(t3 - t2)
        n_hidden, n_public = len(scenarios), len(pub)

    load_s, hid_s, hid_cpu, pub_s = (
        statistics.median(x) for x in (loads, hidden, hidden_cpu, public)
    )
    print(f"plant load from cache (baseline): {load_s:7.3f} s")
    print(
        f"hidden set ground truth         : {hid_s:7.3f} s wall, {hid_cpu:.3f} s cpu "
        f"({n_hidden} scenarios, {1000 * hid_s / n_hidden:.1f} ms each); "
        f"ratio vs plant load {hid_s / load_s:.1f}x"
    )
    print(
        f"public set ground truth         : {pub_s:7.3f} s wall ({n_public} scenarios); "
        f"ratio vs plant load {pub_s / load_s:.1f}x"
    )
    ok = hid_s <= TARGET_S
    print(
        f"target hidden <= {TARGET_S:.0f} s: {'PASS' if ok else 'FAIL'} "
        f"(median of {args.repeat} runs)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

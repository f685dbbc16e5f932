"""Pack load + ground-truth computation time for whole scenario sets.

Baseline, measured in the same run: loading the plant from its on-disk
cache (what every consumer pays anyway). Measured: parsing a scenario pack
from disk (no memo) and instantiating its hidden pool on a fresh plant
context, for the public pack with every hidden count multiplied by
``--scale`` (default 2: about 300 scenarios, the size issue 16 targets).
Reported: wall and CPU seconds and the ratio to plant-load time. Target:
pack load + hidden set <= 10 s wall.

    .venv/bin/python bench/bench_scenarios.py [--seed S] [--repeat N] [--scale K]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hidden_scenarios.instantiate import instantiate  # noqa: E402
from hidden_scenarios.pack import PUBLIC_PACK_PATH, parse_pack, read_files  # noqa: E402
from hidden_scenarios.templates.context import PlantContext  # noqa: E402
from services.assetdata.plant import cache_path, load_plant, read_cache  # noqa: E402
from services.settings import get_settings  # noqa: E402

TARGET_S = 10.0


def _scaled_pack(dest: Path, scale: int) -> Path:
    """The public pack with every hidden count x ``scale`` (capped where a
    kind's hidden pool is smaller)."""
    import yaml

    from hidden_scenarios.instantiate import split_pools
    from hidden_scenarios.pack import load_pack
    from hidden_scenarios.sets import plant_context

    shutil.copytree(PUBLIC_PACK_PATH, dest)
    by_id = load_pack().by_id
    ctx = plant_context()
    for path in (dest / "templates").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        for entry in doc["templates"]:
            t = by_id[entry["id"]]
            pool = len(split_pools(t, t.space(ctx))[1])
            entry["instances"]["hidden"] = min(pool // 2, entry["instances"]["hidden"] * scale)
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="bench-hidden-seed")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, default=2, help="hidden counts x K")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    scaled = _scaled_pack(tmp / "pack", args.scale)
    plant_seed = get_settings().plant_seed
    load_plant(plant_seed)  # make sure the on-disk cache exists

    loads, pack_loads, hidden, hidden_cpu, public = [], [], [], [], []
    n_hidden = n_public = 0
    for i in range(args.repeat):
        t0 = time.perf_counter()
        plant = read_cache(cache_path(plant_seed), plant_seed)  # a real load, not the memo
        t1 = time.perf_counter()
        c1 = time.process_time()
        ctx = PlantContext(plant)  # fresh context: nothing memoised
        pack = parse_pack(read_files(scaled), str(scaled))  # a real parse, not the memo
        templates = pack.templates
        t_pack = time.perf_counter()
        scenarios = instantiate(templates, ctx, "hidden", f"{args.seed}-{i}")
        t2 = time.perf_counter()
        c2 = time.process_time()
        pub = instantiate(templates, PlantContext(plant), "public", f"public-{i}")
        t3 = time.perf_counter()
        loads.append(t1 - t0)
        pack_loads.append(t_pack - t1)
        hidden.append(t2 - t1)
        hidden_cpu.append(c2 - c1)
        public.append(t3 - t2)
        n_hidden, n_public = len(scenarios), len(pub)

    shutil.rmtree(tmp, ignore_errors=True)
    load_s, pack_s, hid_s, hid_cpu, pub_s = (
        statistics.median(x) for x in (loads, pack_loads, hidden, hidden_cpu, public)
    )
    print(f"plant load from cache (baseline): {load_s:7.3f} s")
    print(f"pack parse (public pack x{args.scale})    : {pack_s:7.3f} s")
    print(
        f"pack load + hidden ground truth : {hid_s:7.3f} s wall, {hid_cpu:.3f} s cpu "
        f"({n_hidden} scenarios, {1000 * hid_s / n_hidden:.1f} ms each); "
        f"ratio vs plant load {hid_s / load_s:.1f}x"
    )
    print(
        f"public set ground truth         : {pub_s:7.3f} s wall ({n_public} scenarios); "
        f"ratio vs plant load {pub_s / load_s:.1f}x"
    )
    ok = hid_s <= TARGET_S
    print(
        f"target pack load + hidden <= {TARGET_S:.0f} s: {'PASS' if ok else 'FAIL'} "
        f"(median of {args.repeat} runs)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Re-identification scan (issue 19): how a rule that joins a novel cluster
to its nearest catalog entry by centroid rank would do on the diagnosis
benchmark, measured from one pass of the protocol.

    .venv/bin/python -m bench.diagnosis.reid_scan --embedder minilm --half seen \
        --json /tmp/scan.json

The protocol runs as ``bench/bench_diagnosis.py`` runs it (first sightings,
then the measured pass, shared catalog, scripted LLM extractor), with the
catalog rules in code. Every novel cluster of the measured pass that opens a
new entry is recorded with its nearest novel entry's centroid cosine, the
runner-up's, whether the two share a c-TF-IDF term, and which defect opened
that entry. A candidate rule "join the nearest entry when its cosine reaches
a floor, leads the runner-up by a margin (and shares a term)" is then scored
per grid point: joins to an entry the same defect opened (right), joins to
another defect's entry (wrong: two failures reported as one from then on),
and defects it would newly name (a cluster in the top 2 joining the first
sighting's entry of an unnamed novel defect). Sequential effects (a join
moving a centroid for the next submission) are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_diagnosis as BD  # noqa: E402

import evaluator.aggregate as aggregate  # noqa: E402
from evaluator import catalog as C  # noqa: E402

FLOORS = (0.40, 0.45, 0.50, 0.55, 0.58, 0.62, 0.66, 0.70)
MARGINS = (0.0, 0.03, 0.05)
MIN_MEMBERS = 3


def scan(embedder_name: str, half: str, cache: Path) -> dict[str, Any]:
    from evaluator.embed import get_embedder

    current = {"defect": "", "phase": ""}
    owner: dict[str, str] = {}
    records: list[dict[str, Any]] = []
    match = aggregate.match_catalog

    def recording_match(clusters, catalog, embedder_id, now, total, **kw):  # type: ignore[no-untyped-def]
        m = match(clusters, catalog, embedder_id, now, total, **kw)
        before = {e.key for e in catalog}
        novel = sorted(
            (e for e in catalog if not e.code and e.embedder_id == embedder_id),
            key=lambda e: e.key,
        )
        mat = (
            np.stack([C._unit(np.asarray(e.centroid, dtype=np.float64)) for e in novel])
            if novel
            else None
        )
        for cl, key in zip(clusters, m.cluster_keys, strict=True):
            if cl.code:
                continue
            owner.setdefault(key, current["defect"])
            if key in before or mat is None or mat.shape[1] != len(cl.centroid):
                continue
            sims = mat @ C._unit(cl.centroid.astype(np.float64))
            order = np.argsort(-sims, kind="stable")
            top = novel[int(order[0])]
            records.append(
                {
                    "defect": current["defect"],
                    "phase": current["phase"],
                    "key": key,
                    "size": len(cl.members),
                    "top": top.key,
                    "s1": round(float(sims[order[0]]), 4),
                    "s2": round(float(sims[order[1]]), 4) if len(order) > 1 else 0.0,
                    "term": C._share_term(cl, top),
                }
            )
        return m

    evaluate = BD.evaluate

    def recording_evaluate(d, scenarios, runs, catalog, now, phrasing, *a, **k):  # type: ignore[no-untyped-def]
        # run_protocol: first sightings at hour 0 with the tune phrasings,
        # the measured pass an hour later
        current.update(defect=d.name, phase="first" if now.hour == 0 else "measured")
        sub = evaluate(d, scenarios, runs, catalog, now, phrasing, *a, **k)
        for r in records:
            if r["defect"] == d.name and r["phase"] == current["phase"]:
                r["top2_keys"] = [s.key for s in sub.summaries[: BD.TOP]]
        return sub

    aggregate.match_catalog = recording_match
    BD.evaluate = recording_evaluate
    try:
        BD.mock_llm.register()
        defects = BD.load_defects()
        if half == "seen":
            defects = [d for d in defects if d.half not in BD.UNSEEN]
        elif half != "all":
            defects = [d for d in defects if d.half in half.split(",")]
        runs, _ = BD.get_runs(defects, "public", "inprocess", cache, False)
        passes = BD.baseline_passes("public", cache, False)
        scenarios = [s for s in BD.scenario_set("public") if s.id in passes]
        runs = {d: [r for r in rs if r.scenario_id in passes] for d, rs in runs.items()}
        res = BD.run_protocol(defects, scenarios, runs, "heldout", get_embedder(embedder_name))
    finally:
        aggregate.match_catalog = match
        BD.evaluate = evaluate
    return {"records": records, "owner": owner, "rows": res["rows"]}


def grid(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = {r["defect"]: r for r in data["rows"]}
    owner = data["owner"]
    measured = [r for r in data["records"] if r["phase"] == "measured"]
    out = []
    for floor in FLOORS:
        for margin in MARGINS:
            for term in (False, True):
                right = wrong = 0
                named: set[str] = set()
                for r in measured:
                    if (
                        r["size"] < MIN_MEMBERS
                        or r["s1"] < floor
                        or r["s1"] - r["s2"] < margin
                        or (term and not r["term"])
                    ):
                        continue
                    if owner.get(r["top"]) == r["defect"]:
                        right += 1
                    else:
                        wrong += 1
                    row = rows[r["defect"]]
                    if (
                        not row["named"]
                        and row["reference_novel_key"] == r["top"]
                        and r["key"] in r.get("top2_keys", [])
                    ):
                        named.add(r["defect"])
                out.append(
                    {
                        "floor": floor,
                        "margin": margin,
                        "shared_term": term,
                        "joined_right": right,
                        "joined_wrong": wrong,
                        "newly_named": sorted(named),
                    }
                )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--half", default="seen", help="seen, all, or comma-separated halves")
    ap.add_argument("--cache", type=Path, default=BD.DEFAULT_CACHE)
    ap.add_argument("--json", type=Path, help="write the records and the grid here")
    args = ap.parse_args()
    data = scan(args.embedder, args.half, args.cache)
    data["grid"] = grid(data)
    measured = sum(1 for r in data["records"] if r["phase"] == "measured")
    print(
        f"named {sum(r['named'] for r in data['rows'])}/{len(data['rows'])} (rules in code); "
        f"{measured} novel clusters of the measured pass opened a new entry"
    )
    for g in data["grid"]:
        print(
            f"  floor {g['floor']:.2f} margin {g['margin']:.2f} shared term {g['shared_term']:d}: "
            f"right {g['joined_right']} wrong {g['joined_wrong']} newly named {g['newly_named']}"
        )
    if args.json:
        args.json.write_text(json.dumps(data))


if __name__ == "__main__":
    main()

"""Catalog stability benchmark: does a recurring failure type land on the
same catalog entry in a later submission, and at which centroid-cosine
threshold (``evaluator.catalog.MATCH_SIMILARITY``)?

    .venv/bin/python bench/bench_catalog.py [--no-minilm] [--write-docs]

Two submissions are drawn from the labelled corpus (bench/corpus) with
different seeds, so the same failure types recur in new wordings of the
same phrasing patterns; statements are "mixed" as in production (70 % of
in-taxonomy statements carry detector codes, the rest and every
out-of-taxonomy statement are free text). Submission A creates the
catalog; submission B's free-text (novel) clusters are matched against it.
Per threshold (mean over three seed pairs), over B's novel-cluster
statements whose type already has a novel entry from A:

- re-identified: matched an entry of the same failure type;
- wrong merge: matched an entry of another type (the costly error: two
  failures reported as one in every later submission);
- new entry: no match (a duplicate "emerging" entry).

Exemplars (issue 19): submission A's new entries keep a few of its
statements, and B's clusters are matched by them too, as the pipeline
does (``--no-exemplars``: centroid only, the rule before; the table also
gives the centroid-only figures at the threshold in code, same run).
``--exemplar-grid`` sweeps the exemplar floor and margin on the dev
phrasings only (at the threshold in code).

Baseline (same run): the previous rule, one cluster per entry with the
next one falling to its runner-up, at the previous thresholds. The
threshold is chosen on the dev phrasings (best mean of re-identified
minus 3 x wrong merges over both submission sizes) and reported on the
held-out test phrasings. The
baseline measured in the same run is the threshold in use today.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_evaluator import CachingEmbedder, as_statements  # noqa: E402
from benchdocs import parse_args, write_section  # noqa: E402
from failure_corpus import generate  # noqa: E402  (path set by bench_evaluator)

from evaluator import catalog as C  # noqa: E402
from evaluator.catalog import MATCH_SIMILARITY, match_catalog  # noqa: E402
from evaluator.cluster import StatementCluster, cluster_statements  # noqa: E402
from evaluator.embed import HashingEmbedder  # noqa: E402

THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]  # 0.30 .. 0.95
# A wrong merge hides a failure in every later submission; a duplicate
# entry only splits one.
WRONG_COST = 3.0
SEED_PAIRS = [(101, 202), (303, 404), (505, 606)]
SIZES = (20, 60)
# Baseline: the rule before bench_catalog existed (one cluster per entry,
# runner-up otherwise) at its thresholds.
PREVIOUS = {"hash": 0.60, "minilm": 0.90}
NOW = datetime(2026, 1, 1, tzinfo=UTC)
MARKER = "## Failure catalog stability"


def _majority(cluster: StatementCluster, truth: list[str]) -> str:
    return Counter(truth[i] for i in cluster.members).most_common(1)[0][0]


EXEMPLARS = {"on": True}  # --no-exemplars: centroid matching only


def submission(per_type: int, seed: int, split: str, emb) -> tuple[list, list[str], list[str]]:
    corpus = generate(per_type, seed=seed, split=split)
    st = as_statements(corpus, mixed=True)
    return cluster_statements(st, emb), [y for _, y in corpus], [s.text for s in st]


def _texts(texts: list[str], emb, exemplars: bool | None) -> dict:
    on = EXEMPLARS["on"] if exemplars is None else exemplars
    return {"texts": texts, "embed": emb.embed} if on else {}


def sweep_pair(
    emb,
    split: str,
    per_type: int,
    seeds: tuple[int, int],
    thresholds: list[float],
    exclusive: bool,
    exemplars: bool | None = None,
    exemplar_params: tuple[float, ...] | None = None,
) -> dict[float, dict]:
    clusters_a, truth_a, texts_a = submission(per_type, seeds[0], split, emb)
    n_a = len(texts_a)
    first = match_catalog(clusters_a, [], emb.id, NOW, n_a, **_texts(texts_a, emb, exemplars))
    entry_type = {
        key: _majority(c, truth_a)
        for key, c in zip(first.cluster_keys, clusters_a, strict=True)
        if not c.code
    }
    known_types = set(entry_type.values())
    clusters_b, truth_b, texts_b = submission(per_type, seeds[1], split, emb)
    n_b = len(texts_b)
    novel_b = [c for c in clusters_b if not c.code]
    extra: dict = dict(_texts(texts_b, emb, exemplars))
    if exemplar_params is not None:
        extra.update(exemplar_match=exemplar_params[0], exemplar_margin=exemplar_params[1])
        if len(exemplar_params) > 2:  # the agreement margin (negative = off)
            extra.update(exemplar_agree_margin=exemplar_params[2])
    out: dict[float, dict] = {}
    for t in thresholds:
        second = match_catalog(
            clusters_b,
            first.updates,
            emb.id,
            NOW,
            n_b,
            t,
            one_cluster_per_entry=exclusive,
            **extra,
        )
        same = wrong = new = 0
        for key, c in zip(second.cluster_keys, clusters_b, strict=True):
            if c.code:
                continue
            kind = _majority(c, truth_b)
            if kind not in known_types:
                continue
            n = len(c.members)
            if key not in entry_type:
                new += n
            elif entry_type[key] == kind:
                same += n
            else:
                wrong += n
        total = max(1, same + wrong + new)
        out[t] = {
            "reidentified": round(same / total, 3),
            "wrong_merge": round(wrong / total, 3),
            "new_entry": round(new / total, 3),
            "novel_clusters_b": len(novel_b),
        }
    return out


def sweep(
    emb,
    split: str,
    per_type: int,
    thresholds: list[float] = THRESHOLDS,
    exclusive: bool = False,
    exemplars: bool | None = None,
    exemplar_params: tuple[float, ...] | None = None,
) -> dict[float, dict]:
    """Mean over the seed pairs."""
    runs = [
        sweep_pair(emb, split, per_type, pair, thresholds, exclusive, exemplars, exemplar_params)
        for pair in SEED_PAIRS
    ]
    return {
        t: {k: round(float(np.mean([r[t][k] for r in runs])), 3) for k in runs[0][t]}
        for t in thresholds
    }


def utility(row: dict) -> float:
    return row["reidentified"] - WRONG_COST * row["wrong_merge"]


def choose(dev_by_size: list[dict[float, dict]]) -> float:
    """Best mean utility over the submission sizes; ties go to the higher threshold."""
    return max(THRESHOLDS, key=lambda t: (np.mean([utility(d[t]) for d in dev_by_size]), t))


def run(use_minilm: bool) -> dict:
    embedders = {"hash": CachingEmbedder(HashingEmbedder())}
    if use_minilm:
        from evaluator.embed import MiniLMEmbedder

        embedders["minilm"] = CachingEmbedder(MiniLMEmbedder())
    res: dict = {}
    for name, emb in embedders.items():
        devs = {n: sweep(emb, "dev", n) for n in SIZES}
        chosen = choose(list(devs.values()))
        previous = PREVIOUS[name]
        in_code = MATCH_SIMILARITY[name]
        for per_type in SIZES:
            dev, test = devs[per_type], sweep(emb, "test", per_type)
            base = sweep(emb, "test", per_type, [previous], exclusive=True, exemplars=False)[
                previous
            ]
            centroid_only = {
                split: sweep(emb, split, per_type, [in_code], exemplars=False)[in_code]
                for split in ("dev", "test")
            }
            res[f"{name}/{per_type}"] = {
                "exemplars": EXEMPLARS["on"],
                "dev_at_in_code": dev[in_code],
                "test_at_in_code": test[in_code],
                "centroid_only_at_in_code": centroid_only,
                "statements_per_submission": per_type * 18,
                "chosen_on_dev": chosen,
                "in_code": MATCH_SIMILARITY[name],
                "previous": previous,
                "test_at_chosen": test[chosen],
                "test_previous_rule": base,
                "dev_curve": dev,
                "test_curve": test,
            }
    return res


def to_markdown(res: dict, cmd: str) -> str:
    lines = [
        MARKER,
        "",
        f"Command: `{cmd}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC).",
        "",
        "Two submissions with the same failure types in new wordings (mixed setting; "
        f"mean of {len(SEED_PAIRS)} corpus seed pairs); share of the second submission's "
        "novel-cluster statements (types already catalogued) that were re-identified, "
        "wrongly merged into another type's entry, or given a duplicate new entry. "
        "Threshold chosen on dev phrasings (best mean of re-identified minus "
        f"{WRONG_COST:g} x wrong merges over both sizes), reported on held-out test; "
        "baseline = the previous rule (an entry goes to one cluster only, the next "
        "cluster falls to its runner-up) at the previous thresholds, same run.",
        "",
        "| embedder | statements / submission | threshold | test re-identified | "
        "test wrong merge | test new entry |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, v in res.items():
        name, _ = key.split("/")
        rows = [
            ("chosen on dev", v["chosen_on_dev"], v["test_at_chosen"]),
            (
                "in code, exemplars" if v.get("exemplars") else "in code",
                v["in_code"],
                v["test_at_in_code"],
            ),
        ]
        if "centroid_only_at_in_code" in v:
            rows.append(
                ("in code, centroid only", v["in_code"], v["centroid_only_at_in_code"]["test"])
            )
        rows.append(("baseline: previous rule", v["previous"], v["test_previous_rule"]))
        for label, t, row in rows:
            lines.append(
                f"| {name} | {v['statements_per_submission']} | {t} ({label}) | "
                f"{row['reidentified']} | {row['wrong_merge']} | {row['new_entry']} |"
            )
    return "\n".join(lines) + "\n"


def exemplar_grid(use_minilm: bool, points: str = "") -> dict:
    """Exemplar floor x margin on the dev phrasings only, at the threshold in
    code (choosing them: re-identified up, wrong merges not above the
    centroid-only rule's). ``points``: "name:floor:margin[:min_members[:agree]],..."
    instead of the full grid; ``agree`` is the exemplar lead enough when the
    centroid's nearest entry agrees (negative = off; default: in code)."""
    embedders = {"hash": CachingEmbedder(HashingEmbedder())}
    if use_minilm:
        from evaluator.embed import MiniLMEmbedder

        embedders["minilm"] = CachingEmbedder(MiniLMEmbedder())
    full = [(f, m) for f in (0.15, 0.20, 0.25, 0.30, 0.35, 0.45, 0.60) for m in (0.05, 0.10, 0.15)]
    chosen = [p.split(":") for p in points.split(",") if p]
    out: dict = {}
    for name, emb in embedders.items():
        grid = [
            (
                float(p[1]),
                float(p[2]),
                int(p[3]) if len(p) > 3 else C.EXEMPLAR_MIN_MEMBERS,
                float(p[4]) if len(p) > 4 else None,
            )
            for p in chosen
            if p[0] == name
        ]
        if chosen and not grid:
            continue  # points given for the other embedder only
        grid = grid or [(f, m, C.EXEMPLAR_MIN_MEMBERS, None) for f, m in full]
        if not grid:
            continue
        t = MATCH_SIMILARITY[name]
        for per_type in SIZES:
            key = f"{name}/{per_type}"
            out[key] = {"centroid_only": sweep(emb, "dev", per_type, [t], exemplars=False)[t]}
            print(key, "centroid only", out[key]["centroid_only"], flush=True)
            for floor, margin, least, agree in grid:
                C.EXEMPLAR_MIN_MEMBERS, keep = least, C.EXEMPLAR_MIN_MEMBERS
                params = (floor, margin) if agree is None else (floor, margin, agree)
                row = sweep(emb, "dev", per_type, [t], exemplars=True, exemplar_params=params)[t]
                C.EXEMPLAR_MIN_MEMBERS = keep
                label = f"{floor:.2f}/{margin:.2f}/{least}" + ("" if agree is None else f"/{agree}")
                out[key][label] = row
                print(key, floor, margin, least, agree, row, flush=True)
    return out


def main() -> None:
    if "--no-exemplars" in sys.argv:
        sys.argv.remove("--no-exemplars")
        EXEMPLARS["on"] = False
    if "--exemplar-grid" in sys.argv:
        i = sys.argv.index("--exemplar-grid")
        points = sys.argv.pop(i + 1) if len(sys.argv) > i + 1 and ":" in sys.argv[i + 1] else ""
        sys.argv.remove("--exemplar-grid")
        args, cmd = parse_args("bench_catalog.py")
        print(json.dumps(exemplar_grid(not args.no_minilm, points), indent=1))
        return
    args, cmd = parse_args("bench_catalog.py")
    res = run(not args.no_minilm)
    brief = {k: {kk: vv for kk, vv in v.items() if "curve" not in kk} for k, v in res.items()}
    print(json.dumps(brief, indent=1))
    for k, v in res.items():
        print(k)
        for t in THRESHOLDS:
            print(f"  {t:.2f} dev {v['dev_curve'][t]}  test {v['test_curve'][t]}")
    if args.write_docs:
        write_section(MARKER, to_markdown(res, cmd))


if __name__ == "__main__":
    main()

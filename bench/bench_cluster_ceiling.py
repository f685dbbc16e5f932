"""How far can embedding + merging go on the labelled corpus? A ceiling
for the free-text clustering figures of bench_evaluator.py.

    .venv/bin/python bench/bench_cluster_ceiling.py [--no-minilm] [--write-docs]

Each failure type in bench/corpus is written in 4 phrasing patterns per
split. Clustering can only reach a high ARI by joining the patterns of one
type without joining different types, so the question is whether, in a
given vector space, a pattern is closer to its own type's other patterns
than to anything else. Per space, on the free-text statements:

- k-NN purity: share of each statement's 15 nearest neighbours of the
  same type (the local structure HDBSCAN sees);
- pattern top-1: share of phrasing patterns whose most similar other
  pattern (average linkage over all statements) is of the same type;
- pattern-split ARI: a method that finds every pattern exactly but never
  joins two (the floor the merge step has to lift);
- oracle-merge ARI: start from the TRUE patterns, merge them by average
  linkage, and keep the best threshold chosen on the very split it is
  scored on, an upper bound for this family of methods (density clusters
  then hierarchical merging) in that space.

Spaces: the per-submission TF-IDF space (evaluator/cluster_space.py) that
the default decides clusters in, the hashing embedder's fixed space, and,
with torch, MiniLM and its 50/50 blend with the TF-IDF space (what the
MiniLM setting decides in).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "corpus"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from benchdocs import parse_args, write_section  # noqa: E402
from failure_corpus import generate_with_patterns  # noqa: E402

from evaluator.cluster_space import batch_tfidf_space  # noqa: E402
from evaluator.embed import HashingEmbedder  # noqa: E402

MARKER = "## Clustering ceiling"
K = 15


def spaces(texts: list[str], use_minilm: bool) -> dict[str, np.ndarray]:
    uniq = sorted(set(texts))
    tf, _ = batch_tfidf_space(uniq, [])
    pos = {t: i for i, t in enumerate(uniq)}
    out = {
        "per-submission TF-IDF (hash default)": tf[[pos[t] for t in texts]].astype(np.float64),
        "hashing embedder (fixed)": HashingEmbedder().embed(texts).astype(np.float64),
    }
    if use_minilm:
        from evaluator.embed import MiniLMEmbedder

        mini = MiniLMEmbedder().embed(texts).astype(np.float64)
        out["MiniLM"] = mini
        tfx = out["per-submission TF-IDF (hash default)"]
        out["MiniLM + TF-IDF 50/50 (minilm setting)"] = np.hstack(
            [np.sqrt(0.5) * mini, np.sqrt(0.5) * tfx]
        )
    return out


def measure(x: np.ndarray, types: np.ndarray, patterns: np.ndarray) -> dict:
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    nn = np.argpartition(-sims, K, axis=1)[:, :K]
    knn = float((types[nn] == types[:, None]).mean())
    groups = sorted(set(patterns.tolist()))
    gtype = np.array([g.split("#")[0] for g in groups])
    means = np.stack([x[patterns == g].mean(0) for g in groups])
    link = means @ means.T  # mean pairwise cosine for unit-norm rows
    np.fill_diagonal(link, -np.inf)
    top1 = float((gtype[link.argmax(1)] == gtype).mean())
    split_ari = adjusted_rand_score(types, patterns)
    best = (split_ari, None)
    dist = np.clip(1.0 - link, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    for thr in np.arange(0.02, 1.0, 0.02):
        merged = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=thr
        ).fit_predict(dist)
        lab = dict(zip(groups, merged, strict=True))
        ari = adjusted_rand_score(types, [lab[p] for p in patterns])
        if ari > best[0]:
            best = (ari, round(1.0 - thr, 2))
    return {
        "knn15_purity": round(knn, 3),
        "pattern_top1": round(top1, 3),
        "pattern_split_ari": round(split_ari, 3),
        "oracle_merge_ari": round(best[0], 3),
        "oracle_similarity": best[1],
    }


def run(use_minilm: bool) -> dict:
    res: dict = {}
    for split in ("dev", "test"):
        data = generate_with_patterns(120, seed=7, split=split)
        texts = [t for t, _, _ in data]
        types = np.array([k for _, k, _ in data])
        patterns = np.array([f"{k}#{p}" for _, k, p in data])
        for name, x in spaces(texts, use_minilm).items():
            res[f"{name}/{split}"] = measure(x, types, patterns)
    return res


def to_markdown(res: dict, cmd: str) -> str:
    lines = [
        MARKER,
        "",
        f"Command: `{cmd}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC). Free-text statements "
        "of the clustering corpus (2160 per split, 18 types x 4 phrasing patterns); see the "
        "module docstring for the measures.",
        "",
        "| space | split | 15-NN purity | pattern top-1 | pattern-split ARI | "
        "oracle-merge ARI (at similarity) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, v in res.items():
        space, split = key.rsplit("/", 1)
        lines.append(
            f"| {space} | {split} | {v['knn15_purity']} | {v['pattern_top1']} | "
            f"{v['pattern_split_ari']} | {v['oracle_merge_ari']} ({v['oracle_similarity']}) |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    args, cmd = parse_args("bench_cluster_ceiling.py")
    res = run(not args.no_minilm)
    print(json.dumps(res, indent=1))
    if args.write_docs:
        write_section(MARKER, to_markdown(res, cmd))


if __name__ == "__main__":
    main()

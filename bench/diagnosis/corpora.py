"""Leave-patterns-out ARI of the two labelled statement corpora, per
representation, and the 10,000-statement time budget (issue 19, parts 2-3).

Corpora (same 18 types, 6 outside the taxonomy): A = bench/corpus/
failure_corpus.py (issue 6), B = bench/corpus/failure_corpus_b.py (other
styles: long scrubbed LLM-extractor sentences, terse detector-like lines).
Every type's phrasing patterns are split in two halves: "dev" (parameters
and prototypes were chosen there) and "test" (reported, never tuned on).

Representations (the space that decides clusters; centroids and catalog
keys stay in the embedder's fixed vectors):
- hash: hashing embedder; from 60 unique texts a per-submission TF-IDF of
  word uni/bigrams + character 3-5-grams (the default);
- char: the same with character n-grams only;
- minilm: MiniLM (NumPy, packaged weights) alone;
- minilm+tfidf: 50/50 blend of MiniLM and the TF-IDF space (MiniLM default);
- minilm+char: 50/50 blend of MiniLM and character n-grams.
"""

from __future__ import annotations

import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "corpus"))

import failure_corpus as corpus_a  # noqa: E402
import failure_corpus_b as corpus_b  # noqa: E402

from evaluator.cluster import ClusterParams, cluster_statements, default_params  # noqa: E402
from evaluator.models import FailureStatement  # noqa: E402
from evaluator.taxonomy import TAXONOMY  # noqa: E402

CORPORA = {"A": corpus_a, "B": corpus_b}
REPRESENTATIONS = ("hash", "char", "minilm", "minilm+tfidf", "minilm+char")
PER_TYPE = 120  # 2,160 statements per corpus and half


class CachingEmbedder:
    """Embeds each text once across settings; keeps time spent."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])


def params_for(rep: str, embedder_id: str) -> ClusterParams:
    p = default_params(embedder_id)
    if rep == "char" or rep == "minilm+char":
        return replace(p, idf_word_weight=0.0, idf_char_weight=1.0)
    if rep == "minilm":
        return replace(p, batch_idf=False)
    return p


def statements(corpus: list[tuple[str, str]], types: dict, mixed: bool) -> list[FailureStatement]:
    """free text: every statement uncoded; mixed: 70 % of in-taxonomy
    statements carry their code (as detectors emit them)."""
    out = []
    for text, kind in corpus:
        code = types[kind]["taxonomy"]
        if mixed and code and zlib.crc32(text.encode()) % 10 < 7:
            m = TAXONOMY[code]
            out.append(FailureStatement(code=code, category=m.category, text=m.statement))
        else:
            out.append(FailureStatement(code="NOVEL", category="Other", text=text))
    return out


def ari(corpus: list[tuple[str, str]], types: dict, embedder: Any, params, mixed: bool) -> float:
    st = statements(corpus, types, mixed)
    clusters = cluster_statements(st, embedder, params)
    pred = np.empty(len(st), dtype=int)
    for k, c in enumerate(clusters):
        pred[c.members] = k
    return round(float(adjusted_rand_score([y for _, y in corpus], pred)), 4)


def measure(embedders: dict[str, Any], reps=REPRESENTATIONS, settings=("free-text", "mixed")):
    rows = []
    for name, mod in CORPORA.items():
        for split in ("dev", "test"):
            corpus = mod.generate(PER_TYPE, seed=7, split=split)
            for rep in reps:
                emb = embedders["minilm" if rep.startswith("minilm") else "hash"]
                if emb is None:
                    continue
                for setting in settings:
                    rows.append(
                        {
                            "corpus": name,
                            "split": split,
                            "representation": rep,
                            "setting": setting,
                            "ari": ari(
                                corpus,
                                mod.TYPES,
                                emb,
                                params_for(rep, emb.id),
                                setting == "mixed",
                            ),
                        }
                    )
    return rows


def scale(embedder_name: str, n: int = 10_000) -> dict:
    """Embedding + clustering of ``n`` free-text statements (all patterns of
    corpus A), wall and CPU seconds, on this machine as it is."""
    import os

    from evaluator.embed import get_embedder

    per_type = -(-n // len(corpus_a.TYPES))
    corpus = corpus_a.generate(per_type, seed=11, split="all")[:n]
    st = statements(corpus, corpus_a.TYPES, mixed=False)
    emb = get_embedder(embedder_name)
    emb.embed(["warm-up: load the model before the clock starts"])
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    clusters = cluster_statements(st, emb)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    pred = np.empty(len(st), dtype=int)
    for k, c in enumerate(clusters):
        pred[c.members] = k
    return {
        "embedder": emb.id,
        "statements": len(st),
        "unique": len({s.text for s in st}),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "load_avg_before": round(load_before, 1),
        "cores": os.cpu_count(),
        "ari": round(float(adjusted_rand_score([y for _, y in corpus], pred)), 4),
    }

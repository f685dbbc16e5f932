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
- minilm+char: 50/50 blend of MiniLM and character n-grams;
- ``+r8`` (hash+r8, minilm+tfidf+r8, minilm+char+r8): the same with the
  eighth round's dev choice (``evaluator.cluster.round8_params``: scores
  smoothed over nearest texts, and for MiniLM the sentence paraphrase
  families, contrast texts, lower mapping / merge thresholds); opt-in,
  not a default (test B fell);
- ``+xs`` (minilm+tfidf+xs; opt-in, not in ``REPRESENTATIONS``): the code
  mapping of ``evaluator.code_model_xs`` (a classifier over the embedder's
  vectors and words, trained on the dev statements and the taxonomy's own
  prototypes / definitions; ``evaluator.cluster.xs_params``), chosen by
  ``xs_cv`` on the dev patterns only (twelfth round; test, once: A 0.696,
  B 0.627 free text; bench/diagnosis/xs-cv-round12.json).
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

from evaluator.cluster import (  # noqa: E402
    ClusterParams,
    cluster_statements,
    code_model_params,
    default_params,
    round8_params,
    xs_params,
)
from evaluator.models import FailureStatement  # noqa: E402
from evaluator.taxonomy import TAXONOMY  # noqa: E402

CORPORA = {"A": corpus_a, "B": corpus_b}
REPRESENTATIONS = (
    "hash",
    "hash+codes",
    "char",
    "minilm",
    "minilm+tfidf",
    "minilm+tfidf+codes",
    "minilm+char",
)
PER_TYPE = 120  # 2,160 statements per corpus and half
XS_FIELDS = ("code_model_threshold", "code_model_embed")  # what ``+xs`` adds


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
    if rep.endswith("+codes"):
        return code_model_params(embedder_id)
    if rep.endswith("+xs"):
        p = params_for(rep.removesuffix("+xs"), embedder_id)
        return replace(p, **{k: getattr(xs_params(embedder_id), k) for k in XS_FIELDS})
    if rep.endswith("+r8"):
        rep = rep.removesuffix("+r8")
        p = round8_params(embedder_id)
    else:
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


def scale(embedder_name: str, n: int = 10_000, code_model: bool = False, xs: str = "") -> dict:
    """Embedding + clustering of ``n`` free-text statements (all patterns of
    corpus A), wall and CPU seconds, on this machine as it is. With
    ``code_model``, the learned code mapping, its training included (the
    per-process cache is cleared before the clock starts). With ``xs``
    ("cold": training included, "warm": the model trained before the clock
    starts, as in a long-running worker), ``evaluator.cluster.xs_params``."""
    import os

    from evaluator.code_model import default_code_model
    from evaluator.code_model_xs import clear_cache, xs_code_model
    from evaluator.embed import get_embedder

    per_type = -(-n // len(corpus_a.TYPES))
    corpus = corpus_a.generate(per_type, seed=11, split="all")[:n]
    st = statements(corpus, corpus_a.TYPES, mixed=False)
    emb = get_embedder(embedder_name)
    emb.embed(["warm-up: load the model before the clock starts"])
    params = code_model_params(emb.id) if code_model else None
    default_code_model.cache_clear()
    clear_cache()
    if xs:
        params = xs_params(emb.id)
        if xs == "warm":
            xs_code_model(emb)
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    clusters = cluster_statements(st, emb, params)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    # the catalog step as the worker runs it (issue 19, fifth round: it
    # embeds the novel clusters' statements again for their exemplars):
    # a first submission into an empty catalog, then the same statements
    # again against the entries (and exemplars) it created
    from datetime import UTC, datetime

    from evaluator.catalog import match_catalog

    texts = [s.text for s in st]
    now = datetime(2026, 12, 7, tzinfo=UTC)
    t1 = time.perf_counter()
    first = match_catalog(clusters, [], emb.id, now, len(st), texts=texts, embed=emb.embed)
    match_catalog(clusters, first.updates, emb.id, now, len(st), texts=texts, embed=emb.embed)
    catalog_wall = time.perf_counter() - t1
    pred = np.empty(len(st), dtype=int)
    for k, c in enumerate(clusters):
        pred[c.members] = k
    return {
        "embedder": emb.id + ("+codes" if code_model else "") + (f"+xs ({xs})" if xs else ""),
        "statements": len(st),
        "unique": len({s.text for s in st}),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "catalog_wall_s": round(catalog_wall, 1),
        "load_avg_before": round(load_before, 1),
        "cores": os.cpu_count(),
        "ari": round(float(adjusted_rand_score([y for _, y in corpus], pred)), 4),
    }


# ---- ceiling (issue 19, second round) -------------------------------------------------------
CEILING_REPS = ("hash", "hash+codes", "minilm", "minilm+tfidf", "minilm+tfidf+codes")


def _space(rep: str, texts: list[str], protos: list[str], embedders: dict[str, Any]):
    """Unique texts and prototypes in a representation's deciding space
    (the per-submission TF-IDF space as ``cluster_statements`` builds it,
    blended with MiniLM at the representation's ``idf_blend``)."""
    from evaluator.cluster_space import batch_tfidf_space

    emb = embedders["minilm" if rep.startswith("minilm") else "hash"]
    p = params_for(rep, emb.id)
    sp, ps = batch_tfidf_space(texts, protos, p.idf_char_weight, p.idf_max_df, p.idf_word_weight)
    if rep.startswith("minilm"):
        m = embedders["minilm"]
        et, ep = m.embed(texts), m.embed(protos)
        if rep == "minilm":
            sp, ps = et, ep
        else:
            w = p.idf_blend
            sp = np.hstack([np.sqrt(w) * et, np.sqrt(1 - w) * sp])
            ps = np.hstack([np.sqrt(w) * ep, np.sqrt(1 - w) * ps])
    return sp.astype(np.float64), ps.astype(np.float64)


def ceiling(
    embedders: dict[str, Any], split: str, reps: tuple[str, ...] = CEILING_REPS
) -> list[dict]:
    """Where the free-text ARI is lost, per corpus and representation:

    - realised: the pipeline's free-text ARI; ``in_tax_coded_right`` /
      ``in_tax_uncoded``: shares of in-taxonomy statements the pipeline
      gave their own code, no code (the rest got another code);
      ``out_tax_coded``: out-of-taxonomy statements given a code;
    - oracle_codes_ari: the pipeline's clusters, but every in-taxonomy
      statement given its true code (what perfect code mapping would add);
    - pattern_code_top1: share of in-taxonomy phrasing patterns whose mean
      vector's nearest code (prototype score) is their own;
    - pattern_oracle_ari: phrasing patterns found exactly (oracle
      micro-clusters), each joining its nearest code from a threshold t,
      the others merged by average linkage at m; best (t, m) chosen on the
      split it is scored on: the upper bound of "cluster, then map clusters
      to codes" with these prototypes in this space.
    """
    from evaluator.cluster import _average_linkage, _normalise, _prototype_scores
    from evaluator.taxonomy import prototype_texts

    rows = []
    for name, mod in CORPORA.items():
        data = mod.generate_with_patterns(PER_TYPE, seed=7, split=split)
        corpus = [(t, k) for t, k, _ in data]
        y = [k for _, k in corpus]
        tax = {k: v["taxonomy"] for k, v in mod.TYPES.items()}
        codes_sorted = sorted({c for c in tax.values() if c})
        intax = [i for i in range(len(y)) if tax[y[i]]]
        outtax = [i for i in range(len(y)) if not tax[y[i]]]
        texts = sorted({t for t, _ in corpus})
        pos = {t: i for i, t in enumerate(texts)}
        for rep in reps:
            emb = embedders["minilm" if rep.startswith("minilm") else "hash"]
            if emb is None:
                continue
            st = statements(corpus, mod.TYPES, mixed=False)
            rep_params = params_for(rep, emb.id)
            pairs = prototype_texts(rep_params.sentence_prototypes)
            protos = [t for _, t in pairs]
            clusters = cluster_statements(st, emb, rep_params)
            pred = np.empty(len(st), dtype=int)
            code_of: list[str | None] = [None] * len(st)
            for k, c in enumerate(clusters):
                pred[c.members] = k
                for m in c.members:
                    code_of[m] = c.code
            oracle = pred.copy()
            for i in intax:
                oracle[i] = 1000 + codes_sorted.index(tax[y[i]])
            sp, ps = _space(rep, texts, protos, embedders)
            pats = sorted({(k, p) for _, k, p in data})
            pid = {kp: i for i, kp in enumerate(pats)}
            means = _normalise(
                np.stack([sp[[pos[t] for t, k, p in data if (k, p) == kp]].mean(0) for kp in pats])
            )
            in_pats = [i for i, (k, _) in enumerate(pats) if tax[k]]
            best: tuple[float, Any] = (-1.0, (0.0, 0.0))
            if rep.endswith("+codes"):
                # the learned mapping: a pattern's mean class probabilities
                from evaluator.code_model import default_code_model

                model = default_code_model()
                proba = model.proba(texts)
                pmean = np.stack(
                    [proba[[pos[t] for t, k, p in data if (k, p) == kp]].mean(0) for kp in pats]
                )
                best_code = [model.classes[j] for j in pmean.argmax(1)]
                best = (float("nan"), None)  # no prototype threshold to search
                codes, sims, top = [], np.zeros((0, 0)), np.zeros(0)
            else:
                codes, sims = _prototype_scores(means, ps, pairs)
                best_code = [codes[j] for j in sims.argmax(1)]
                top = sims.max(1)
            for t in np.linspace(top.min(), top.max() + 0.01, 25) if len(top) else []:
                coded = top >= t
                rest = np.where(~coded)[0]
                for m in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
                    lab = {int(i): 1000 + codes.index(best_code[i]) for i in np.where(coded)[0]}
                    if len(rest) > 1:
                        sub = _average_linkage(means[rest], m)
                    else:
                        sub = np.zeros(len(rest), dtype=int)
                    lab.update({int(i): int(s) for i, s in zip(rest, sub, strict=True)})
                    a = adjusted_rand_score(y, [lab[pid[(k, p)]] for _, k, p in data])
                    if a > best[0]:
                        best = (float(a), (round(float(t), 3), m))
            rows.append(
                {
                    "corpus": name,
                    "split": split,
                    "representation": rep,
                    "realised_ari": round(float(adjusted_rand_score(y, pred)), 4),
                    "in_tax_coded_right": round(
                        float(np.mean([code_of[i] == tax[y[i]] for i in intax])), 3
                    ),
                    "in_tax_uncoded": round(float(np.mean([code_of[i] is None for i in intax])), 3),
                    "out_tax_coded": round(
                        float(np.mean([code_of[i] is not None for i in outtax])), 3
                    ),
                    "oracle_codes_ari": round(float(adjusted_rand_score(y, oracle)), 4),
                    "pattern_code_top1": round(
                        float(np.mean([best_code[i] == tax[pats[i][0]] for i in in_pats])), 3
                    ),
                    "pattern_oracle_ari": None if best[1] is None else round(best[0], 4),
                    "pattern_oracle_at": best[1],
                }
            )
    return rows


# ---- learned code mapping (issue 19, third round) ---------------------------------------
# The training statements of evaluator/code_model.py: the dev phrasing
# patterns of both corpora, expanded with another seed than the figures'
# (7); the test patterns never enter.
TRAIN_SEED = 101
TRAIN_PER_TYPE = 60  # 15 statements per dev pattern and type
CODE_THRESHOLDS = (0.2, 0.3, 0.5)
CODE_CS = (16.0, 64.0)


def _label(mod: Any, kind: str) -> str:
    from evaluator.code_model import OUTSIDE

    return mod.TYPES[kind]["taxonomy"] or OUTSIDE


def dev_folds(mod: Any) -> tuple[set[int], set[int]]:
    """The dev pattern indices in two halves (the same for every type)."""
    idx = sorted({p for _, _, p in mod.generate_with_patterns(8, seed=0, split="dev")})
    return set(idx[: len(idx) // 2]), set(idx[len(idx) // 2 :])


def training_statements(patterns: dict[str, set[int]] | None = None) -> list[tuple[str, str]]:
    """(code or OUTSIDE, text) from the dev patterns of both corpora
    (``patterns``: per corpus, only these pattern indices)."""
    out = []
    for name, mod in CORPORA.items():
        for text, kind, p in mod.generate_with_patterns(TRAIN_PER_TYPE, TRAIN_SEED, "dev"):
            if patterns is None or p in patterns[name]:
                out.append((_label(mod, kind), text))
    return sorted(set(out))


def write_code_statements(path: Path) -> int:
    lines = [
        "# Labelled failure statements for evaluator/code_model.py (issue 19): CODE<TAB>text,",
        "# OUTSIDE = no taxonomy code describes it. Written by",
        "# `python bench/bench_diagnosis.py --write-code-statements` from the DEV phrasing",
        "# patterns of bench/corpus/failure_corpus.py and failure_corpus_b.py (seed "
        f"{TRAIN_SEED});",
        "# the test patterns, on which the figures are reported, are never in this file.",
    ]
    pairs = training_statements()
    lines += [f"{c}\t{t}" for c, t in pairs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pairs)


def _ari_with(corpus, types, emb, params, model, mixed: bool) -> float:
    st = statements(corpus, types, mixed)
    clusters = cluster_statements(st, emb, params, code_model=model)
    pred = np.empty(len(st), dtype=int)
    for k, c in enumerate(clusters):
        pred[c.members] = k
    return round(float(adjusted_rand_score([y for _, y in corpus], pred)), 4)


def code_model_grid() -> list[tuple[float, dict[str, Any]]]:
    """(C, ClusterParams overrides) tried by ``code_model_cv``: threshold,
    per-statement or per-micro-cluster decisions, the absorb step on or off
    (the classifier does its job), and the merge / noise similarity of the
    statements left to density clustering (fewer in-taxonomy ones reach it)."""
    out = []
    for c in CODE_CS:
        for thr in CODE_THRESHOLDS:
            for vote in (False, True):
                for absorb in (0.05, 0.0):
                    for merge in (0.05, 0.1, 0.15):
                        out.append(
                            (
                                c,
                                {
                                    "code_model_threshold": thr,
                                    "code_model_vote": vote,
                                    "idf_absorb_similarity": absorb,
                                    "idf_merge_similarity": merge,
                                    "idf_noise_similarity": merge,
                                },
                            )
                        )
    return out


def code_model_cv(
    embedders: dict[str, Any],
    reps: tuple[str, ...] = ("hash",),
    grid: list[tuple[float, dict[str, Any]]] | None = None,
) -> list[dict]:
    """Leave-patterns-out inside the dev half: the classifier is trained on
    one half of each type's dev patterns and scored (free-text ARI of the
    whole pipeline) on the dev statements of the other half, both ways;
    per representation, the setting with the best mean over both corpora
    and folds is the one to ship. The test half is not read. The last row
    per representation is the prototype mapping on the same folds."""
    from evaluator.code_model import CodeModel, CodeModelParams

    grid = grid if grid is not None else code_model_grid()
    folds = {name: dev_folds(mod) for name, mod in CORPORA.items()}
    models: dict[tuple[float, int], Any] = {}
    evals = {}
    for name, mod in CORPORA.items():
        data = mod.generate_with_patterns(PER_TYPE, seed=7, split="dev")
        for f in (0, 1):
            other = folds[name][1 - f]
            evals[(name, f)] = [(t, k) for t, k, p in data if p in other]
    rows = []
    for rep in reps:
        emb = embedders["minilm" if rep.startswith("minilm") else "hash"]
        if emb is None:
            continue
        base = params_for(rep, emb.id)
        for c, over in [*grid, (None, {"code_model_threshold": 0.0})]:
            per = {}
            for name, mod in CORPORA.items():
                scores = []
                for f in (0, 1):
                    model = None
                    if c is not None:
                        if (c, f) not in models:
                            pats = {n: folds[n][f] for n in CORPORA}
                            models[(c, f)] = CodeModel(
                                training_statements(pats), CodeModelParams(c=c)
                            )
                        model = models[(c, f)]
                    p = replace(base, **over)
                    scores.append(_ari_with(evals[(name, f)], mod.TYPES, emb, p, model, False))
                per[name] = float(np.mean(scores))
            rows.append(
                {
                    "representation": rep,
                    "c": c,
                    **over,
                    "A": round(per["A"], 4),
                    "B": round(per["B"], 4),
                    "mean": round((per["A"] + per["B"]) / 2, 4),
                }
            )
            print(f"  cv {rows[-1]}", flush=True)
    return rows


# ---- cross-style code mapping (issue 19, twelfth round) ---------------------------------
XS_GRID = (
    # (XSParams overrides, ClusterParams overrides); the last is shipped. A
    # subset of the 72 settings tried (feature weights, C 1-64, thresholds
    # 0.3-0.6, neighbour smoothing, remainder merge / absorb): every row in
    # bench/diagnosis/xs-cv-round12.json.
    ({"c": 8.0}, {"code_model_threshold": 0.3}),
    ({"c": 8.0}, {"code_model_threshold": 0.5}),
    ({"c": 32.0}, {"code_model_threshold": 0.5}),
    ({"c": 16.0}, {"code_model_threshold": 0.4}),
    ({"c": 16.0}, {"code_model_threshold": 0.6}),
    ({"c": 16.0}, {"code_model_threshold": 0.5}),
)


def xs_folds() -> list[tuple[str, dict[str, set[int]], dict[str, list[tuple[str, str]]]]]:
    """The dev-only folds: (name, training dev patterns per corpus, the
    statements scored per corpus). ``half0`` / ``half1``: trained on one
    half of each type's dev patterns of both corpora, scored on the other
    half (new phrasings, known styles); ``AtoB`` / ``BtoA``: trained on
    one corpus's dev patterns, scored on the other corpus's dev statements
    (style transfer). The test half is not read."""
    folds = {name: dev_folds(mod) for name, mod in CORPORA.items()}
    dev = {n: m.generate_with_patterns(PER_TYPE, seed=7, split="dev") for n, m in CORPORA.items()}
    out = []
    for f in (0, 1):
        out.append(
            (
                f"half{f}",
                {n: folds[n][f] for n in CORPORA},
                {n: [(t, k) for t, k, p in dev[n] if p in folds[n][1 - f]] for n in CORPORA},
            )
        )
    alldev = {n: folds[n][0] | folds[n][1] for n in CORPORA}
    out.append(("AtoB", {"A": alldev["A"]}, {"B": [(t, k) for t, k, _ in dev["B"]]}))
    out.append(("BtoA", {"B": alldev["B"]}, {"A": [(t, k) for t, k, _ in dev["A"]]}))
    return out


def xs_cv(embedder: Any, rep: str = "minilm+tfidf+xs", grid=XS_GRID) -> list[dict]:
    """Free-text ARI of the whole pipeline with ``evaluator.code_model_xs``
    on the ``xs_folds`` (dev patterns only), per grid setting: the mean
    over the two halves per corpus (halfA, halfB), the cross-corpus scores
    (xA: trained on B, scored on A; xB), and their mean."""
    from evaluator.code_model_xs import EmbeddingCodeModel, XSParams

    folds = xs_folds()
    rows = []
    for xs_over, over in grid:
        res = {}
        for fname, sel, evals in folds:
            pats: list[tuple[str, str]] = []
            for name, mod in CORPORA.items():
                if name in sel:
                    for text, kind, p in mod.generate_with_patterns(
                        TRAIN_PER_TYPE, TRAIN_SEED, "dev"
                    ):
                        if p in sel[name]:
                            pats.append((_label(mod, kind), text))
            model = EmbeddingCodeModel(sorted(set(pats)), embedder, XSParams(**xs_over))
            p = replace(params_for(rep, embedder.id), **over)
            for cn, corp in evals.items():
                res[(fname, cn)] = _ari_with(corp, CORPORA[cn].TYPES, embedder, p, model, False)
        row = {
            **{f"xs_{k}": v for k, v in xs_over.items()},
            **over,
            "halfA": (res[("half0", "A")] + res[("half1", "A")]) / 2,
            "halfB": (res[("half0", "B")] + res[("half1", "B")]) / 2,
            "xA": res[("BtoA", "A")],
            "xB": res[("AtoB", "B")],
        }
        row["mean"] = (row["halfA"] + row["halfB"] + row["xA"] + row["xB"]) / 4
        rows.append({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
        print(f"  xs cv {rows[-1]}", flush=True)
    return rows

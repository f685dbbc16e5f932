"""The cross-style code mapping (evaluator/code_model_xs.py, issue 19,
twelfth round): a classifier over the embedder's vectors and words,
trained on the dev statements and the taxonomy's own anchors; opt-in,
deterministic, and leaves today's parameters untouched."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from bench.diagnosis import corpora
from evaluator.cluster import (
    XS_OVERRIDES,
    ClusterParams,
    cluster_statements,
    code_model_params,
    default_params,
    xs_params,
)
from evaluator.code_model import OUTSIDE
from evaluator.code_model_xs import (
    EmbeddingCodeModel,
    XSParams,
    anchor_texts,
    clear_cache,
    xs_code_model,
)
from evaluator.embed import HashingEmbedder
from evaluator.models import FailureStatement
from evaluator.taxonomy import TAXONOMY

TOY = [
    ("MAST-1.3", "called the same endpoint again with identical arguments"),
    ("MAST-1.3", "repeated the identical request several times"),
    ("MAST-1.3", "duplicate call loop on the same tool"),
    ("ARENA-EMPTY", "the final answer was empty"),
    ("ARENA-EMPTY", "returned an empty response with no content"),
    ("ARENA-EMPTY", "blank answer, nothing written"),
    (OUTSIDE, "reported fahrenheit although celsius was asked"),
    (OUTSIDE, "temperature given in the wrong unit"),
    (OUTSIDE, "kelvin instead of celsius in the answer"),
]


def _toy_model(**over) -> tuple[EmbeddingCodeModel, HashingEmbedder]:
    emb = HashingEmbedder()
    params = XSParams(prototypes=False, definitions=False, **over)
    return EmbeddingCodeModel(TOY, emb, params), emb


def test_defaults_and_existing_params_are_unchanged() -> None:
    assert ClusterParams().code_model_embed is False
    for eid in ("hash-v1-d1024-c0.7", "minilm-l6-v2"):
        assert default_params(eid).code_model_embed is False
        assert code_model_params(eid).code_model_embed is False
        xs = xs_params(eid)
        assert xs == replace(default_params(eid), **XS_OVERRIDES)
        assert xs.code_model_embed and xs.code_model_threshold > 0
    # the corpora's +xs representation changes only the code-mapping fields
    base, xs = (
        corpora.params_for("minilm+tfidf", "minilm-l6-v2"),
        corpora.params_for("minilm+tfidf+xs", "minilm-l6-v2"),
    )
    changed = {
        f.name for f in fields(ClusterParams) if getattr(base, f.name) != getattr(xs, f.name)
    }
    assert changed == set(corpora.XS_FIELDS)
    assert "minilm+tfidf+xs" not in corpora.REPRESENTATIONS  # opt-in only


def test_anchor_texts_cover_every_code_with_its_definition() -> None:
    anchors = anchor_texts(XSParams())
    for code, m in TAXONOMY.items():
        assert (code, m.statement) in anchors and (code, m.description) in anchors
    assert {c for c, _ in anchors} == set(TAXONOMY)
    plain = anchor_texts(XSParams(sentence_prototypes=False, definitions=False))
    assert set(plain) < set(anchors)
    assert anchor_texts(XSParams(prototypes=False, definitions=False)) == []


def test_toy_model_maps_codes_and_abstains() -> None:
    model, emb = _toy_model()
    assert set(model.classes) == {"MAST-1.3", "ARENA-EMPTY", OUTSIDE}
    texts = [
        "called the same endpoint again with identical arguments",
        "the final answer was empty",
        "reported fahrenheit although celsius was asked",
    ]
    vecs = emb.embed(texts)
    assert model.assign(texts, vecs, 0.0) == ["MAST-1.3", "ARENA-EMPTY", None]
    assert model.assign(texts, vecs, 1.01) == [None, None, None]  # unsure: uncoded
    assert model.assign([], vecs[:0], 0.5) == []
    proba = model.proba(texts, vecs)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(1), 1.0)


def test_training_is_deterministic_and_reads_the_vectors() -> None:
    a, emb = _toy_model()
    b, _ = _toy_model()
    texts = ["identical request repeated", "nothing in the answer"]
    vecs = emb.embed(texts)
    assert np.array_equal(a.proba(texts, vecs), b.proba(texts, vecs))
    # vectors only: the prediction follows the vectors handed in
    only, _ = _toy_model(lex_weight=0.0)
    swapped = only.proba(texts, vecs[::-1])
    assert np.array_equal(swapped, only.proba(texts[::-1], vecs[::-1]))


def test_clustering_uses_the_model_only_when_switched_on() -> None:
    model, emb = _toy_model()
    texts = [
        "called the same endpoint again with identical arguments",
        "repeated the identical request several times",
        "the final answer was empty",
        "blank answer, nothing written",
        "reported fahrenheit although celsius was asked",
    ]
    st = [FailureStatement(code="NOVEL", category="Other", text=t) for t in texts]
    params = replace(default_params(emb.id), use_contrast=False, **XS_OVERRIDES)
    params = replace(params, code_model_threshold=0.3)
    clusters = cluster_statements(st, emb, params, code_model=model)
    by_code = {c.code: c.members for c in clusters if c.code}
    assert by_code == {"MAST-1.3": [0, 1], "ARENA-EMPTY": [2, 3]}
    assert any(c.code is None and c.members == [4] for c in clusters)


def test_shipped_model_is_cached_per_embedder() -> None:
    clear_cache()
    emb = HashingEmbedder()
    small = XSParams(sentence_prototypes=False, definitions=False)
    first = xs_code_model(emb, small)
    assert xs_code_model(emb, small) is first
    assert first.embedder_id == emb.id
    texts = ["The agent called the same endpoint again and again with identical arguments"]
    assert first.assign(texts, emb.embed(texts), 0.0) == ["MAST-1.3"]
    clear_cache()

"""The learned code mapping (evaluator/code_model.py, issue 19): trained on
the dev patterns of the benchmark corpora only, deterministic, and used by
the clustering when switched on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bench.diagnosis import corpora
from evaluator.cluster import cluster_statements, default_params
from evaluator.code_model import (
    DATA_FILE,
    OUTSIDE,
    CodeModel,
    CodeModelParams,
    default_code_model,
    read_statements,
)
from evaluator.embed import get_embedder
from evaluator.models import FailureStatement
from evaluator.taxonomy import TAXONOMY


def test_shipped_statements_are_the_dev_patterns_and_never_the_test_ones() -> None:
    shipped = read_statements()
    assert shipped == corpora.training_statements()  # regenerated = committed
    texts = {t for _, t in shipped}
    for mod in corpora.CORPORA.values():
        test = {t for t, _ in mod.generate(120, seed=7, split="test")}
        test |= {t for t, _ in mod.generate(60, seed=corpora.TRAIN_SEED, split="test")}
        assert not texts & test
    assert {c for c, _ in shipped} <= set(TAXONOMY) | {OUTSIDE}


def test_unknown_codes_in_the_training_file_are_refused(tmp_path) -> None:
    bad = tmp_path / "s.tsv"
    bad.write_text("# comment\nMAST-9.9\tsomething\n", encoding="utf-8")
    with pytest.raises(ValueError, match="MAST-9.9"):
        read_statements(bad)
    assert DATA_FILE.exists()


def test_model_is_deterministic_and_maps_clear_statements() -> None:
    model = default_code_model()
    texts = [
        "The agent called the same endpoint again and again with identical arguments",
        "The final answer was empty",
        "Reported the temperature in degrees Fahrenheit although Celsius was asked",
    ]
    labels, _ = model.predict(texts)
    assert labels[0] == "MAST-1.3"
    assert labels[1] == "ARENA-EMPTY"
    assert labels[2] == OUTSIDE  # unit confusion: no taxonomy code describes it
    again = CodeModel(read_statements(), CodeModelParams())
    assert np.array_equal(again.proba(texts), model.proba(texts))
    assigned = model.assign(texts, threshold=0.0)
    assert assigned[2] is None and assigned[0] == "MAST-1.3"
    # a threshold above every probability maps nothing
    assert model.assign(texts, threshold=1.01) == [None, None, None]


def test_group_decision_is_shared_by_the_group() -> None:
    model = default_code_model()
    texts = [
        "The agent called the same endpoint again and again with identical arguments",
        "identical request repeated",
        "Reported the value in the wrong unit",
    ]
    groups = np.array([0, 0, -1])
    out = model.assign_groups(texts, groups, np.ones(3), threshold=0.0)
    assert out[0] == out[1] == "MAST-1.3"
    assert out[2] is None


def test_clustering_uses_the_code_model_when_switched_on() -> None:
    emb = get_embedder("hash")
    texts = [
        "The agent called the same endpoint again and again with identical arguments",
        "The agent kept re-sending one identical query in a loop",
        "Reported the temperature in degrees Fahrenheit although Celsius was asked",
        "The value was given in kW although the data was in tons",
    ]
    st = [FailureStatement(code="NOVEL", category="Other", text=t) for t in texts]
    on = replace(default_params(emb.id), code_model_threshold=0.2)
    off = replace(on, code_model_threshold=0.0, use_prototypes=False)
    coded = {c.code for c in cluster_statements(st, emb, on)}
    assert "MAST-1.3" in coded
    assert {c.code for c in cluster_statements(st, emb, off)} == {None}
    # an explicit model replaces the shipped one
    only_outside = CodeModel(
        [(OUTSIDE, t) for t in texts] + [("MAST-1.3", "x y z")],
        CodeModelParams(prototypes=False),
    )
    assert {c.code for c in cluster_statements(st, emb, on, code_model=only_outside)} == {None}


def test_veto_keeps_prototype_codes_off_outside_statements() -> None:
    emb = get_embedder("hash")
    texts = ["final answer was empty", "agent returned nothing as its answer"]
    st = [FailureStatement(code="NOVEL", category="Other", text=t) for t in texts]
    protos = default_params(emb.id)
    assert "ARENA-EMPTY" in {c.code for c in cluster_statements(st, emb, protos)}
    # a model that calls everything OUTSIDE vetoes the prototypes' code
    outside = CodeModel(
        [(OUTSIDE, t) for t in texts] + [("MAST-1.3", "x y z")],
        CodeModelParams(prototypes=False),
    )
    veto = replace(protos, code_model_veto=True, idf_absorb_similarity=0.0, absorb_similarity=0.0)
    assert {c.code for c in cluster_statements(st, emb, veto, code_model=outside)} == {None}

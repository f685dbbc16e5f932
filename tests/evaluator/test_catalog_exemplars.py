"""Catalog exemplars (issue 19): a novel entry keeps a few scrubbed,
placeholder-free statements; a reworded sighting of the same failure is
re-identified by them; an ambiguous one (two entries as close) is not; and
nothing of a scenario (canary, task text, asset names, numbers) is ever
kept."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from evaluator_factories import CANARY, honest_calls, number_scenario, run_of

from evaluator import extract_failures, score_run
from evaluator.catalog import exemplar_text, match_catalog
from evaluator.cluster import StatementCluster
from evaluator.embed import get_embedder
from evaluator.scrub import is_clean
from hidden_scenarios.schema import CANARY_RE

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)

SIGN_FIRST = [
    "The agent reported the result with the opposite sign.",
    "The agent flipped the sign of the computed number in the reply.",
    "The model returned a sign-reversed reading instead of the one it retrieved.",
    "It inverted the sign of the retrieved figure before answering.",
]
SIGN_AGAIN = [
    "The reported number is the negation of what the readings show, wrong sign.",
    "Magnitude fine, sign reversed: the figure in the reply has the opposite sign.",
    "The answer has the right magnitude but the wrong sign, reversed polarity.",
    "The returned quantity is negative although the readings are positive: sign flipped.",
    "Sign reversed in the reply: minus where the data has a positive figure.",
]
PAGE_FIRST = [
    "The agent computed the result from the first page and never fetched the other pages.",
    "It requested a tiny page size and stopped after one page.",
    "The model aggregated only the first page of readings as if it were everything.",
]


def _cluster(vecs: np.ndarray, members: list[int]) -> StatementCluster:
    c = vecs[members].mean(axis=0)
    return StatementCluster(
        members=members,
        centroid=(c / np.linalg.norm(c)).astype(np.float32),
        code=None,
        category="Other",
        label="x",
        terms=[],
    )


def test_reworded_failure_is_reidentified_by_exemplars_not_by_centroid() -> None:
    """At a floor below the shipped hashing one (the mechanism; the shipped
    values are chosen by the benchmarks)."""
    emb = get_embedder("hash")
    texts = SIGN_FIRST + PAGE_FIRST + SIGN_AGAIN
    vecs = emb.embed(texts)
    sign, page = _cluster(vecs, [0, 1, 2, 3]), _cluster(vecs, [4, 5, 6])
    first = match_catalog([sign, page], [], emb.id, T0, len(texts), texts=texts, embed=emb.embed)
    sign_key = first.cluster_keys[0]
    entry = next(e for e in first.updates if e.key == sign_key)
    assert entry.exemplars and set(entry.exemplars) <= set(SIGN_FIRST)
    again = _cluster(vecs, [7, 8, 9, 10, 11])
    assert float(np.dot(again.centroid, entry.centroid)) < 0.70  # below MATCH_SIMILARITY
    plain = match_catalog([again], first.updates, emb.id, T1, len(texts))
    assert plain.cluster_keys[0] not in {sign_key, first.cluster_keys[1]}
    # hashing keeps exemplars but, as shipped, does not match by them
    shipped = match_catalog(
        [again], first.updates, emb.id, T1, len(texts), texts=texts, embed=emb.embed
    )
    assert shipped.cluster_keys[0] not in {sign_key, first.cluster_keys[1]}
    kw = {"texts": texts, "embed": emb.embed, "exemplar_match": 0.25, "exemplar_margin": 0.1}
    m = match_catalog([again], first.updates, emb.id, T1, len(texts), **kw)
    assert m.cluster_keys == [sign_key]
    # the same cluster, when its best entry does not lead by the margin: new entry
    strict = dict(kw, exemplar_margin=0.5)
    assert match_catalog([again], first.updates, emb.id, T1, len(texts), **strict).cluster_keys[
        0
    ] not in {sign_key, first.cluster_keys[1]}
    updated = next(e for e in m.updates if e.key == sign_key)
    # the first sighting's exemplars stay as they were (no drift)
    assert updated.submissions == 2 and updated.exemplars == entry.exemplars


def test_an_ambiguous_cluster_opens_a_new_entry() -> None:
    """Two entries with the same exemplars: no margin, so no match (the
    same cluster against one of them alone does match)."""
    emb = get_embedder("hash")
    texts = SIGN_FIRST + SIGN_FIRST + SIGN_AGAIN
    vecs = emb.embed(texts)
    first = match_catalog(
        [_cluster(vecs, [0, 1, 2, 3])], [], emb.id, T0, 4, texts=texts, embed=emb.embed
    )
    twin = first.updates[0].model_copy(update={"key": first.updates[0].key + "b"})

    def match_again(catalog: list) -> list[str]:
        return match_catalog(
            [_cluster(vecs, [8, 9, 10, 11, 12])],
            catalog,
            emb.id,
            T1,
            13,
            texts=texts,
            embed=emb.embed,
            exemplar_match=0.25,
            exemplar_margin=0.1,
        ).cluster_keys

    catalog = [first.updates[0], twin]
    assert match_again(catalog)[0] not in {e.key for e in catalog}
    assert match_again([first.updates[0]]) == [first.updates[0].key]


def test_exemplar_text_keeps_only_statements_with_nothing_of_a_scenario() -> None:
    assert exemplar_text("The agent reported the result with the opposite sign.") is not None
    for leaky in (
        f"The agent leaked {CANARY} into the answer with the wrong sign.",
        "The agent reported 42.5 with the wrong sign for Chiller 6.",
        "The agent flipped the sign of the value on 2020-04-11.",
        "The answer quoted 'average tonnage over the week' with the wrong sign.",
        "Sign flipped",  # too short to say anything
    ):
        assert exemplar_text(leaky) is None, leaky


def test_catalog_exemplars_never_hold_a_canary_or_scenario_text() -> None:
    """Statements proposed for many failed runs whose reviewer quotes the
    canary, the task and the asset: whatever the catalog keeps is clean."""
    emb = get_embedder("hash")
    s = number_scenario()
    reply = (
        '{"additional_failure_modes": ['
        '{"title": "Sign flipped", "description": "The agent reported %s with the opposite '
        'sign for Chiller 6 (%s)."},'
        '{"title": "Sign inverted", "description": "The agent inverted the sign of the '
        'retrieved figure before answering."}]}'
    )
    statements = []
    for i, answer in enumerate([f"{CANARY} -420.0 tons", "-420.0 tons", "-419 tons"] * 3):
        run = run_of(s, answer, honest_calls())
        statements += extract_failures(
            s,
            run,
            score_run(s, run),
            llm_model="openai/x",
            mock_response=reply % (f"-{420 + i}.0", s.text if i % 2 else CANARY),
        )
    texts = [f.text for f in statements]
    vecs = emb.embed(texts)
    novel = [i for i, f in enumerate(statements) if f.code == "NOVEL"]
    assert len(novel) >= 6
    m = match_catalog(
        [_cluster(vecs, novel)], [], emb.id, T0, len(texts), texts=texts, embed=emb.embed
    )
    kept = [t for e in m.updates for t in e.exemplars]
    assert kept  # the clean statement is kept
    for t in kept:
        assert CANARY not in t and not CANARY_RE.search(t) and "CANARY" not in t
        assert is_clean(t, scenario_texts=[s.text])
        assert "Chiller" not in t and "420" not in t and "<" not in t

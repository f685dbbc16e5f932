"""Embedding, clustering and catalog matching (default hashing embedder)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from evaluator.catalog import match_catalog
from evaluator.cluster import (
    StatementCluster,
    cluster_statements,
    ctfidf_terms,
    default_params,
)
from evaluator.embed import HashingEmbedder, get_embedder, normalise_statement
from evaluator.models import CatalogEntry, FailureStatement
from evaluator.taxonomy import TAXONOMY

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)

UNIT = [
    "The agent mixed up kilowatt units with tons when reporting",
    "Unit conversion mistake: kilowatt figures reported as tons",
    "Reported a kilowatt value in tons, wrong unit conversion",
    "Wrong unit conversion from kilowatt to tons in the answer",
    "Confused kilowatt and tons units in the final figure",
    "Agent applied no unit conversion, kilowatt shown as tons",
]
TZ = [
    "Timestamps read as UTC although the plant logs local time zone",
    "Time zone offset error: local timestamps treated as UTC",
    "Mixed up UTC and local time zone for alarm timestamps",
    "Agent assumed UTC time zone for local plant timestamps",
    "Local time zone timestamps misread as UTC shifting results",
    "UTC versus local time zone confusion in timestamps",
]


def novel(texts: list[str]) -> list[FailureStatement]:
    return [FailureStatement(code="NOVEL", category="Other", text=t) for t in texts]


def coded(code: str, n: int) -> list[FailureStatement]:
    m = TAXONOMY[code]
    return [FailureStatement(code=code, category=m.category, text=m.statement)] * n


def test_hashing_embedder_is_fit_free_and_deterministic() -> None:
    a = HashingEmbedder().embed(["Agent repeated the same call", "unit mix-up"])
    b = HashingEmbedder().embed(["Agent repeated the same call", "unit mix-up"])
    assert np.array_equal(a, b)
    assert a.shape == (2, 1024) and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # The vector of a text does not depend on what else is in the batch.
    c = HashingEmbedder().embed(["Agent repeated the same call"])
    assert np.allclose(a[0], c[0])
    assert normalise_statement("The agent repeated repeating calls") == "repeat repeat call"


def test_tiny_inputs_and_empty() -> None:
    emb = get_embedder()
    assert cluster_statements([], emb) == []
    one = cluster_statements(novel(["only one statement here"]), emb)
    assert len(one) == 1 and one[0].members == [0]
    two = cluster_statements(novel([UNIT[0], TZ[0]]), emb)
    assert sorted(len(c.members) for c in two) == [1, 1]


def test_codes_group_and_novel_types_separate() -> None:
    st = coded("MAST-1.3", 7) + novel(UNIT + TZ) + coded("ARENA-TIMEOUT", 3)
    clusters = cluster_statements(st, get_embedder())
    by_code = {c.code: c for c in clusters if c.code}
    assert len(by_code["MAST-1.3"].members) == 7
    assert len(by_code["ARENA-TIMEOUT"].members) == 3
    novel_clusters = [c for c in clusters if c.code is None]
    groups = [{st[i].text for i in c.members} for c in novel_clusters]
    assert set(UNIT) in groups and set(TZ) in groups, groups
    labels = " ".join(c.label for c in novel_clusters)
    assert "unit" in labels or "kilowatt" in labels


def test_clustering_is_deterministic_and_order_free() -> None:
    st = novel(UNIT + TZ) + coded("MAST-2.2", 2)
    a = cluster_statements(st, get_embedder())
    b = cluster_statements(list(st), get_embedder())
    assert [(c.members, c.label) for c in a] == [(c.members, c.label) for c in b]


def test_ctfidf_labels() -> None:
    terms = ctfidf_terms(
        [["unit conversion kilowatt", "unit mix-up"], ["time zone utc", "zone offset"]]
    )
    assert "unit" in terms[0] and "zone" in terms[1]


def test_catalog_recurring_failure_keeps_key_across_submissions() -> None:
    emb = get_embedder()
    first = cluster_statements(novel(UNIT + TZ) + coded("MAST-1.3", 4), emb)
    m1 = match_catalog(first, [], emb.id, T0, 16)
    assert all(e.first_seen == T0 for e in m1.updates)
    assert {e.status for e in m1.updates if e.code} == {"known"}
    assert {e.status for e in m1.updates if not e.code} == {"emerging"}
    unit_cluster = next(c for c in first if c.members == list(range(len(UNIT))))
    unit_key = next(
        e.key for e in m1.updates if np.allclose(e.centroid, unit_cluster.centroid, atol=1e-5)
    )
    # Second submission: other phrasings of the same unit failure.
    again = [
        "Agent confused kilowatt with tons, a unit conversion error",
        "Kilowatt readings reported in tons: wrong unit conversion",
        "Wrong unit conversion turned kilowatt into tons",
    ]
    second = cluster_statements(novel(again) + coded("MAST-1.3", 2), emb)
    m2 = match_catalog(second, m1.updates, emb.id, T1, 5)
    keys = {s.key for s in m2.summaries}
    assert unit_key in keys and "fc-mast-1.3" in keys
    updated = {e.key: e for e in m2.updates}
    assert updated[unit_key].first_seen == T0 and updated[unit_key].last_seen == T1
    assert updated[unit_key].submissions == 2
    assert updated["fc-mast-1.3"].total_count == 6
    # A different failure does not collapse onto it.
    other = cluster_statements(novel(TZ[:3]), emb)
    m3 = match_catalog(other, m1.updates, emb.id, T1, 3)
    assert unit_key not in {s.key for s in m3.summaries}


def _entry(key: str, centroid: list[float]) -> CatalogEntry:
    return CatalogEntry(
        key=key,
        label=key,
        category="Other",
        centroid=centroid,
        embedder_id="hash-test",
        first_seen=T0,
        total_count=10,
        submissions=1,
    )


def _novel_cluster(members: list[int], centroid: list[float]) -> StatementCluster:
    v = np.asarray(centroid, dtype=np.float64)
    return StatementCluster(
        members=members, centroid=v / np.linalg.norm(v), code=None, category="Other", label="x"
    )


def test_catalog_two_phrasings_of_one_failure_share_its_entry() -> None:
    """Two clusters of one submission closest to the same entry both go to it
    (one summary, counts added), instead of the runner-up taking a similar but
    different failure's entry."""
    catalog = [_entry("fc-unit", [1.0, 0.0, 0.0]), _entry("fc-tz", [0.7, 0.714, 0.0])]
    clusters = [_novel_cluster([0, 1, 2], [1.0, 0.0, 0.0]), _novel_cluster([3, 4], [0.95, 0.31, 0])]
    m = match_catalog(clusters, catalog, "hash-test", T1, 5, match_similarity=0.6)
    assert m.cluster_keys == ["fc-unit", "fc-unit"]
    assert [(s.key, s.count) for s in m.summaries] == [("fc-unit", 5)]
    entry = next(e for e in m.updates if e.key == "fc-unit")
    assert entry.submissions == 2 and entry.total_count == 15
    # Below the threshold nothing matches: a new emerging entry.
    far = match_catalog([_novel_cluster([0], [0, 0, 1.0])], catalog, "hash-test", T1, 1)
    assert far.cluster_keys[0] not in {"fc-unit", "fc-tz"}


def test_catalog_ignores_centroids_from_another_embedder() -> None:
    emb = get_embedder()
    first = cluster_statements(novel(UNIT), emb)
    m1 = match_catalog(first, [], "some-other-embedder", T0, len(UNIT))
    m2 = match_catalog(first, m1.updates, emb.id, T1, len(UNIT))
    assert {s.key for s in m2.summaries}.isdisjoint({e.key for e in m1.updates})


def test_optional_llm_naming_keeps_keys_and_scrubs() -> None:
    from evaluator.naming import name_clusters

    emb = get_embedder()
    st = novel(UNIT) + coded("MAST-1.3", 2)
    plain = cluster_statements(st, emb)
    named = name_clusters(
        cluster_statements(st, emb),
        st,
        model="openai/x",
        mock_response='{"title": "Unit confusion in Chiller 6 CANARY-0123456789abcdef"}',
    )
    novel_named = [c for c in named if c.code is None]
    assert novel_named and all("Unit confusion" in c.label for c in novel_named)
    assert all("CANARY" not in c.label and "Chiller 6" not in c.label for c in novel_named)
    assert next(c for c in named if c.code).label == TAXONOMY["MAST-1.3"].label
    keys_plain = {s.key for s in match_catalog(plain, [], emb.id, T0, len(st)).summaries}
    keys_named = {s.key for s in match_catalog(named, [], emb.id, T0, len(st)).summaries}
    assert keys_plain == keys_named
    broken = name_clusters(cluster_statements(st, emb), st, model="openai/x", mock_response="nope")
    assert [c.label for c in broken] == [c.label for c in plain]


def test_batch_idf_space_separates_types_that_share_boilerplate() -> None:
    """Large batches: shared boilerplate (prefixes/suffixes) is down-weighted
    by the submission's document frequencies, so two failure types phrased
    with the same boilerplate still separate; centroids stay in the
    embedder's fixed space (same vector as embedding the members)."""
    boiler = ["", "Issue - ", "Observed: "]
    tails = ["", ", which hurt the result.", " during the run."]
    unit = ["kilowatt reported as tons", "wrong unit conversion of kW", "tons and kW mixed up"]
    tz = [
        "UTC read as local time",
        "time zone offset shifted timestamps",
        "local time taken as UTC",
    ]
    texts = {
        kind: [
            f"{b}The agent: {p}{t} (case {w})"
            for b in boiler
            for p in pats
            for t in tails
            for w in ("alpha", "beta", "gamma", "delta", "omega")
        ]
        for kind, pats in (("unit", unit), ("tz", tz))
    }
    st = novel(texts["unit"] + texts["tz"])
    assert len({s.text for s in st}) >= default_params("hash").idf_min_texts
    emb = get_embedder()
    clusters = cluster_statements(st, emb)
    n_unit = len(texts["unit"])
    for c in clusters:
        kinds = {"unit" if i < n_unit else "tz" for i in c.members}
        assert len(kinds) == 1, c.label
    biggest = {("unit" if c.members[0] < n_unit else "tz"): c for c in clusters}
    assert all(len(c.members) >= 20 for c in biggest.values())
    c = clusters[0]
    mean = emb.embed([st[i].text for i in c.members]).astype(np.float64).mean(0)
    assert np.allclose(c.centroid, mean / np.linalg.norm(mean), atol=1e-5)

"""Catalog re-identification when two views agree (issue 19, sixth round):
a novel cluster below the centroid threshold whose statements are closest
to an entry's exemplars, but by less than the exemplar margin, still joins
that entry when the entry is also the one its centroid is nearest to
(MiniLM); not when the centroid points elsewhere, and never with hashing."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from evaluator.catalog import EXEMPLAR_AGREE_MARGIN, EXEMPLAR_MARGIN, match_catalog
from evaluator.cluster import StatementCluster
from evaluator.models import CatalogEntry

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MINILM = "minilm-l6-v2"


def _u(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


# The cluster's statements all sit at e0. Entry A's exemplar scores 0.62
# against them, B's 0.58: A leads by 0.04, under the 0.10 exemplar margin.
M = _u(1, 0, 0, 0)
EX_A = _u(0.62, np.sqrt(1 - 0.62**2), 0, 0)
EX_B = _u(0.58, 0, np.sqrt(1 - 0.58**2), 0)
NEAR = _u(0.60, 0, 0, 0.80)  # centroid cosine 0.60: no match by centroid
FAR = _u(0.50, 0, 0, np.sqrt(0.75))
VECS = {"ex a": EX_A, "ex b": EX_B, **{f"m{i}": M for i in range(5)}}
TEXTS = [f"m{i}" for i in range(5)]


def embed(texts: list[str]) -> np.ndarray:
    return np.stack([VECS[t] for t in texts]).astype(np.float32)


def _entry(key: str, centroid: np.ndarray, exemplar: str, embedder_id: str) -> CatalogEntry:
    return CatalogEntry(
        key=key,
        label="x",
        category="Other",
        centroid=[float(v) for v in centroid],
        embedder_id=embedder_id,
        first_seen=T0,
        total_count=5,
        submissions=1,
        exemplars=[exemplar],
    )


def _match(a_centroid, b_centroid, embedder_id: str = MINILM, **kw) -> str:
    catalog = [
        _entry("fc-na", a_centroid, "ex a", embedder_id),
        _entry("fc-nb", b_centroid, "ex b", embedder_id),
    ]
    cluster = StatementCluster(
        members=list(range(5)),
        centroid=M.astype(np.float32),
        code=None,
        category="Other",
        label="y",
        terms=[],
    )
    m = match_catalog([cluster], catalog, embedder_id, T0, 5, texts=TEXTS, embed=embed, **kw)
    return m.cluster_keys[0]


def test_shipped_values() -> None:
    assert EXEMPLAR_AGREE_MARGIN["minilm"] is not None
    assert EXEMPLAR_AGREE_MARGIN["minilm"] < EXEMPLAR_MARGIN["minilm"]
    assert EXEMPLAR_AGREE_MARGIN["hash"] is None


def test_small_exemplar_lead_joins_when_the_centroid_agrees() -> None:
    assert _match(NEAR, FAR) == "fc-na"


def test_small_exemplar_lead_alone_is_not_enough() -> None:
    # agreement switched off: the lead is under the margin, a new entry
    assert _match(NEAR, FAR, exemplar_agree_margin=-1.0) not in {"fc-na", "fc-nb"}
    # the centroid is nearer the runner-up: the views disagree, a new entry
    assert _match(FAR, NEAR) not in {"fc-na", "fc-nb"}


def test_hashing_does_not_match_by_agreement() -> None:
    assert _match(NEAR, FAR, embedder_id="hash-v1-d4") not in {"fc-na", "fc-nb"}

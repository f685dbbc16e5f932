"""Catalog exemplars on the real database (issue 19): migration 0006 adds
``failure_clusters.exemplars``; the store writes an entry's exemplars and
the worker reads them back into the evaluator's catalog, unchanged."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from arena_api_env import create_database, truncate  # noqa: E402

from evaluator.models import CatalogEntry  # noqa: E402
from services.store.catalog import lock_catalog, upsert_entries  # noqa: E402
from services.store.db import session_factory  # noqa: E402

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def test_exemplars_round_trip_through_the_store() -> None:
    url = create_database()
    truncate(url)
    from worker.pipeline import _catalog

    exemplars = [
        "The agent reported the result with the opposite sign.",
        "It inverted the sign of the retrieved figure before answering.",
    ]
    entry = CatalogEntry(
        key="fc-ntest000001",
        label="sign / inverted / result",
        category="Other",
        centroid=[0.6, 0.8],
        embedder_id="minilm-l6-v2",
        first_seen=NOW,
        last_seen=NOW,
        total_count=4,
        submissions=1,
        exemplars=exemplars,
    )
    coded = CatalogEntry(
        key="fc-mast-1.3",
        label="Step repetition",
        category="Other",
        code="MAST-1.3",
        centroid=[1.0, 0.0],
        embedder_id="minilm-l6-v2",
        first_seen=NOW,
        total_count=2,
        submissions=1,
    )
    factory = session_factory(url)
    with factory.begin() as session:
        lock_catalog(session)
        upsert_entries(session, [entry, coded], NOW)
    with factory() as session:
        got = {e.key: e for e in _catalog(session)}
    assert got["fc-ntest000001"].exemplars == exemplars
    assert got["fc-mast-1.3"].exemplars == []

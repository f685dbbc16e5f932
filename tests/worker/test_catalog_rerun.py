"""Re-runs and the failure-cluster catalog (issue 19, part 4), on the real
database, without Docker: an admin re-run takes back what the submission
added to the catalog before its clusters are written again, so the counts
do not grow and every cluster keeps its catalog key."""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evaluator"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

import arena_archives as archives  # noqa: E402
from arena_api_env import (  # noqa: E402
    World,
    auth,
    finished_submission,
    make_settings,
    seed,
    truncate,
    utcnow,
)
from evaluator_factories import number_scenario, run_of  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import delete, select, update  # noqa: E402

from evaluator.models import FailureStatement  # noqa: E402
from services.settings import Settings  # noqa: E402
from services.store.db import session_factory  # noqa: E402
from services.store.models import (  # noqa: E402
    FailureCluster,
    Submission,
    SubmissionCluster,
    SubmissionScore,
)

pytestmark = pytest.mark.integration

NOVEL_TEXTS = [
    "The agent confused kilowatts with tons of refrigeration in the answer",
    "Agent reported the value in the wrong unit, tons instead of kilowatts",
    "Unit mix-up: kilowatts and tons of refrigeration were confused",
    "The answer gave kilowatts where tons of refrigeration were measured",
]


@pytest.fixture
def settings(pg_url: str, tmp_path: Path) -> Settings:
    truncate(pg_url)
    return make_settings(tmp_path / "data")


@pytest.fixture
def world(settings: Settings) -> World:
    return seed(settings)


@pytest.fixture
def client(settings: Settings):
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    with TestClient(create_app(settings, configure_logging=False)) as c:
        yield c


@pytest.fixture
def novel_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every failed run also gets a free-text (NOVEL) statement, as the
    optional LLM extractor would give; no LLM is called."""
    from evaluator import aggregate

    real = aggregate.extract_failures

    def extract(scenario, run, score, **kwargs):
        out = real(scenario, run, score)
        i = int(scenario.id.rsplit("-", 1)[-1])
        out.append(FailureStatement(code="NOVEL", category="Other", text=NOVEL_TEXTS[i % 4]))
        return out

    monkeypatch.setattr(aggregate, "extract_failures", extract)


def _evaluate_and_write(settings: Settings, sid: uuid.UUID, now) -> None:
    """What the worker's final transaction does with the runs of ``sid``."""
    from evaluator import evaluate_submission
    from services.store.catalog import lock_catalog
    from services.store.scores import write_report
    from worker import pipeline

    scenarios = [number_scenario(f"s-{i}") for i in range(8)]
    runs = [run_of(s, answer="") for s in scenarios]  # empty answers: ARENA-EMPTY
    with session_factory(settings.database_url)() as session:
        lock_catalog(session)
        sub = session.get(Submission, sid)
        report = evaluate_submission(scenarios, runs, pipeline._catalog(session), now)
        write_report(session, sub, report, now)
        session.execute(update(Submission).where(Submission.id == sid).values(status="finished"))
        session.commit()


def _catalog_state(settings: Settings) -> dict[str, tuple[int, int]]:
    with session_factory(settings.database_url)() as session:
        return {
            r.id: (r.total_count, r.submission_count)
            for r in session.scalars(select(FailureCluster))
        }


def _clusters_of(settings: Settings, sid: uuid.UUID) -> dict[str, int]:
    with session_factory(settings.database_url)() as session:
        return {
            c.cluster_id: c.count
            for c in session.scalars(
                select(SubmissionCluster).where(SubmissionCluster.submission_id == sid)
            )
        }


def _fresh_submission(settings: Settings, world: World) -> uuid.UUID:
    """A finished submission with a retained archive and no score yet."""
    sid = finished_submission(settings, "team-a", world.phase_id, "execution", 10)
    (settings.data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "uploads" / f"{sid}.tar").write_bytes(archives.image_tar())
    with session_factory(settings.database_url)() as session:
        session.execute(delete(SubmissionScore).where(SubmissionScore.submission_id == sid))
        session.execute(delete(SubmissionCluster).where(SubmissionCluster.submission_id == sid))
        session.execute(
            update(Submission).where(Submission.id == sid).values(archive_name=f"{sid}.tar")
        )
        session.commit()
    return sid


def _rerun(client: TestClient, world: World, sid: uuid.UUID) -> None:
    r = client.post(f"/api/v1/admin/submissions/{sid}/rerun", headers=auth(world.admin))
    assert r.status_code == 200, r.text


def test_rerun_keeps_catalog_keys_and_does_not_inflate_counts(
    client: TestClient, world: World, settings: Settings, novel_statements: None
) -> None:
    before = _catalog_state(settings)
    sid = _fresh_submission(settings, world)
    now = utcnow()
    _evaluate_and_write(settings, sid, now)
    first = _catalog_state(settings)
    keys = _clusters_of(settings, sid)
    assert "fc-arena-empty" in keys and any(k.startswith("fc-n") for k in keys)
    assert first["fc-arena-empty"][0] == before.get("fc-arena-empty", (0, 0))[0] + 8

    for n in range(2):  # two re-runs, each evaluated again
        _rerun(client, world, sid)
        released = _catalog_state(settings)
        assert _clusters_of(settings, sid) == {}
        for key, count in keys.items():  # taken back, entries kept
            assert released[key] == (first[key][0] - count, first[key][1] - 1)
        _evaluate_and_write(settings, sid, now + timedelta(minutes=n + 1))
        assert _clusters_of(settings, sid) == keys  # same keys, same counts
        assert _catalog_state(settings) == first  # nothing counted twice


def test_a_second_submission_still_adds_to_the_same_entries(
    client: TestClient, world: World, settings: Settings, novel_statements: None
) -> None:
    """Re-runs subtract only their own contribution: another submission with
    the same failures lands on the same keys and does count."""
    a = _fresh_submission(settings, world)
    _evaluate_and_write(settings, a, utcnow())
    keys = _clusters_of(settings, a)
    b = _fresh_submission(settings, world)
    _evaluate_and_write(settings, b, utcnow())
    assert _clusters_of(settings, b) == keys
    both = _catalog_state(settings)
    _rerun(client, world, a)
    _evaluate_and_write(settings, a, utcnow())
    assert _catalog_state(settings) == both
    assert all(both[k][1] >= 2 for k in keys)

"""Issue 18 on the api: a phase's attempts, statistically tied ranks (native
board, Codabench column), intervals and cost on the board, the
reproducibility record with the scores and as a download."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from arena_api_env import World, auth, finished_submission
from fastapi.testclient import TestClient
from sqlalchemy import update

from services.settings import Settings
from services.store.db import session_factory
from services.store.leaderboard import BoardRow, statistical_ranks
from services.store.models import SubmissionScore
from services.store.submissions import bump_leaderboard

RECORD = {
    "record_version": 1,
    "attempts": 3,
    "sandbox": {"wall_seconds": 120.0, "cpus": 1.0, "memory_bytes": 512, "pids_limit": 128},
    "totals": {"tokens": 4321, "wall_seconds": 65.5},
    "per_run": {"wall_seconds": {"p50": 1.0, "p95": 2.0}, "tokens": {"p50": 10, "p95": 20}},
}


@pytest.fixture
def client(settings: Settings):
    """The api with no phase-version cache: this test writes scores directly
    into the database, as a worker would, and reads them back at once."""
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    fresh = settings.model_copy(update={"leaderboard_version_ttl_seconds": 0})
    with TestClient(create_app(fresh, configure_logging=False)) as c:
        yield c


def scored(
    settings: Settings,
    team: str,
    phase_id: int,
    overall: float,
    ci: tuple[float, float] | None,
    minutes_ago: int = 0,
    track: str = "execution",
    record: dict | None = None,
) -> uuid.UUID:
    sid = finished_submission(settings, team, phase_id, track, overall, minutes_ago)
    with session_factory(settings.database_url)() as session:
        values: dict = {"attempts": 3, "runs": 30, "pass_hat_k": 30.0, "flip_rate": 20.0}
        if ci is not None:
            values["intervals"] = {
                "overall": list(ci),
                "pass_rate": [30.0, 50.0],
                "hallucination": [10.0, 15.0],
            }
        if record is not None:
            values |= {"record": record, "wall_seconds": record["totals"]["wall_seconds"]}
        session.execute(
            update(SubmissionScore).where(SubmissionScore.submission_id == sid).values(**values)
        )
        bump_leaderboard(session, phase_id)
        session.commit()
    return sid


def row(overall: float, ci: tuple[float, float] | None) -> BoardRow:
    return BoardRow(
        submission_id=uuid.uuid4(),
        team_name=f"t{overall}",
        team_display_name="",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=None,
        task_completion=0,
        retrieval_accuracy=0,
        result_verification=0,
        sequence_correctness=0,
        clarity_justification=0,
        hallucination_rate=0,
        overall=overall,
        pass_rate=0,
        deployment_ready=False,
        scenarios=10,
        intervals=None if ci is None else {"overall": list(ci)},
    )


def test_statistical_ranks() -> None:
    rows = [
        row(80, (75, 85)),
        row(78, (72, 84)),  # overlaps the one above: tied, rank 1
        row(71, (66, 74)),  # overlaps the one above (72..84): tied, chains to rank 1
        row(50, (45, 55)),  # apart: its position
        row(49, None),  # no interval (scored before issue 18): never tied
        row(48, (40, 56)),
    ]
    assert statistical_ranks(rows) == [
        (1, False),
        (1, True),
        (1, True),
        (4, False),
        (5, False),
        (6, False),
    ]
    assert statistical_ranks([]) == []
    # touching intervals overlap
    assert statistical_ranks([row(60, (55, 65)), row(50, (45, 55))]) == [(1, False), (1, True)]


def test_overlapping_intervals_share_a_rank_everywhere(
    client: TestClient, world: World, settings: Settings
) -> None:
    a = scored(settings, "team-a", world.phase_id, 72.0, (66.1, 78.2), 10, record=RECORD)
    b = scored(settings, "team-b", world.phase_id, 70.0, (63.0, 76.9), 5)
    params = {"phase": world.phase_id, "track": "execution"}
    board = client.get("/api/v1/leaderboard", params=params).json()
    first, second = board["entries"]
    assert (first["submission_id"], second["submission_id"]) == (str(a), str(b))
    assert (first["rank"], first["position"], first["tied"]) == (1, 1, False)
    assert (second["rank"], second["position"], second["tied"]) == (1, 2, True)
    assert (first["overall_ci_low"], first["overall_ci_high"]) == (66.1, 78.2)
    assert first["intervals"]["hallucination_rate"] == {"low": 10.0, "high": 15.0}
    assert first["intervals"]["overall"] == {"low": 66.1, "high": 78.2}
    assert first["attempts"] == 3 and first["pass_hat_k"] == 30.0
    # cost: the record's token total and the evaluation's wall time; without a
    # record, the scored runs' tokens (fake report: 1000 + 200)
    assert (first["tokens"], first["wall_seconds"]) == (4321, 65.5)
    assert (second["tokens"], second["wall_seconds"]) == (1200, None)
    keys = [c["key"] for c in board["columns"]]
    assert keys[:8] == [
        "overall",
        "pass_rate",
        "task_completion",
        "retrieval_accuracy",
        "result_verification",
        "sequence_correctness",
        "clarity_justification",
        "hallucination_rate",
    ]  # old indexes stay put
    assert {"rank", "overall_ci_low", "overall_ci_high", "pass_hat_k", "tokens"} <= set(keys)
    assert {"wall_seconds"} <= set(keys)

    # Codabench shape: the rank (and interval, cost) as columns of the task
    cb = client.get(f"/api/phases/{world.phase_id}/get_leaderboard/").json()
    columns = {c["key"]: c for c in cb["tasks"][0]["columns"]}
    assert columns["rank"]["sorting"] == "asc" and columns["tokens"]["sorting"] == "asc"
    by_owner = {
        s["owner"]: {x["column_key"]: x["score"] for x in s["scores"] if x["task_id"] == 2}
        for s in cb["submissions"]
    }
    assert by_owner["Team A"]["rank"] == "1" and by_owner["Team B"]["rank"] == "1"
    assert by_owner["Team A"]["overall_ci_low"] == "66.10"
    assert by_owner["Team A"]["tokens"] == "4321" and by_owner["Team A"]["wall_seconds"] == "65.5"
    assert "wall_seconds" not in by_owner["Team B"]  # not recorded: no score sent

    # a third team clearly below: its own rank, not tied
    with session_factory(settings.database_url)() as session:
        from services.store.models import Team

        session.add(Team(name="team-c", display_name="Team C"))
        session.commit()
    scored(settings, "team-c", world.phase_id, 40.0, (35.0, 45.0), 1)
    entries = client.get("/api/v1/leaderboard", params=params).json()["entries"]
    assert [(e["team"], e["rank"], e["tied"]) for e in entries] == [
        ("team-a", 1, False),
        ("team-b", 1, True),
        ("team-c", 3, False),
    ]
    # pagination keeps board-wide ranks
    page2 = client.get("/api/v1/leaderboard", params=params | {"page": 2, "page_size": 1}).json()
    assert [(e["rank"], e["position"], e["tied"]) for e in page2["entries"]] == [(1, 2, True)]


def test_apart_intervals_keep_their_positions(
    client: TestClient, world: World, settings: Settings
) -> None:
    scored(settings, "team-a", world.phase_id, 72.0, (70.0, 74.0), 10)
    scored(settings, "team-b", world.phase_id, 60.0, (58.0, 62.0), 5)
    entries = client.get(
        "/api/v1/leaderboard", params={"phase": world.phase_id, "track": "execution"}
    ).json()["entries"]
    assert [(e["rank"], e["tied"]) for e in entries] == [(1, False), (2, False)]


def test_scores_carry_uncertainty_and_the_record(
    client: TestClient, world: World, settings: Settings
) -> None:
    sid = scored(settings, "team-a", world.phase_id, 72.0, (66.123, 78.456), record=RECORD)
    scores = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()["scores"]
    assert scores["attempts"] == 3 and scores["runs"] == 30
    assert scores["pass_hat_k"] == 30.0 and scores["flip_rate"] == 20.0
    assert scores["intervals"]["overall"] == {"low": 66.12, "high": 78.46}  # published at 2 dp
    assert scores["tokens"] == 4321 and scores["wall_seconds"] == 65.5
    assert scores["record"] == RECORD
    r = client.get(f"/api/v1/submissions/{sid}/record", headers=auth(world.team_a))
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'attachment; filename="arena-record-{sid}.json"'
    body = r.json()
    assert body["submission_id"] == str(sid) and body["team"] == "team-a"
    assert body["record"] == RECORD and body["scores"]["overall"] == 72.0
    assert body["scores"]["record"] is None  # not twice
    # another team's record is as unknown as its submission
    other = client.get(f"/api/v1/submissions/{sid}/record", headers=auth(world.team_b))
    assert other.status_code == 404 and other.json()["code"] == "submission_not_found"
    assert client.get(f"/api/v1/submissions/{sid}/record").status_code == 401
    # scored before records existed: a clear code
    old = finished_submission(settings, "team-a", world.phase_id, "execution", 50)
    r = client.get(f"/api/v1/submissions/{old}/record", headers=auth(world.team_a))
    assert r.status_code == 409 and r.json()["code"] == "record_not_available"
    old_scores = client.get(f"/api/v1/submissions/{old}", headers=auth(world.team_a)).json()
    assert old_scores["scores"]["intervals"] == {} and old_scores["scores"]["attempts"] == 1


def test_phase_attempts(client: TestClient, world: World) -> None:
    admin = auth(world.admin)
    body = {
        "title": "Final",
        "opens_at": "2026-01-01T00:00:00Z",
        "tracks": ["execution"],
        "attempts": 3,
    }
    r = client.post("/api/v1/admin/phases", json=body, headers=admin)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert client.get(f"/api/v1/phases/{pid}").json()["attempts"] == 3
    assert client.get(f"/api/v1/phases/{world.phase_id}").json()["attempts"] == 1  # default
    for bad in (0, 11):
        r = client.post("/api/v1/admin/phases", json=body | {"attempts": bad}, headers=admin)
        assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    r = client.patch(f"/api/v1/admin/phases/{pid}", json={"attempts": 5}, headers=admin)
    assert r.status_code == 200 and r.json()["attempts"] == 5
    r = client.patch(f"/api/v1/admin/phases/{pid}", json={"attempts": 0}, headers=admin)
    assert r.status_code == 422

"""The default board: ``GET /api/v1/leaderboard`` without ``track`` shows the
phase's track with the most recent finished, visible submission; with none
yet, ``execution`` when the phase has it, else its first track (docs/api.md,
"Default board"). The page without parameters opens on the same board.

Issue 21: the demo submits to ``execution`` while the default was the
phase's first track (``planning``), so the board a newcomer opened was empty.
Real Postgres and the real app, as the other tests/api tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from arena_api_env import World, auth, finished_submission, make_settings
from fastapi.testclient import TestClient

from services.api.leaderboard.service import default_track
from services.settings import Settings
from services.store.db import session_factory
from services.store.submissions import utcnow

pytestmark = pytest.mark.integration
BOARD = "/api/v1/leaderboard"


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    """An app whose phase heads are never cached: every request sees the
    worker's latest writes (the default TTL would only delay them by 1 s)."""
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    fresh = make_settings(settings.data_dir, leaderboard_version_ttl_seconds=0)
    with TestClient(create_app(fresh, configure_logging=False)) as c:
        yield c


def add_phase(settings: Settings, title: str, tracks: list[str], minutes_ago: int = 10) -> int:
    """A public phase opened after the seeded one (it becomes the default phase)."""
    from services.api.admin import service
    from services.api.admin.schemas import PhaseIn

    now = utcnow()
    with session_factory(settings.database_url)() as session:
        return service.create_phase(
            session,
            PhaseIn(
                title=title,
                visibility="public",
                opens_at=now - timedelta(minutes=minutes_ago),
                closes_at=now + timedelta(days=1),
                tracks=tracks,
                daily_quota=3,
                max_concurrent=1,
            ),
        ).id


def board(client: TestClient, **params: object) -> dict:
    r = client.get(BOARD, params=params)
    assert r.status_code == 200, r.text
    return r.json()


# ---- the rule, pure -----------------------------------------------------------
def test_rule_most_recent_finished_track_then_execution_then_first() -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    both = ("planning", "execution")
    assert default_track(both, {}) == "execution"
    assert default_track(("planning",), {}) == "planning"
    assert default_track(both, {"planning": t0}) == "planning"
    assert default_track(both, {"planning": t0, "execution": t0 - timedelta(seconds=1)}) == (
        "planning"
    )
    assert default_track(both, {"planning": t0, "execution": t0 + timedelta(seconds=1)}) == (
        "execution"
    )
    assert default_track(both, {"planning": t0, "execution": t0}) == "planning"  # tie: listed first
    # a track the phase no longer lists does not count
    assert default_track(("planning",), {"execution": t0}) == "planning"


# ---- the api ----------------------------------------------------------------------
def test_demo_case_execution_entries_on_a_planning_first_phase(
    live: TestClient, world: World, settings: Settings
) -> None:
    """The seeded phase lists planning first; only execution has entries."""
    sid = finished_submission(settings, "team-a", world.phase_id, "execution", 70, 5)
    default = live.get(BOARD)
    assert default.status_code == 200
    body = default.json()
    assert body["phase"]["id"] == world.phase_id
    assert body["track"] == "execution"
    assert [e["submission_id"] for e in body["entries"]] == [str(sid)]
    # the same board, byte for byte and ETag for ETag, as the explicit query
    explicit = live.get(BOARD, params={"phase": world.phase_id, "track": "execution"})
    assert explicit.headers["etag"] == default.headers["etag"]
    assert explicit.content == default.content
    assert re.fullmatch(rf'"lb-{world.phase_id}-execution-\d+-1-50"', default.headers["etag"])
    # ETag/304 on the parameterless request
    again = live.get(BOARD, headers={"If-None-Match": default.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # the explicit track still wins
    planning = board(live, track="planning")
    assert planning["track"] == "planning" and planning["entries"] == []


def test_default_follows_the_most_recent_finished_submission(
    live: TestClient, world: World, settings: Settings
) -> None:
    finished_submission(settings, "team-a", world.phase_id, "execution", 70, 30)
    etag = live.get(BOARD).headers["etag"]
    assert board(live)["track"] == "execution"
    planning = finished_submission(settings, "team-b", world.phase_id, "planning", 50, 5)
    moved = live.get(BOARD, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["etag"] != etag
    assert moved.json()["track"] == "planning"
    # a newer execution result moves it back
    finished_submission(settings, "team-a", world.phase_id, "execution", 75, 1)
    assert board(live)["track"] == "execution"
    assert board(live, phase=world.phase_id)["track"] == "execution"
    # hidden submissions do not count: hide every execution submission
    execution_ids = _submission_ids(settings, world.phase_id, "execution")
    assert len(execution_ids) == 2 and str(planning) not in execution_ids
    for sid in execution_ids:
        r = live.post(
            f"/api/v1/admin/submissions/{sid}/hide",
            headers=auth(world.admin),
            json={"hidden": True},
        )
        assert r.status_code == 200, r.text
    assert board(live)["track"] == "planning"


def _submission_ids(settings: Settings, phase_id: int, track: str) -> list[str]:
    from sqlalchemy import select

    from services.store.models import Submission

    with session_factory(settings.database_url)() as session:
        rows = session.scalars(
            select(Submission.id).where(Submission.phase_id == phase_id, Submission.track == track)
        )
        return [str(r) for r in rows]


def test_empty_phases_fall_back_to_execution_then_the_first_track(
    live: TestClient, world: World, settings: Settings
) -> None:
    assert board(live)["track"] == "execution"  # seeded phase: planning, execution; no entries
    only_planning = add_phase(settings, "Planning only", ["planning"], minutes_ago=10)
    body = board(live)
    assert body["phase"]["id"] == only_planning and body["track"] == "planning"
    # an explicit phase without a track gets that phase's default
    finished_submission(settings, "team-a", world.phase_id, "planning", 60, 1)
    older = board(live, phase=world.phase_id)
    assert older["track"] == "planning" and older["total"] == 1


def test_default_track_and_phase_errors_are_problems(live: TestClient, world: World) -> None:
    for params, status, code in (
        ({"track": "bogus"}, 422, "invalid_request"),
        ({"phase": 2147483000}, 404, "phase_not_found"),
        ({"phase": 0}, 422, "invalid_request"),
    ):
        r = live.get(BOARD, params=params)
        assert r.status_code == status, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == code


# ---- the page -----------------------------------------------------------------------
def test_page_opens_on_the_default_board(
    live: TestClient, world: World, settings: Settings
) -> None:
    finished_submission(settings, "team-b", world.phase_id, "planning", 55, 2)
    api = live.get(BOARD, params={"page_size": 100})
    assert api.json()["track"] == "planning"
    html = live.get("/").text
    assert "Dev phase · planning track" in html
    assert re.search(r'<option value="planning" selected>', html)
    assert f'data-etag="{api.headers["etag"].replace(chr(34), "&#34;")}"' in html
    assert f"phase={world.phase_id}&amp;track=planning" in html  # poll and fragment URLs
    finished_submission(settings, "team-a", world.phase_id, "execution", 65, 1)
    assert "Dev phase · execution track" in live.get("/").text
    # an explicit track is honoured by the page as by the api
    assert "Dev phase · planning track" in live.get("/", params={"track": "planning"}).text

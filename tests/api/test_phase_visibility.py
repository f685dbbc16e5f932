"""A private phase is a submission target whose *board* is hidden.

The final phase of a competition is private until the operator flips it
(services/store/models.py ``Phase.visibility``): teams must find it, read its
dates and quotas and submit to it, while its scores stay admin-only so they
cannot be probed (docs/security.md). So the phase is listed for everyone with
``visibility: "private"``, ``can_make_submission`` answers for it, and its
boards and the page's board view answer like a missing phase. Real Postgres
and the real app (set ``ARENA_API_TEST_DB`` / ``ARENA_API_TEST_REDIS`` to
isolate).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from arena_api_env import World, auth
from fastapi.testclient import TestClient

from services.settings import Settings
from services.store.db import session_factory
from services.store.submissions import utcnow

pytestmark = pytest.mark.integration
FINAL_TITLE = "Final phase hush-7f3a"
MISSING_ID = 2147483000


@pytest.fixture
def private_id(settings: Settings, world: World) -> int:
    """A private phase opened after the public one: the most recent phase,
    so any "latest phase" fallback of a board would pick it if it leaked."""
    from services.api.admin import service
    from services.api.admin.schemas import PhaseIn

    now = utcnow()
    with session_factory(settings.database_url)() as session:
        phase = service.create_phase(
            session,
            PhaseIn(
                title=FINAL_TITLE,
                visibility="private",
                opens_at=now - timedelta(minutes=5),
                closes_at=now + timedelta(days=3),
                tracks=["planning", "execution"],
                daily_quota=2,
                max_concurrent=1,
            ),
        )
        return phase.id


def test_private_phase_is_listed_as_private_for_everyone(
    client: TestClient, world: World, private_id: int
) -> None:
    for headers in ({}, auth(world.team_a), auth(world.admin)):
        listed = {p["id"]: p for p in client.get("/api/v1/phases", headers=headers).json()}
        assert listed[private_id]["visibility"] == "private"
        assert listed[world.phase_id]["visibility"] == "public"
        one = client.get(f"/api/v1/phases/{private_id}", headers=headers)
        assert one.status_code == 200 and one.json()["title"] == FINAL_TITLE


@pytest.mark.parametrize(
    "template",
    ["/api/v1/phases/{id}/can_make_submission", "/api/can_make_submission/{id}/"],
)
def test_teams_can_submit_to_a_private_phase(
    client: TestClient, world: World, private_id: int, template: str
) -> None:
    r = client.get(template.format(id=private_id), headers=auth(world.team_a))
    assert r.status_code == 200, r.text
    assert r.json()["can"] is True and r.json()["phase_id"] == private_id


def test_private_boards_answer_like_a_missing_phase_except_for_admins(
    client: TestClient, world: World, private_id: int
) -> None:
    for headers in ({}, auth(world.team_a)):
        for path, params in (
            ("/api/v1/leaderboard", {"phase": private_id}),
            (f"/api/phases/{private_id}/get_leaderboard/", {}),
        ):
            r = client.get(path, params=params, headers=headers)
            missing = client.get(
                path.replace(str(private_id), str(MISSING_ID)),
                params={"phase": MISSING_ID} if params else {},
                headers=headers,
            )
            assert r.status_code == missing.status_code == 404, r.text
            assert r.json()["code"] == missing.json()["code"] == "phase_not_found"
        # the default board never falls back to the (newer) private phase
        default = client.get("/api/v1/leaderboard", headers=headers)
        assert default.status_code == 200 and default.json()["phase"]["id"] == world.phase_id
    admin = client.get(
        "/api/v1/leaderboard", params={"phase": private_id}, headers=auth(world.admin)
    )
    assert admin.status_code == 200, admin.text


def test_page_offers_no_board_for_a_private_phase(
    client: TestClient, world: World, private_id: int
) -> None:
    page = client.get("/")
    assert page.status_code == 200, page.text
    assert f'<option value="{private_id}"' not in page.text
    direct = client.get("/", params={"phase": private_id})
    assert direct.status_code == 404
    assert FINAL_TITLE not in direct.text

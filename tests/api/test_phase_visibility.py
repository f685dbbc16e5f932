"""Private phases are invisible to everyone but admins, like their boards.

Anonymous callers and participant tokens get the answer for a phase that does
not exist (absent from the list, the missing-phase 404 by id and from
``can_make_submission``); admin tokens see every phase. Real Postgres and the
real app (set ``ARENA_API_TEST_DB`` / ``ARENA_API_TEST_REDIS`` to isolate).
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
PROBLEM = "application/problem+json"
# Distinctive enough that finding it anywhere in a page means it leaked.
SECRET_TITLE = "Final phase hush-7f3a"
MISSING_ID = 2147483000


@pytest.fixture
def private_id(settings: Settings, world: World) -> int:
    """A private phase opened after the public one: the most recent phase,
    so any "latest phase" fallback would pick it if it leaked."""
    from services.api.admin import service
    from services.api.admin.schemas import PhaseIn

    now = utcnow()
    with session_factory(settings.database_url)() as session:
        phase = service.create_phase(
            session,
            PhaseIn(
                title=SECRET_TITLE,
                visibility="private",
                opens_at=now - timedelta(minutes=5),
                closes_at=now + timedelta(days=3),
                tracks=["planning", "execution"],
                daily_quota=2,
                max_concurrent=1,
            ),
        )
        return phase.id


def listed_ids(client: TestClient, headers: dict[str, str]) -> list[int]:
    r = client.get("/api/v1/phases", headers=headers)
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()]


def assert_same_as_missing(private, missing, private_id: int) -> None:
    """Same status, media type and problem body as a phase that does not
    exist; the only difference allowed is the id the caller itself sent."""
    assert private.status_code == missing.status_code == 404, (private.text, missing.text)
    assert private.headers["content-type"].startswith(PROBLEM)
    assert private.headers["content-type"] == missing.headers["content-type"]
    body, other = private.json(), missing.json()
    assert body["code"] == "phase_not_found"
    assert body.keys() == other.keys()
    assert body["detail"].replace(str(private_id), "N") == other["detail"].replace(
        str(MISSING_ID), "N"
    )
    assert {k: v for k, v in body.items() if k != "detail"} == {
        k: v for k, v in other.items() if k != "detail"
    }
    assert SECRET_TITLE not in private.text


def test_private_phase_absent_from_anonymous_and_participant_lists(
    client: TestClient, world: World, private_id: int
) -> None:
    assert listed_ids(client, {}) == [world.phase_id]
    assert listed_ids(client, auth(world.team_a)) == [world.phase_id]
    assert SECRET_TITLE not in client.get("/api/v1/phases", headers=auth(world.team_b)).text


def test_admin_lists_and_reads_private_phases(
    client: TestClient, world: World, private_id: int
) -> None:
    assert listed_ids(client, auth(world.admin)) == [world.phase_id, private_id]
    r = client.get(f"/api/v1/phases/{private_id}", headers=auth(world.admin))
    assert r.status_code == 200, r.text
    assert r.json()["title"] == SECRET_TITLE and r.json()["visibility"] == "private"


def test_private_phase_by_id_answers_like_a_missing_phase(
    client: TestClient, world: World, private_id: int
) -> None:
    for headers in ({}, auth(world.team_a)):
        private = client.get(f"/api/v1/phases/{private_id}", headers=headers)
        missing = client.get(f"/api/v1/phases/{MISSING_ID}", headers=headers)
        assert_same_as_missing(private, missing, private_id)
        # the public phase is still readable by the same caller
        assert client.get(f"/api/v1/phases/{world.phase_id}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "template",
    ["/api/v1/phases/{id}/can_make_submission", "/api/can_make_submission/{id}/"],
)
def test_can_make_submission_hides_private_phases_from_participants(
    client: TestClient, world: World, private_id: int, template: str
) -> None:
    h = auth(world.team_a)
    private = client.get(template.format(id=private_id), headers=h)
    missing = client.get(template.format(id=MISSING_ID), headers=h)
    assert_same_as_missing(private, missing, private_id)
    public = client.get(template.format(id=world.phase_id), headers=h)
    assert public.status_code == 200 and public.json()["can"] is True, public.text


def test_a_bad_token_is_refused_not_treated_as_anonymous(
    client: TestClient, world: World, private_id: int
) -> None:
    """A token is either valid (and decides what is visible) or a 401, as on
    the leaderboard; a typo never silently downgrades to anonymous."""
    r = client.get("/api/v1/phases", headers=auth("arena_" + "x" * 43))
    assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "invalid_token"


def test_page_does_not_show_private_phase_names(
    client: TestClient, world: World, private_id: int
) -> None:
    page = client.get("/")
    assert page.status_code == 200, page.text
    assert "Dev phase" in page.text
    assert SECRET_TITLE not in page.text
    assert f'<option value="{private_id}"' not in page.text
    direct = client.get("/", params={"phase": private_id})
    assert direct.status_code == 404
    assert SECRET_TITLE not in direct.text

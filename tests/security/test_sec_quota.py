"""Quota rules and leaderboard-probing defences.

Probing the hidden set means submitting many variants and reading fine
score differences. The defences: a daily quota per team and phase (failed
and cancelled submissions do not count, so infrastructure trouble never
costs a slot), at most N evaluations in flight per team, closed phases take
nothing, private-phase boards are invisible to participants, and published
scores are rounded to the board's declared precision.

The worker is paused for the counting tests: a submission that a worker
fails while the test counts would (correctly) free a slot and make the
count ambiguous.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import sec_api
from sec_stack import ArenaStack

pytestmark = [pytest.mark.integration, pytest.mark.docker]


@pytest.fixture()
def paused_workers(stack: ArenaStack) -> Iterator[None]:
    for worker in stack.workers:
        worker.stop(timeout=180)
    count = len(stack.workers)
    stack.workers.clear()
    try:
        yield
    finally:
        for _ in range(max(1, count)):
            stack.start_worker()


def _team_and_phase(stack: ArenaStack, **phase: object) -> tuple[sec_api.TeamCred, int]:
    import secrets

    team = sec_api.create_team(stack, f"quota-{secrets.token_hex(4)}")
    phase_id = sec_api.create_phase(stack, f"quota-{secrets.token_hex(3)}", **phase)  # type: ignore[arg-type]
    return team, phase_id


def _submit(client: httpx.Client, stack: ArenaStack, phase_id: int) -> httpx.Response:
    return sec_api.upload(
        client, sec_api.tiny_archive(stack.root), {"phase": phase_id, "track": "execution"}
    )


def _team_rows(stack: ArenaStack, team_id: int) -> int:
    from sec_stack import sql

    return int(
        sql(stack.db_url, "SELECT count(*) FROM submissions WHERE team_id = %s", (team_id,))[0][0]
    )


def test_daily_quota_blocks_and_cancel_frees_a_slot(
    stack: ArenaStack, paused_workers: None
) -> None:
    team, phase_id = _team_and_phase(stack, daily_quota=2, max_concurrent=10)
    with stack.client(team.token, timeout=60) as c:
        ids = []
        for _ in range(2):
            r = _submit(c, stack, phase_id)
            assert r.status_code == 202, r.text
            ids.append(sec_api.submission_id(r.json()))
        over = _submit(c, stack, phase_id)
        assert over.status_code == 429 and sec_api.is_problem(over), over.text
        assert over.json()["code"] == "quota_exceeded"
        assert _team_rows(stack, team.team_id) == 2  # the refused upload stored nothing
        can = c.get(
            f"/api/v1/phases/{phase_id}/can_make_submission", params={"track": "execution"}
        ).json()
        assert can["can"] is False and can["code"] == "quota_exceeded"
        assert can["remaining_today"] == 0
        # a cancelled submission gives its slot back
        assert c.post(f"/api/v1/submissions/{ids[0]}/cancel").status_code == 200
        again = _submit(c, stack, phase_id)
        assert again.status_code == 202, again.text
        ids.append(sec_api.submission_id(again.json()))
        sec_api.cancel_all(c, ids)


def test_parallel_uploads_cannot_overrun_the_quota(stack: ArenaStack, paused_workers: None) -> None:
    """Eight uploads at once against a quota of three: exactly three win
    (the quota is re-checked under a team row lock at insert time)."""
    team, phase_id = _team_and_phase(stack, daily_quota=3, max_concurrent=50)
    archive = sec_api.tiny_archive(stack.root)  # built once, not by eight threads at once
    # Uploads in flight per team are bounded (2 by default, tested in
    # test_sec_uploads); an api allowing 16 lets all eight race the quota.
    _, url = stack.start_extra_api("api-quota-race", ARENA_UPLOAD_MAX_CONCURRENT_PER_TEAM="16")

    def one(_: int) -> httpx.Response:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {team.token}"}, timeout=120
        ) as c:
            return sec_api.upload(c, archive, {"phase": phase_id, "track": "execution"})

    with cf.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(202) == 3, statuses
    assert all(s == 429 for s in statuses if s != 202), statuses
    assert _team_rows(stack, team.team_id) == 3
    assert not [
        f for f in sec_api.files_under(stack.data_dir / "uploads") if f.startswith(".incoming")
    ]
    with stack.client(team.token) as c:
        sec_api.cancel_all(
            c, [sec_api.submission_id(r.json()) for r in results if r.status_code == 202]
        )


def test_max_concurrent_evaluations_per_team(stack: ArenaStack, paused_workers: None) -> None:
    team, phase_id = _team_and_phase(stack, daily_quota=10, max_concurrent=1)
    with stack.client(team.token, timeout=60) as c:
        first = _submit(c, stack, phase_id)
        assert first.status_code == 202, first.text
        second = _submit(c, stack, phase_id)
        assert second.status_code == 429 and second.json()["code"] == "too_many_running"
        sec_api.cancel_all(c, [sec_api.submission_id(first.json())])
        third = _submit(c, stack, phase_id)
        assert third.status_code == 202, third.text
        sec_api.cancel_all(c, [sec_api.submission_id(third.json())])


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "code"),
    [
        (timedelta(days=-2), timedelta(days=-1), "phase_closed"),
        (timedelta(days=1), None, "phase_not_open"),
    ],
)
def test_closed_or_future_phase_takes_nothing(
    stack: ArenaStack, opens_in: timedelta, closes_in: timedelta | None, code: str
) -> None:
    team, phase_id = _team_and_phase(stack, opens_in=opens_in, closes_in=closes_in)
    with stack.client(team.token, timeout=60) as c:
        r = _submit(c, stack, phase_id)
    assert r.status_code == 409 and sec_api.is_problem(r), r.text
    assert r.json()["code"] == code
    assert _team_rows(stack, team.team_id) == 0


def test_zero_quota_phase_takes_nothing(stack: ArenaStack) -> None:
    team, phase_id = _team_and_phase(stack, daily_quota=0)
    with stack.client(team.token, timeout=60) as c:
        r = _submit(c, stack, phase_id)
    assert r.status_code == 429 and r.json()["code"] == "quota_exceeded"
    assert _team_rows(stack, team.team_id) == 0


def test_private_phase_board_is_invisible_to_participants(
    stack: ArenaStack, world: sec_api.World
) -> None:
    team, phase_id = _team_and_phase(stack, visibility="private")
    paths = [
        ("/api/v1/leaderboard", {"phase": phase_id}),
        (f"/api/phases/{phase_id}/get_leaderboard/", {}),
    ]
    for token in (None, team.token):
        with stack.client(token) as c:
            for path, params in paths:
                r = c.get(path, params=params)
                assert r.status_code == 404 and sec_api.is_problem(r), (path, r.text)
                # the same answer as for a phase that does not exist
                missing = c.get(
                    path.replace(str(phase_id), "2147483000"),
                    params={"phase": 2147483000} if params else {},
                )
                assert r.json()["code"] == missing.json()["code"]
    with stack.client(world.admin_token) as admin:
        for path, params in paths:
            assert admin.get(path, params=params).status_code == 200
    # the default board (no phase given) never falls back to a private phase
    with stack.client(None) as anon:
        board = anon.get("/api/v1/leaderboard")
        if board.status_code == 200:
            assert board.json()["phase"]["id"] != phase_id


def test_failed_submission_does_not_count(stack: ArenaStack) -> None:
    """End to end with the worker: an image the engine cannot load fails as a
    participant error, and the team can submit again within a quota of 1."""
    team, phase_id = _team_and_phase(stack, daily_quota=1, max_concurrent=1)
    archive = _broken_archive(stack)
    with stack.client(team.token, timeout=60) as c:
        r = sec_api.upload(c, archive, {"phase": phase_id, "track": "execution"})
        assert r.status_code == 202, r.text
        final = sec_api.wait_final(c, sec_api.submission_id(r.json()), timeout=600)
        assert final["status"] == "failed", final
        assert final["failure"]["counts_against_quota"] is False
        assert final["failure"]["code"] and final["failure"]["message"]
        can = c.get(
            f"/api/v1/phases/{phase_id}/can_make_submission", params={"track": "execution"}
        ).json()
        assert can["can"] is True, can
        again = _submit(c, stack, phase_id)
        assert again.status_code == 202, again.text
        sec_api.cancel_all(c, [sec_api.submission_id(again.json())])


def _broken_archive(stack: ArenaStack):  # noqa: ANN202 - Path
    """A single-image archive the api accepts and the worker's engine
    refuses at ``docker load`` (participant error), fast."""
    import sec_tars

    return sec_tars.engine_refused_image(stack.root / "engine-refused.tar")

"""Issue 16: a phase that compares packs shows, to admins only, each team's
public-set score beside its leaderboard score and the rank correlation."""

from __future__ import annotations

import pytest
from arena_api_env import World, auth, finished_submission
from fastapi.testclient import TestClient
from scipy.stats import spearmanr
from sqlalchemy import update

from services.api.admin.service import rank_correlation
from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Phase, SubmissionScore, Team


def test_rank_correlation() -> None:
    assert rank_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert rank_correlation([1, 2, 3, 4], [40, 30, 20, 10]) == -1.0
    assert rank_correlation([1, 2], [1, 2]) is None  # too few
    assert rank_correlation([1, 1, 1], [1, 2, 3]) is None  # constant side
    xs, ys = [90, 80, 70, 60, 50], [55, 80, 70, 90, 10]
    assert rank_correlation(xs, ys) == pytest.approx(spearmanr(xs, ys).statistic, abs=1e-4)


def _teams(settings: Settings, n: int) -> list[str]:
    names = [f"cmp-team-{i}" for i in range(n)]
    with session_factory(settings.database_url)() as session:
        for name in names:
            session.add(Team(name=name, display_name=name))
        session.commit()
    return names


def test_admin_sees_public_beside_hidden_and_the_correlation(
    client: TestClient, world: World, settings: Settings
) -> None:
    r = client.patch(
        f"/api/v1/admin/phases/{world.phase_id}",
        json={"compare_public_pack": True},
        headers=auth(world.admin),
    )
    assert r.status_code == 200 and r.json()["compare_public_pack"] is True
    hidden = [80.0, 70.0, 60.0, 50.0]
    public = [60.0, 90.0, 50.0, 40.0]  # the public ranking disagrees at the top
    teams = _teams(settings, 4)
    with session_factory(settings.database_url)() as session:
        session.execute(
            update(Phase)
            .where(Phase.id == world.phase_id)
            .values(scenario_pack="spring", scenario_pack_version="2", scenario_pack_digest="d")
        )
        session.commit()
    for team, h, p in zip(teams, hidden, public, strict=True):
        sid = finished_submission(settings, team, world.phase_id, "execution", h)
        with session_factory(settings.database_url)() as session:
            session.execute(
                update(SubmissionScore)
                .where(SubmissionScore.submission_id == sid)
                .values(public_overall=p)
            )
            session.commit()
    # a finished submission without a public score is left out
    finished_submission(settings, "team-b", world.phase_id, "execution", 99.0)
    url = f"/api/v1/admin/phases/{world.phase_id}/pack-comparison"
    body = client.get(url, params={"track": "execution"}, headers=auth(world.admin)).json()
    assert body["scenario_pack"] == "spring 2"
    assert [(e["team"], e["hidden_overall"], e["public_overall"]) for e in body["entries"]] == [
        (t, h, p) for t, h, p in zip(teams, hidden, public, strict=True)
    ]
    assert body["spearman_rho"] == pytest.approx(spearmanr(hidden, public).statistic, abs=1e-4)
    # admins only; bad input is a problem, not a 500
    assert client.get(url, headers=auth(world.team_a)).status_code == 403
    assert client.get(url).status_code == 401
    r = client.get(url, params={"track": "nonsense"}, headers=auth(world.admin))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    planning = client.get(url, params={"track": "planning"}, headers=auth(world.admin)).json()
    assert planning["entries"] == [] and planning["spearman_rho"] is None
    missing = url.replace(f"/{world.phase_id}/", "/999999/")
    assert client.get(missing, headers=auth(world.admin)).status_code == 404

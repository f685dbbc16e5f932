"""/metrics shows the host's throughput and the queue's oldest wait (issue 22),
read from Postgres: scenario runs per second over the last 5 minutes and
how long the oldest waiting submission has waited."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from arena_api_env import World, utcnow
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Submission, Team

pytestmark = pytest.mark.integration


def _submission(settings: Settings, world: World, **fields: Any) -> None:
    with session_factory(settings.database_url)() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "team-a"))
        values: dict[str, Any] = {
            "id": uuid.uuid4(),
            "team_id": team_id,
            "phase_id": world.phase_id,
            "track": "execution",
            "image_sha256": "0" * 64,
            "image_bytes": 1,
            "hidden": False,
            "attempt": 1,
            "cancel_requested": False,
            **fields,
        }
        session.add(Submission(**values))
        session.commit()


def _gauge(text: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.M)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


def test_metrics_show_scenarios_per_second_and_queue_wait(
    client: TestClient, world: World, settings: Settings
) -> None:
    now = utcnow()
    # 120 runs in the window (all of it), one ran half inside: 100 of 200
    _submission(
        settings,
        world,
        status="finished",
        scenarios_total=120,
        scenarios_done=120,
        created_at=now - timedelta(seconds=200),
        running_at=now - timedelta(seconds=100),
        scoring_at=now - timedelta(seconds=40),
        finished_at=now - timedelta(seconds=30),
    )
    _submission(
        settings,
        world,
        status="finished",
        scenarios_total=200,
        scenarios_done=200,
        created_at=now - timedelta(seconds=700),
        running_at=now - timedelta(seconds=500),
        scoring_at=now - timedelta(seconds=100),
        finished_at=now - timedelta(seconds=90),
    )
    # one still running: 30 runs done in its 60 s so far
    _submission(
        settings,
        world,
        status="running",
        scenarios_total=90,
        scenarios_done=30,
        created_at=now - timedelta(seconds=80),
        running_at=now - timedelta(seconds=60),
    )
    # long ago: outside the window
    _submission(
        settings,
        world,
        status="finished",
        scenarios_total=500,
        scenarios_done=500,
        created_at=now - timedelta(hours=2),
        running_at=now - timedelta(hours=2),
        scoring_at=now - timedelta(hours=1),
        finished_at=now - timedelta(hours=1),
    )
    # waiting for a worker since 45 s
    _submission(
        settings,
        world,
        status="queued",
        created_at=now - timedelta(seconds=45),
        queued_at=now - timedelta(seconds=45),
    )
    text = client.get("/metrics").text
    rate = _gauge(text, "arena_scenarios_per_second")
    assert rate == pytest.approx((120 + 100 + 30) / 300, rel=0.05)
    assert 44 <= _gauge(text, "arena_queue_oldest_wait_seconds") < 120

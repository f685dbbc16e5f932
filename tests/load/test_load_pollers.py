"""Load on loopback, bounded in count and time: 200 concurrent leaderboard
pollers (revalidating with ETag) while 20 small uploads arrive at once.

Guarantees: 0 errors for the pollers (every answer 200 with an ETag or
304; a keep-alive connection the server closed is retried once, as
browsers do, and such drops must stay under 1 %), every upload accepted,
and 0 lost submissions — each 202 has its row, is listed for its team,
and its task is in the broker queue. Throughput and p99 are printed (the
figures with ratios come from bench/bench_load.py).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from pathlib import Path

import pytest
import sec_api
import sec_stack

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]

POLLERS = 200
UPLOADS = 20
SECONDS = 10.0


def _bench_module():  # noqa: ANN202 - module
    path = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"
    spec = importlib.util.spec_from_file_location("bench_load", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module
    spec.loader.exec_module(module)
    return module


def _queued_task_ids(stack: sec_stack.ArenaStack) -> str:
    """Raw Celery messages waiting in the broker's ``arena`` list."""
    import redis

    client = redis.Redis.from_url(stack.redis_url)
    return "\n".join(m.decode(errors="replace") for m in client.lrange("arena", 0, -1))


def test_pollers_and_uploads_under_load(stack: sec_stack.ArenaStack, world: sec_api.World) -> None:
    bench = _bench_module()
    team = world.teams["loadteam"]
    phase_id = sec_api.create_phase(stack, "load", daily_quota=1000, max_concurrent=100)
    archive = sec_api.tiny_archive(stack.root)
    board_params = {"phase": world.phase_id, "track": world.track}
    # One team's uploads in flight are bounded (2 by default, tested in
    # test_sec_uploads); this measures an api that lets all of them in at once.
    _, url = stack.start_extra_api("api-load", ARENA_UPLOAD_MAX_CONCURRENT_PER_TEAM=str(UPLOADS))
    with stack.workers_paused():  # measure the api, keep every task in the queue
        asyncio.run(
            bench.run_pollers(url, "/api/v1/leaderboard", pollers=4, seconds=1, params=board_params)
        )  # warm-up
        polls, uploads = asyncio.run(
            bench.mixed_load(
                url,
                board_path="/api/v1/leaderboard",
                board_params=board_params,
                token=team.token,
                archive=archive,
                upload_params={"phase": phase_id, "track": world.track},
                pollers=POLLERS,
                uploads=UPLOADS,
                seconds=SECONDS,
            )
        )
        summary = polls.summary()
        print("\nLOAD", json.dumps(summary))
        accepted = [sec_api.submission_id(u.body) for u in uploads if u.status == 202]
        print("UPLOADS", [u.status for u in uploads], f"max {max(u.seconds for u in uploads):.2f}s")
        queue = _queued_task_ids(stack)
        with stack.client(team.token) as c:
            listed = {
                i["id"]
                for i in c.get(
                    "/api/v1/submissions", params={"phase": phase_id, "page_size": 200}
                ).json()["items"]
            }
            statuses = {c.get(f"/api/v1/submissions/{sid}").json()["status"] for sid in accepted}
            sec_api.cancel_all(c, accepted)

    assert not polls.errors, polls.errors[:10]
    # keep-alive connections the server dropped (retried once, like a browser)
    # must stay rare
    assert len(polls.retried) <= max(2, polls.requests // 100), polls.retried[:5]
    assert polls.requests >= POLLERS, summary  # every poller got answers
    assert set(polls.statuses) <= {200, 304}
    assert polls.statuses[304] > polls.statuses[200], "ETag revalidation not effective"
    assert len(accepted) == UPLOADS, [(u.status, u.body) for u in uploads]
    assert len(set(accepted)) == UPLOADS
    assert sec_api.count_submissions(stack, set(accepted)) == UPLOADS
    assert set(accepted) <= listed
    assert statuses == {"queued"}, statuses
    missing = [sid for sid in accepted if sid not in queue]
    assert not missing, f"accepted but not in the broker queue: {missing}"

"""Chaos suite fixtures: a stack on a PRIVATE Postgres cluster and a PRIVATE
Redis (both started here on free loopback ports), because the tests kill
and restart them — the machine-wide services are shared with everyone else.

Timings are shortened so faults resolve in seconds: 8 s row lease, 3 s
reconciler period, 10 s requeue of unclaimed rows.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))

import sec_api  # noqa: E402
import sec_images  # noqa: E402
import sec_scenarios  # noqa: E402
import sec_stack  # noqa: E402
from chaos_helpers import (  # noqa: E402
    Chaos,
    remove_sandbox_objects,
    scores_of,
    submit_slow,
)

SLOW_TAG = "arena-sec-slow:chaos"


def chaos_env(root: Path) -> dict[str, str]:
    secret = sec_scenarios.write_secret_set(root / "chaos-scenarios.json")
    return {
        "ARENA_SCENARIO_FILE": str(secret.path),
        "ARENA_SUBMISSION_LEASE_SECONDS": "8",
        "ARENA_RECONCILE_INTERVAL_SECONDS": "3",
        "ARENA_REQUEUE_AFTER_SECONDS": "10",
        "ARENA_SUBMISSION_MAX_ATTEMPTS": "4",
        "ARENA_AGENT_WALL_SECONDS": "40",
        "ARENA_SCENARIO_PARALLELISM": "1",  # scenarios one after another: a clear "mid-run"
    }


@pytest.fixture(scope="session")
def chaos() -> Iterator[Chaos]:
    root = Path(tempfile.mkdtemp(prefix="arena-chaos-"))
    root.chmod(0o755)  # the private Postgres runs as the postgres user
    pg = sec_stack.PrivatePostgres(root / "pg").init()
    redis = sec_stack.PrivateRedis(root / "redis").start()
    try:
        with sec_stack.arena_stack(
            db_admin_url=pg.admin_url,
            redis_base=redis.url,
            redis_db=0,
            suite="chaos",
            workers=1,
            beat=True,
            extra_env=chaos_env(root),
            root=root / "stack",
        ) as stack:
            image_id = sec_images.build_agent_image(SLOW_TAG, sec_images.SLOW_AGENT)
            archive = sec_images.save_image([SLOW_TAG], root / "slow.tar.gz", compress=True)
            sec_images.remove_images([image_id])
            world = sec_api.bootstrap_world(stack, teams=("chaosa",))
            try:
                yield Chaos(stack, pg, redis, world, archive)
            finally:
                ids: list[str] = []
                with contextlib.suppress(Exception):
                    ids = [
                        str(r[0]) for r in sec_stack.sql(stack.db_url, "SELECT id FROM submissions")
                    ]
                stack.stop()
                remove_sandbox_objects(ids)
    finally:
        redis.kill()
        pg.stop("immediate")
        import shutil

        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def baseline_scores(chaos: Chaos) -> dict:
    """The slow agent's scores from an undisturbed run (the agent is
    deterministic, so every fault-injected run must end with exactly these)."""
    sid = submit_slow(chaos)
    with chaos.stack.client(chaos.world.teams["chaosa"].token) as c:
        final = sec_api.wait_final(c, sid, timeout=600)
    assert final["status"] == "finished", final
    return scores_of(final)

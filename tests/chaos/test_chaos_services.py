"""Redis, then Postgres, restarted (hard) while submissions are in flight:
no submission is lost, every one finishes with the undisturbed scores, and
the stack is ready again (``/readyz`` 200, api answering) within 60 s of
each restart, and no sandbox of an interrupted attempt is left behind."""

from __future__ import annotations

import time

import httpx
import pytest
import sec_api
from chaos_helpers import Chaos, sandbox_objects, scores_of, submit_slow
from sec_stack import sql, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]

RECOVERY_BUDGET_S = 60.0


def _ready_after(chaos: Chaos, started: float, token: str) -> float:
    """Seconds from ``started`` until /readyz is 200 and an authenticated
    read succeeds (fails the test beyond the budget)."""
    deadline = started + RECOVERY_BUDGET_S
    while time.monotonic() < deadline:
        try:
            ready = httpx.get(chaos.stack.base_url + "/readyz", timeout=3)
            listing = httpx.get(
                chaos.stack.base_url + "/api/v1/submissions",
                timeout=5,
                headers={"Authorization": f"Bearer {token}"},
            )
            if ready.status_code == 200 and listing.status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"stack not ready within {RECOVERY_BUDGET_S}s of the restart")


def test_redis_then_postgres_restart_loses_nothing(chaos: Chaos, baseline_scores: dict) -> None:
    token = chaos.world.teams["chaosa"].token
    ids = [submit_slow(chaos) for _ in range(3)]
    with chaos.stack.client(token) as c:
        sec_api.wait_status(c, ids[0], {"running"}, timeout=300)

    t0 = time.monotonic()
    chaos.redis.restart()  # SIGKILL + start: unacked deliveries and pubsub gone
    redis_recovery = _ready_after(chaos, t0, token)

    with chaos.stack.client(token) as c:  # a submission made while things recover
        ids.append(submit_slow(chaos))
        sec_api.wait_status(c, ids[1], {"running", "scoring", "finished"}, timeout=300)

    t1 = time.monotonic()
    chaos.pg.restart()  # immediate stop (crash-like) + start
    pg_recovery = _ready_after(chaos, t1, token)
    print(f"\nrecovery: redis {redis_recovery:.1f}s, postgres {pg_recovery:.1f}s")

    finals = {}
    with chaos.stack.client(token) as c:
        for sid in ids:
            finals[sid] = sec_api.wait_final(c, sid, timeout=900)
    bad = {
        sid: (f["status"], f["failure"]) for sid, f in finals.items() if f["status"] != "finished"
    }
    assert not bad, bad
    for sid, final in finals.items():
        assert scores_of(final) == baseline_scores, sid
        assert (
            sql(
                chaos.stack.db_url,
                "SELECT count(*) FROM submission_scores WHERE submission_id = %s",
                (sid,),
            )[0][0]
            == 1
        )
    assert redis_recovery < RECOVERY_BUDGET_S and pg_recovery < RECOVERY_BUDGET_S
    # attempts interrupted by the outages leave no sandbox behind
    try:
        wait_until(
            lambda: not any(sandbox_objects(sid) for sid in ids),
            120,
            2,
            "sandboxes of interrupted attempts removed",
        )
    except TimeoutError:
        pytest.fail(f"left behind: {[o for sid in ids for o in sandbox_objects(sid)]}")

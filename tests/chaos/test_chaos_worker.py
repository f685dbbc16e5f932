"""A worker killed with SIGKILL in the middle of an evaluation: the
submission still finishes exactly once, with the same scores as an
undisturbed run, and no container or volume of it is left behind."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import sec_api
from chaos_helpers import Chaos, sandbox_objects, scores_of, submit_slow
from sec_stack import sql, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]


@dataclass
class Killed:
    sid: str
    final: dict
    recovered_in: float


@pytest.fixture(scope="module")
def killed(chaos: Chaos) -> Killed:
    stack = chaos.stack
    sid = submit_slow(chaos)
    with stack.client(chaos.world.teams["chaosa"].token) as c:
        # mid-evaluation: at least one scenario done, at least one to go
        wait_until(
            lambda: (lambda s: s["status"] == "running" and s["scenarios_done"] >= 1)(
                c.get(f"/api/v1/submissions/{sid}").json()
            ),
            300,
            0.3,
            "first scenario done",
        )
        assert sandbox_objects(sid), "the sandbox should be up mid-run"
        victim = stack.workers[0]
        victim.kill9()
        stack.workers.remove(victim)
        killed_at = time.monotonic()
        stack.start_worker("after-kill")
        final = sec_api.wait_final(c, sid, timeout=600)
    recovered_in = time.monotonic() - killed_at
    print(
        f"\nworker kill -9: finished {recovered_in:.1f}s after the kill, attempt {final['attempt']}"
    )
    return Killed(sid, final, recovered_in)


def test_worker_kill9_finishes_exactly_once(
    chaos: Chaos, killed: Killed, baseline_scores: dict
) -> None:
    final = killed.final
    assert final["status"] == "finished", final
    assert final["attempt"] >= 2, "the second attempt should have done the work"
    assert scores_of(final) == baseline_scores
    # exactly once: one score row, one set of cluster counts
    db = chaos.stack.db_url
    assert (
        sql(db, "SELECT count(*) FROM submission_scores WHERE submission_id = %s", (killed.sid,))[
            0
        ][0]
        == 1
    )
    assert not sql(
        db,
        "SELECT cluster_id FROM submission_clusters WHERE submission_id = %s "
        "GROUP BY cluster_id HAVING count(*) > 1",
        (killed.sid,),
    )


def test_worker_kill9_leaves_no_orphans(killed: Killed) -> None:
    try:
        wait_until(lambda: not sandbox_objects(killed.sid), 90, 2, "orphans removed")
    except TimeoutError:
        pytest.fail(f"orphans of the killed attempt left: {sandbox_objects(killed.sid)}")

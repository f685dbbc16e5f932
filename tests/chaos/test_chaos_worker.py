"""A worker killed with SIGKILL in the middle of an evaluation: the
submission still finishes exactly once, with the same scores as an
undisturbed run, and no container or volume of it is left behind."""

from __future__ import annotations

import time

import pytest
import sec_api
from chaos_helpers import Chaos, scores_of, submit_slow
from sec_stack import sql, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]


def _sandbox_objects(sub_id: str) -> list[str]:
    import docker

    client = docker.from_env()
    out = [f"container {c.name}" for c in client.containers.list(
        all=True, filters={"label": "org.assetops.arena=1"}) if sub_id in str(c.labels)]
    out += [f"volume {v.name}" for v in client.volumes.list(
        filters={"label": "org.assetops.arena=1"}) if sub_id in str(v.attrs.get("Labels"))]
    return out


def test_worker_kill9_finishes_exactly_once(chaos: Chaos, baseline_scores: dict) -> None:
    stack = chaos.stack
    sid = submit_slow(chaos)
    with stack.client(chaos.world.teams["chaosa"].token) as c:
        # mid-evaluation: at least one scenario done, at least one to go
        wait_until(lambda: (lambda s: s["status"] == "running" and s["scenarios_done"] >= 1)(
            c.get(f"/api/v1/submissions/{sid}").json()), 300, 0.3, "first scenario done")
        assert _sandbox_objects(sid), "the sandbox should be up mid-run"
        victim = stack.workers[0]
        victim.kill9()
        stack.workers.remove(victim)
        killed_at = time.monotonic()
        stack.start_worker("after-kill")
        final = sec_api.wait_final(c, sid, timeout=600)
    recovered_in = time.monotonic() - killed_at
    print(f"\nworker kill -9: finished {recovered_in:.1f}s after the kill, "
          f"attempt {final['attempt']}")
    assert final["status"] == "finished", final
    assert final["attempt"] >= 2, "the second attempt should have done the work"
    assert scores_of(final) == baseline_scores
    # exactly once: one score row, one set of cluster counts
    assert sql(stack.db_url, "SELECT count(*) FROM submission_scores WHERE submission_id = %s",
               (sid,))[0][0] == 1
    dupes = sql(stack.db_url, "SELECT cluster_id, count(*) FROM submission_clusters "
                              "WHERE submission_id = %s GROUP BY cluster_id HAVING count(*) > 1",
                (sid,))
    assert not dupes
    # the killed worker's sandbox (containers, volumes) is cleaned up
    try:
        wait_until(lambda: not _sandbox_objects(sid), 90, 2, "orphans removed")
    except TimeoutError:
        pytest.fail(f"orphans of the killed attempt left: {_sandbox_objects(sid)}")

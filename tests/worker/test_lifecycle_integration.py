"""The submission lifecycle on real Postgres, Redis, Celery and Docker.

End to end: upload a real `docker save` of the baseline example agent through
the api, a real Celery worker (with beat running the reconciler) takes it
to finished, the leaderboard answers 200 then 304, and no canary of the
scenario set appears in a pg_dump or in any api response.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from arena_api_env import World, auth
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from services.settings import Settings
from services.store.db import session_factory
from services.store.models import Submission, SubmissionScore

pytestmark = [pytest.mark.integration, pytest.mark.docker]
CANARY = re.compile(r"CANARY-[0-9a-f]{16}")


def _attempt_images(docker_client: Any, sid: str, attempt: int) -> list[str]:
    from worker.pipeline import sandbox_label
    from worker.sandbox.intake import INTERNAL_REPOSITORY, reference_repository

    prefix = reference_repository(sandbox_label(sid, attempt)) + ":"
    return [
        tag
        for image in docker_client.images.list(name=f"{INTERNAL_REPOSITORY}/*")
        for tag in image.tags
        if tag.startswith(prefix)
    ]


def wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.5)


@pytest.fixture
def client(worker_settings: Settings) -> Any:
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    with TestClient(create_app(worker_settings, configure_logging=False)) as c:
        yield c


def upload_file(client: TestClient, token: str, path: Path, track: str = "execution") -> dict:
    with path.open("rb") as fh:
        r = client.post(
            "/api/v1/submissions",
            params={"track": track},
            content=fh,
            headers=auth(token) | {"Content-Type": "application/x-tar"},
        )
    assert r.status_code == 202, r.text
    return r.json()


def wait_for(
    client: TestClient,
    token: str,
    sid: str,
    until: Callable[[dict], bool],
    timeout: float = 300,
    seen: list[str] | None = None,
) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/submissions/{sid}", headers=auth(token)).json()
        if seen is not None and (not seen or seen[-1] != body["status"]):
            seen.append(body["status"])
        if until(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"timed out; last state {body}")


def scenario_secrets(settings: Settings) -> tuple[set[str], list[str]]:
    """Canaries and full texts of the scenarios the worker ran."""
    from hidden_scenarios.sets import load_file

    scenarios = load_file(settings.scenario_file)
    canaries = {s.canary for s in scenarios}
    assert canaries and all(s.canary in s.text for s in scenarios)
    return canaries, [s.text for s in scenarios]


def pg_dump(settings: Settings) -> str:
    dbname = settings.database_url.rsplit("/", 1)[1]
    out = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "arena", "--data-only", dbname],
        env={"PGPASSWORD": "arena", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
        timeout=120,
    )
    return out.stdout.decode()


def test_end_to_end_baseline_agent(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    celery_worker: Any,
) -> None:
    worker = celery_worker()
    responses: list[str] = []
    created = upload_file(client, world.team_a, agent_tars["baseline"])
    sid = created["id"]
    seen: list[str] = []
    final = wait_for(
        client,
        world.team_a,
        sid,
        lambda b: b["status"] in ("finished", "failed", "cancelled"),
        seen=seen,
    )
    assert final["status"] == "finished", (final, worker.logs()[-3000:])
    assert final["progress"] == 1.0 and final["scenarios_done"] == final["scenarios_total"] > 0
    assert final["validating_at"] and final["running_at"] and final["scoring_at"]
    assert set(seen) <= {"queued", "validating", "running", "scoring", "finished"}
    scores = final["scores"]
    assert scores["scenarios"] == final["scenarios_total"]
    responses.append(json.dumps(final))
    # the tarball goes (retention 0) once the row is final: the worker deletes
    # it after committing the final status, so wait for that, not for the status
    tarball = worker_settings.data_dir / "uploads" / f"{sid}.tar"
    wait_until(lambda: not tarball.exists(), 30, "the tarball of a finished submission to go")

    r1 = client.get("/api/v1/leaderboard", params={"phase": world.phase_id, "track": "execution"})
    assert r1.status_code == 200
    assert r1.json()["entries"][0]["submission_id"] == sid
    # the phase is pinned to what it was scored on (here the operator's
    # scenario file), and every score records it
    assert worker_settings.scenario_file is not None
    file_digest = "sha256:" + hashlib.sha256(worker_settings.scenario_file.read_bytes()).hexdigest()
    pack_ref = r1.json()["phase"]["scenario_pack"]
    assert pack_ref == {
        "name": f"file:{worker_settings.scenario_file.name}",
        "version": "-",
        "public": False,
    }
    with session_factory(worker_settings.database_url)() as session:
        score = session.get(SubmissionScore, uuid.UUID(sid))
        assert score is not None and score.scenario_pack_digest == file_digest
    r2 = client.get(
        "/api/v1/leaderboard",
        params={"phase": world.phase_id, "track": "execution"},
        headers={"If-None-Match": r1.headers["etag"]},
    )
    assert r2.status_code == 304
    responses += [
        r1.text,
        client.get(f"/api/v1/submissions/{sid}/failures", headers=auth(world.team_a)).text,
        client.get("/api/v1/failures/catalog").text,
        client.get(f"/api/phases/{world.phase_id}/get_leaderboard/").text,
        client.get("/api/v1/submissions", headers=auth(world.admin)).text,
        client.get("/metrics").text,
    ]
    # team B sees nothing of it
    assert client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_b)).status_code == 404
    assert (
        client.get(f"/api/v1/submissions/{sid}/failures", headers=auth(world.team_b)).status_code
        == 404
    )

    canaries, texts = scenario_secrets(worker_settings)
    dump = pg_dump(worker_settings)
    assert sid in dump  # the dump is real
    for blob in [dump, *responses, worker.logs()]:
        assert not CANARY.search(blob), "a canary leaked"
        for secret in [*canaries, *texts]:
            assert secret not in blob, "scenario text leaked"


def test_running_twice_never_double_writes(
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    client: TestClient,
    celery_worker: Any,
) -> None:
    """A duplicated delivery (two workers, same id) writes scores once."""
    from worker import pipeline

    created = upload_file(client, world.team_a, agent_tars["noop"])
    sid = uuid.UUID(created["id"])
    deps = pipeline.default_deps(worker_settings)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(pipeline.process(sid, deps)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert sorted(outcomes) == ["finished", "skipped"]
    assert pipeline.process(sid, deps) == "skipped"  # and a third, late delivery
    with session_factory(worker_settings.database_url)() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(SubmissionScore)
                .where(SubmissionScore.submission_id == sid)
            )
            == 1
        )
        assert session.get(Submission, sid).attempt == 1


def test_cancel_while_running_stops_the_sandbox(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    docker_client: Any,
    agent_tars: dict[str, Path],
    celery_worker: Any,
) -> None:
    celery_worker()
    sid = upload_file(client, world.team_a, agent_tars["sleeper"])["id"]
    wait_for(client, world.team_a, sid, lambda b: b["status"] == "running", timeout=180)
    time.sleep(2)  # agents are up
    t0 = time.monotonic()
    r = client.post(f"/api/v1/submissions/{sid}/cancel", headers=auth(world.team_a))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # the worker notices on its next heartbeat (lease/3 = 2 s) and tears down
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        left = docker_client.containers.list(
            all=True, sparse=True, filters={"label": [f"org.assetops.submission={sid}-a1"]}
        )
        if not left:
            break
        time.sleep(0.5)
    assert not left, "sandbox containers survived the cancel"
    assert time.monotonic() - t0 < 60  # well before the 30 s x scenarios wall time
    # ... and the attempt's image goes with them (it used to stay tagged)
    wait_until(lambda: not _attempt_images(docker_client, sid, 1), 60, "image removed")
    body = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()
    assert body["status"] == "cancelled" and body["scores"] is None
    assert body["failure"]["counts_against_quota"] is False
    can = client.get(
        f"/api/v1/phases/{world.phase_id}/can_make_submission", headers=auth(world.team_a)
    ).json()
    assert can["used_today"] == 0


def test_cancel_while_queued(client: TestClient, world: World, agent_tars: dict[str, Path]) -> None:
    sid = upload_file(client, world.team_a, agent_tars["noop"])["id"]  # no worker running
    r = client.post(f"/api/v1/submissions/{sid}/cancel", headers=auth(world.team_a))
    assert r.json()["status"] == "cancelled"
    second = client.post(f"/api/v1/submissions/{sid}/cancel", headers=auth(world.team_a))
    assert second.status_code == 409 and second.json()["code"] == "already_final"


def test_worker_killed_midrun_is_recovered(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    celery_worker: Any,
    docker_client: Any,
) -> None:
    """SIGKILL the worker while it runs a submission: the lease expires,
    the reconciler (beat on a second worker) re-queues it and attempt 2
    claims it. Postgres, not the broker, decides."""
    first = celery_worker(beat=False)
    sid = upload_file(client, world.team_a, agent_tars["sleeper"])["id"]
    wait_for(client, world.team_a, sid, lambda b: b["status"] == "running", timeout=180)
    first.kill()
    second = celery_worker(beat=True)
    body = wait_for(
        client,
        world.team_a,
        sid,
        lambda b: b["attempt"] >= 2 and b["status"] == "running",
        timeout=120,
    )
    assert body["attempt"] == 2
    assert '"action": "requeue"' in second.logs()  # the reconciler, not the broker
    # the killed attempt's sidecar/agents are orphans: removed, attempt 2's kept
    label = {"label": [f"org.assetops.submission={sid}-a1"]}
    deadline = time.monotonic() + 60
    while (
        docker_client.containers.list(all=True, sparse=True, filters=label)
        and time.monotonic() < deadline
    ):
        time.sleep(1)
    assert not docker_client.containers.list(all=True, sparse=True, filters=label)
    assert not docker_client.volumes.list(filters=label)
    a2 = {"label": [f"org.assetops.submission={sid}-a2"]}
    deadline = time.monotonic() + 60
    while (
        not docker_client.containers.list(sparse=True, filters=a2) and time.monotonic() < deadline
    ):
        time.sleep(1)
    assert docker_client.containers.list(
        sparse=True, filters=a2
    )  # attempt 2's sandbox is untouched
    # the dead attempt's image reference was reaped when attempt 2 claimed
    assert not _attempt_images(docker_client, sid, 1)
    assert _attempt_images(docker_client, sid, 2)
    client.post(f"/api/v1/submissions/{sid}/cancel", headers=auth(world.team_a))


def test_intake_refusal_is_a_participant_failure_not_counted(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    celery_worker: Any,
    tmp_path: Path,
) -> None:
    """An archive that passes the api's shape checks but that the worker's
    intake refuses (the engine cannot apply its layer) fails with intake's code."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
    import arena_archives

    celery_worker()
    path = tmp_path / "fake.tar"
    path.write_bytes(arena_archives.image_tar(engine_refused=True))
    sid = upload_file(client, world.team_a, path)["id"]
    body = wait_for(
        client, world.team_a, sid, lambda b: b["status"] in ("failed", "finished"), timeout=120
    )
    assert body["status"] == "failed" and body["failure"]["kind"] == "participant"
    assert body["failure"]["code"] == "load_failed"
    assert body["failure"]["counts_against_quota"] is False
    assert body["attempt"] == 1  # a participant failure is not retried


def test_reconciler_fails_past_deadline_and_enqueues_lost(
    world: World, worker_settings: Settings, client: TestClient, agent_tars: dict[str, Path]
) -> None:
    """No worker: a row past its deadline fails with a clear reason; a row
    never handed to the broker gets enqueued."""
    import redis

    from services.store.submissions import utcnow
    from worker import reconciler

    a = upload_file(client, world.team_a, agent_tars["noop"])["id"]
    b = upload_file(client, world.team_b, agent_tars["noop"])["id"]
    now = utcnow()
    with session_factory(worker_settings.database_url)() as session:
        session.execute(
            update(Submission).where(Submission.id == uuid.UUID(a)).values(deadline_at=now)
        )
        session.execute(
            update(Submission)
            .where(Submission.id == uuid.UUID(b))
            .values(status="submitted", enqueued_at=None)
        )
        session.commit()
    r = redis.Redis.from_url(worker_settings.redis_url)
    r.delete("arena")
    sent: list[uuid.UUID] = []
    with session_factory(worker_settings.database_url)() as session:
        report = reconciler.reconcile(
            session, worker_settings, utcnow(), lambda sid: sent.append(sid) or True
        )
    assert report.actions == {"fail_deadline": [a], "enqueue": [b]}
    assert sent == [uuid.UUID(b)]
    body = client.get(f"/api/v1/submissions/{a}", headers=auth(world.team_a)).json()
    assert body["status"] == "failed" and body["failure"]["code"] == "deadline_exceeded"
    assert "does not count" in body["failure"]["message"]
    assert (
        client.get(f"/api/v1/submissions/{b}", headers=auth(world.team_b)).json()["status"]
        == "queued"
    )
    # the archive of the failed one is deleted (retention 0), the queued one kept
    assert report.archives_deleted == 1
    assert not (worker_settings.data_dir / "uploads" / f"{a}.tar").exists()
    assert (worker_settings.data_dir / "uploads" / f"{b}.tar").exists()


@pytest.mark.parametrize("worker_settings", [{"upload_retention_seconds": 3600}], indirect=True)
def test_admin_rerun_rescores_from_the_retained_archive(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    celery_worker: Any,
) -> None:
    """With a retention period the archive outlives the evaluation, so an
    admin re-run evaluates again; the score row is replaced, never doubled,
    and the board version moves."""
    celery_worker()
    sid = upload_file(client, world.team_a, agent_tars["noop"])["id"]
    done = lambda b: b["status"] in ("finished", "failed", "cancelled")  # noqa: E731
    first = wait_for(client, world.team_a, sid, done)
    assert first["status"] == "finished"
    assert (worker_settings.data_dir / "uploads" / f"{sid}.tar").exists()  # retained
    catalog_after_first = _catalog_counts(worker_settings)
    assert catalog_after_first  # the noop agent's empty answers made clusters
    params = {"phase": world.phase_id, "track": "execution"}
    etag = client.get("/api/v1/leaderboard", params=params).headers["etag"]
    r = client.post(f"/api/v1/admin/submissions/{sid}/rerun", headers=auth(world.admin))
    # the running worker may claim it before the response is built: any
    # state of a fresh evaluation is right, a final one is not
    assert r.status_code == 200, r.text
    assert r.json()["status"] in ("queued", "validating", "running", "scoring"), r.text
    second = wait_for(client, world.team_a, sid, done)
    assert second["status"] == "finished" and second["finished_at"] != first["finished_at"]
    with session_factory(worker_settings.database_url)() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(SubmissionScore)
                .where(SubmissionScore.submission_id == uuid.UUID(sid))
            )
            == 1
        )
    r2 = client.get("/api/v1/leaderboard", params=params, headers={"If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["etag"] != etag
    # the re-run's clusters landed on the same catalog keys, counted once (issue 19)
    assert _catalog_counts(worker_settings) == catalog_after_first


def _catalog_counts(settings: Settings) -> dict[str, tuple[int, int]]:
    from services.store.models import FailureCluster

    with session_factory(settings.database_url)() as session:
        return {
            r.id: (r.total_count, r.submission_count)
            for r in session.scalars(select(FailureCluster))
        }


def test_a_load_that_moves_a_server_image_fails_closed(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    docker_client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth behind the canonical archive: if a load ever moves a
    protected image, the worker puts it back, fails the submission closed
    (not retried, not the team's quota) and /metrics counts the incident."""
    from worker import pipeline
    from worker.sandbox import intake

    decoy_tag = f"arena-test-decoy:{uuid.uuid4().hex[:8]}"
    decoy_id = docker_client.images.get(worker_settings.sidecar_image).id
    repo, _, tag = decoy_tag.partition(":")
    docker_client.api.tag(decoy_id, repo, tag)
    settings = worker_settings.model_copy(
        update={"protected_images": f"{worker_settings.protected_images},{decoy_tag}"}
    )
    real_post = intake._post_load

    def load_and_retag(docker: Any, body: Any, timeout: float) -> list[str]:
        messages = real_post(docker, body, timeout)
        loaded = messages[0].removeprefix("Loaded image ID: ")
        docker.api.tag(loaded, repo, tag, force=True)  # what the reported attack did
        return messages

    monkeypatch.setattr(intake, "_post_load", load_and_retag)
    try:
        sid = upload_file(client, world.team_a, agent_tars["noop"])["id"]  # no worker running
        assert pipeline.process(uuid.UUID(sid), pipeline.default_deps(settings)) == "failed"
        assert docker_client.images.get(decoy_tag).id == decoy_id  # put back
        body = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()
        assert body["status"] == "failed" and body["attempt"] == 1
        assert body["failure"]["code"] == "server_image_changed"
        assert body["failure"]["counts_against_quota"] is False
        assert not _attempt_images(docker_client, sid, 1)
        metrics = client.get("/metrics").text
        assert 'arena_security_incidents{code="server_image_changed"} 1.0' in metrics
    finally:
        docker_client.images.remove(decoy_tag)


def test_a_phase_never_switches_packs_silently(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
) -> None:
    """A phase is pinned to the pack of its first evaluation; a worker that
    now holds another pack (a changed digest) fails the submission before
    loading its image, as the server's fault (not charged), and scores
    nothing on the other scenarios."""
    from services.store.models import Phase
    from worker import pipeline

    with session_factory(worker_settings.database_url)() as session:
        session.execute(
            update(Phase)
            .where(Phase.id == world.phase_id)
            .values(
                scenario_pack="public",
                scenario_pack_version="1",
                scenario_pack_digest="sha256:" + "0" * 64,  # what the phase was scored on
                scenario_pack_public=True,
            )
        )
        session.commit()
    sid = upload_file(client, world.team_a, agent_tars["noop"])["id"]  # no worker running
    assert pipeline.process(uuid.UUID(sid), pipeline.default_deps(worker_settings)) == "failed"
    body = client.get(f"/api/v1/submissions/{sid}", headers=auth(world.team_a)).json()
    assert body["failure"]["code"] == "scenario_pack_changed"
    assert body["failure"]["counts_against_quota"] is False
    assert body["scores"] is None
    # an unusable pack: refused at load, before any image, not charged
    broken = worker_settings.data_dir / "broken-pack"
    broken.mkdir()
    (broken / "pack.yaml").write_text("name: broken\nversion: 1\nplant_seed: 1\n")
    settings = worker_settings.model_copy(update={"scenario_pack": broken, "scenario_file": None})
    sid2 = upload_file(client, world.team_b, agent_tars["noop"])["id"]
    assert pipeline.process(uuid.UUID(sid2), pipeline.default_deps(settings)) == "failed"
    body = client.get(f"/api/v1/submissions/{sid2}", headers=auth(world.team_b)).json()
    assert body["failure"]["code"] == "scenario_pack_invalid"
    assert body["failure"]["counts_against_quota"] is False


HELDOUT_PACK = Path(__file__).resolve().parents[1] / "packs" / "heldout"
# a few templates of the held-out pack (ids, number, a pack-defined kind)
MOUNTED_TEMPLATES = {"ops.spot_value", "ops.spread", "rel.triage", "rel.order_card"}


def _small_pack(dest: Path) -> Path:
    """The held-out test pack cut down to two instances of a few templates."""
    import shutil

    import yaml

    shutil.copytree(HELDOUT_PACK, dest, ignore=shutil.ignore_patterns("__pycache__"))
    for path in (dest / "templates").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text())
        for entry in doc["templates"]:
            entry["instances"] = {"hidden": 2 if entry["id"] in MOUNTED_TEMPLATES else 0}
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest


def _pack_fragments(pack_dir: Path) -> list[str]:
    """Literal runs of the pack's phrasings (between placeholders), long
    enough to be unmistakable."""
    import string

    from hidden_scenarios.pack import load_pack

    public = "\n".join(load_pack().texts())  # shipped in the image on purpose
    out: set[str] = set()
    for text in load_pack(pack_dir).texts():
        for literal, *_ in string.Formatter().parse(text):
            out |= {p.strip() for p in literal.split(".") if len(p.strip()) >= 20}
    return sorted(f for f in out if f not in public)


def test_a_mounted_pack_is_scored_and_its_text_stays_in_the_worker(
    client: TestClient,
    world: World,
    worker_settings: Settings,
    agent_tars: dict[str, Path],
    celery_worker: Any,
    docker_client: Any,
) -> None:
    """Issue 16: the worker scores the operator's pack (ARENA_SCENARIO_PACK),
    the board names it, the score records its digest; no canary and no
    phrasing of the pack appears in the api's responses, the database, the
    worker's log or the server image."""
    from hidden_scenarios import sets
    from hidden_scenarios.pack import load_pack

    pack_dir = _small_pack(worker_settings.data_dir.parent / "operator-pack")
    worker_settings.scenario_file = None
    worker_settings.scenario_pack = pack_dir
    worker_settings.hidden_seed = "mounted-pack-seed"
    pack = load_pack(pack_dir)
    scenarios = sets.hidden_set("mounted-pack-seed", pack=pack)
    assert {s.template for s in scenarios} == MOUNTED_TEMPLATES
    patched = client.patch(
        f"/api/v1/admin/phases/{world.phase_id}",
        json={"compare_public_pack": True},
        headers=auth(world.admin),
    )
    assert patched.status_code == 200
    worker = celery_worker()
    sid = upload_file(client, world.team_a, agent_tars["baseline"])["id"]
    final = wait_for(
        client, world.team_a, sid, lambda b: b["status"] in ("finished", "failed", "cancelled")
    )
    assert final["status"] == "finished", (final, worker.logs()[-3000:])
    execution = [s for s in scenarios if "execution" in s.tracks]
    public = [s for s in sets.public_set() if "execution" in s.tracks]
    # the phase compares packs: the public set ran too, scored apart
    comparison = client.get(
        f"/api/v1/admin/phases/{world.phase_id}/pack-comparison",
        params={"track": "execution"},
        headers=auth(world.admin),
    ).json()
    [entry] = comparison["entries"]
    assert entry["submission_id"] == sid and comparison["scenario_pack"] == "heldout-test 2026.12"
    # the example baseline (written against the public pack) keeps its public
    # score on the kinds it was written for and fails issue 17's (dialogs,
    # actions, evidence, chains: about 77 overall on the whole public set)
    assert entry["public_overall"] >= 70.0 > entry["hidden_overall"], entry
    # every scenario, plus its invariance probes (other entity forms, another
    # phrasing), which are scored apart
    probes = sets.scenario_source(worker_settings).variants(
        execution, worker_settings.invariance_sample
    )
    assert probes and final["scenarios_total"] == len(execution) + len(probes) + len(public)
    assert final["scores"]["scenarios"] == len(execution)
    invariance = final["scores"]["invariance"]
    assert invariance["sample"] == max(
        sum(v.kind == kind for v in probes) for kind in ("entity", "phrasing")
    )
    assert final["scores"]["scenario_pack"] == {"name": "heldout-test", "version": "2026.12"}
    board = client.get("/api/v1/leaderboard", params={"phase": world.phase_id})
    assert board.json()["phase"]["scenario_pack"] == {
        "name": "heldout-test",
        "version": "2026.12",
        "public": False,
    }
    page = client.get("/", params={"phase": world.phase_id}).text
    assert "Scenario pack: heldout-test 2026.12 (hidden)" in page
    with session_factory(worker_settings.database_url)() as session:
        score = session.get(SubmissionScore, uuid.UUID(sid))
        assert score is not None and score.scenario_pack_digest == pack.digest

    responses = [
        board.text,
        page,
        json.dumps(final),
        client.get(f"/api/v1/submissions/{sid}/failures", headers=auth(world.team_a)).text,
        client.get("/api/v1/failures/catalog").text,
        client.get(f"/api/phases/{world.phase_id}/get_leaderboard/").text,
        client.get("/metrics").text,
    ]
    fragments = _pack_fragments(pack_dir)
    assert len(fragments) >= 5
    texts = [s.text for s in scenarios]
    dump = pg_dump(worker_settings)
    assert sid in dump
    for blob in [dump, *responses, worker.logs()]:
        assert not CANARY.search(blob), "a canary leaked"
        for secret in [*texts, *fragments]:
            assert secret not in blob, f"pack text leaked: {secret[:40]!r}"
    # the server image holds the public pack, never an operator's
    container = docker_client.containers.create(worker_settings.sidecar_image, command=["true"])
    try:
        image_bytes = b"".join(container.export())
    finally:
        container.remove(force=True)
    assert b"packs/public/pack.yaml" in image_bytes
    for secret in fragments:
        assert secret.encode() not in image_bytes, f"pack text in the image: {secret[:40]!r}"

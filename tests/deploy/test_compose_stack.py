"""Compose smoke test: the real stack (offline images, host networking,
everything on 127.0.0.1 at free ports, TWO workers on one Redis and one
Postgres) brought up with `deploy/stack.sh up` exactly as `make deploy` does;
checked, re-deployed, given two real submissions (one per worker, scored end
to end), backed up, restored, its demo script run, re-deployed with an
operator's scenario pack and back, and torn down. Needs Docker and the images
(`make images`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_stack import ROOT, Stack, listening_addresses, missing_images

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.timeout(900)]
PUBLIC_LINE = "scores on the public pack: participants can see it"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if subprocess.run(["docker", "info"], capture_output=True).returncode:
        pytest.skip("no Docker engine")
    if missing := missing_images():
        pytest.skip(f"images not built ({', '.join(missing)}): make images")
    s = Stack(state_dir=tmp_path_factory.mktemp("stack"), workers=2)
    try:
        s.first_output = s.up()  # type: ignore[attr-defined]
        yield s
    finally:
        s.down()


def test_up_prints_the_url_and_the_admin_token(stack: Stack) -> None:
    out = stack.first_output  # type: ignore[attr-defined]
    assert f"AssetOps Arena is up: {stack.url}" in out
    assert stack.secret("ADMIN_TOKEN") in out
    assert PUBLIC_LINE in out.splitlines()  # deployed without PACK


def test_health_and_readiness(stack: Stack) -> None:
    status, body = stack.get("/healthz")
    assert status == 200 and body["status"] == "ok"
    status, body = stack.get("/readyz")
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "redis": "ok"}


def test_every_role_runs_and_migrate_finished(stack: Stack) -> None:
    containers = stack.containers()
    for service in ("postgres", "redis", "api", "beat"):
        assert [c["State"]["Status"] for c in containers[service]] == ["running"], service
    assert [c["State"]["Status"] for c in containers["worker"]] == ["running", "running"]
    (migrate,) = containers["migrate"]
    assert migrate["State"]["Status"] == "exited" and migrate["State"]["ExitCode"] == 0


def test_server_roles_run_as_non_root_and_only_the_worker_has_the_socket(stack: Stack) -> None:
    containers = stack.containers()
    for service in ("api", "worker", "beat", "migrate"):
        for c in containers[service]:
            assert c["Config"]["User"] == "arena", service
            sockets = [m for m in c["Mounts"] if m["Destination"] == "/var/run/docker.sock"]
            assert bool(sockets) == (service == "worker"), service


def test_services_listen_on_loopback_only(stack: Stack) -> None:
    for port in (stack.api_port, stack.pg_port, stack.redis_port):
        addresses = listening_addresses(port)
        assert addresses, f"nothing listens on {port}"
        assert addresses <= {"127.0.0.1", "::ffff:127.0.0.1"}, (port, addresses)


def test_first_admin_token_works_and_redeploy_is_a_no_op(stack: Stack) -> None:
    token = stack.secret("ADMIN_TOKEN")
    status, _ = stack.get("/api/v1/admin/teams", token)
    assert status == 200
    assert stack.get("/api/v1/admin/teams", "arena_not-a-real-token-0000")[0] == 401

    def ids() -> dict[str, str]:
        return {
            f"{s}{i}": c["Id"]
            for s, cs in stack.containers().items()
            if s != "migrate"
            for i, c in enumerate(sorted(cs, key=lambda c: c["Id"]))
        }

    before = ids()
    out = stack.up()
    assert "already registered" in out or stack.secret("ADMIN_TOKEN") in out
    assert ids() == before  # nothing recreated
    assert stack.get("/api/v1/admin/teams", token)[0] == 200  # still one valid token


def test_two_workers_share_one_broker(stack: Stack) -> None:
    (worker, _) = stack.containers()["worker"]
    done = subprocess.run(
        [
            "docker",
            "exec",
            worker["Id"],
            "celery",
            "-A",
            "worker.celery_app:app",
            "inspect",
            "ping",
            "--json",
            "--timeout",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    nodes = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(nodes) == 2 and all(r == {"ok": "pong"} for r in nodes.values()), nodes


def build_agent(tag: str, variant: str) -> None:
    """The noop example agent; `variant` makes the image id differ."""
    done = subprocess.run(
        [
            "docker",
            "build",
            "-q",
            "--network",
            "none",
            "--label",
            "org.assetops.arena=1",
            "--label",
            f"org.assetops.test.variant={variant}",
            "-t",
            tag,
            str(ROOT / "examples/agents/noop"),
        ],
        env={"DOCKER_BUILDKIT": "0", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def worker_records(container: str) -> list[dict]:
    """The worker's JSON log records, in order."""
    done = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
    records = []
    for line in (done.stdout + done.stderr).splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def claimed_submissions(container: str) -> set[str]:
    """Submission ids this worker logged as claimed."""
    return {
        str(r.get("submission_id")) for r in worker_records(container) if r.get("msg") == "claimed"
    }


def test_two_submissions_are_scored_end_to_end_by_two_workers(stack: Stack) -> None:
    done = stack.run(
        "admin",
        "create-phase",
        "--title",
        "Smoke",
        "--tracks",
        "planning,execution",
        "--quota",
        "10",
        "--max-concurrent",
        "2",
    )
    assert done.returncode == 0, done.stderr
    assert stack.run("admin", "create-team", "smoke").returncode == 0
    token = stack.run("admin", "create-token", "--team", "smoke").stdout.strip().splitlines()[-1]
    tags = [f"arena-smoke-agent-{i}:{stack.project}" for i in (1, 2)]
    ids: list[str] = []
    try:
        for i, tag in enumerate(tags):
            build_agent(tag, f"{stack.project}-{i}")
            sub = subprocess.run(
                [str(ROOT / ".venv/bin/assetops"), "submit", tag, "--track", "execution", "--json"],
                env={
                    **stack.env(),
                    "ASSETOPS_URL": stack.url,
                    "ASSETOPS_TOKEN": token,
                    "ASSETOPS_CONFIG_DIR": str(stack.state_dir / "cli"),
                },
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert sub.returncode == 0, sub.stdout + sub.stderr
            ids.append(json.loads(sub.stdout)["id"])
    finally:
        subprocess.run(["docker", "image", "rm", "-f", *tags], capture_output=True)

    deadline = time.monotonic() + 600
    final: dict[str, dict] = {}
    while time.monotonic() < deadline and len(final) < len(ids):
        for sid in ids:
            status, body = stack.get(f"/api/v1/submissions/{sid}", token)
            assert status == 200, body
            if body["status"] in ("finished", "failed", "cancelled"):
                final[sid] = body
        time.sleep(2)
    assert len(final) == 2, f"not finished in time, final: {list(final)} of {ids}"
    for body in final.values():
        assert body["status"] == "finished", body["failure"]
        assert body["scores"] is not None and body["scenarios_done"] == body["scenarios_total"] > 0

    workers = stack.containers()["worker"]
    events = {
        w["Id"][:12]: [
            {k: r.get(k) for k in ("msg", "submission_id", "attempt", "code", "error", "exc_where")}
            for r in worker_records(w["Id"])
            if r.get("msg") in ("claimed", "evaluation error", "lease refused; stopping", "stopped")
        ]
        for w in workers
    }
    # each worker claimed one: the second submission did not wait for the first
    claims = [sorted(claimed_submissions(w["Id"]) & set(ids)) for w in workers]
    assert sorted(len(c) for c in claims) == [1, 1], events

    status, board = stack.get("/api/v1/leaderboard?track=execution")
    assert status == 200
    assert "smoke" in json.dumps(board)


def test_backup_and_restore_round_trip(stack: Stack, tmp_path: Path) -> None:
    token = stack.secret("ADMIN_TOKEN")
    assert stack.post("/api/v1/admin/teams", {"name": "kept-team"}, token)[0] == 201
    backup_dir = tmp_path / "backups"
    done = subprocess.run(
        ["bash", "deploy/stack.sh", "backup"],
        cwd=Path(__file__).resolve().parents[2],
        env={**stack.env(), "BACKUP_DIR": str(backup_dir)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (dump,) = backup_dir.glob("arena-*.dump")
    assert dump.stat().st_size > 1000
    assert stack.post("/api/v1/admin/teams", {"name": "lost-team"}, token)[0] == 201

    done = stack.run("restore", str(dump))
    assert done.returncode == 0, done.stdout + done.stderr
    status, teams = stack.get("/api/v1/admin/teams", token)
    assert status == 200
    names = {t["name"] for t in teams}
    assert "kept-team" in names and "lost-team" not in names


def test_demo_script_says_the_scores_are_on_the_public_pack(stack: Stack, tmp_path: Path) -> None:
    # deploy/demo.sh as `make demo` runs it after deploying, with a stand-in for
    # the participant CLI (submitting and scoring are covered above)
    cli = tmp_path / "assetops"
    cli.write_text('#!/bin/sh\necho "assetops $*"\n')
    cli.chmod(0o755)
    tag = f"arena-demo-agent:{stack.project}"
    try:
        done = subprocess.run(
            ["bash", str(ROOT / "deploy/demo.sh")],
            cwd=ROOT,
            env={
                **stack.env(),
                "CLI": str(cli),
                "AGENT_IMAGE": tag,
                "DEMO_TEAM": "demo-pack",
                "ASSETOPS_CONFIG_DIR": str(tmp_path / "cli"),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert PUBLIC_LINE in lines
    assert lines.index(PUBLIC_LINE) > lines.index(next(x for x in lines if "leaderboard" in x))

    # issue 21: the demo names the board it filled (page and api, with its
    # phase and track), and that board is the one a newcomer opens without
    # parameters (the latest phase's track with the latest finished entry;
    # execution before any)
    (api_line,) = [x.strip() for x in lines if x.strip().startswith("api:")]
    (page_line,) = [x.strip() for x in lines if x.strip().startswith("page:")]
    match = re.fullmatch(
        r"api:\s+(http://127\.0\.0\.1:\d+)/api/v1/leaderboard\?phase=(\d+)&track=execution",
        api_line,
    )
    assert match, api_line
    base, phase = match[1], int(match[2])
    assert base == stack.url
    assert page_line == f"page: {base}/?phase={phase}&track=execution"
    status, named = stack.get(f"/api/v1/leaderboard?phase={phase}&track=execution")
    assert status == 200, named
    status, default = stack.get("/api/v1/leaderboard")
    assert status == 200, default
    assert (default["phase"]["id"], default["track"]) == (phase, "execution")
    assert default["entries"] == named["entries"]


def pack_mounts(container: dict) -> list[dict]:
    return [m for m in container["Mounts"] if m["Destination"].startswith("/run/arena")]


def pack_env(container: dict) -> list[str]:
    return [e for e in container["Config"]["Env"] or [] if e.startswith("ARENA_SCENARIO_PACK=")]


def test_scenario_pack_is_mounted_read_only_into_the_workers_only(
    stack: Stack, tmp_path: Path
) -> None:
    # last in the module: it re-deploys the workers (twice)
    pack = tmp_path / "round1"
    public = ROOT / "packs/public"
    if (public / "pack.yaml").is_file():  # a pack the workers' loader accepts
        shutil.copytree(public, pack)
    else:
        pack.mkdir()
        (pack / "pack.yaml").write_text("name: smoke\nversion: 1\n")
    source = os.path.realpath(pack)
    out = stack.up(PACK=str(pack))
    line = f"scenario pack: {source} (mounted read-only into workers)"
    assert line in out.splitlines() and PUBLIC_LINE not in out
    assert "scenario pack changed from the public pack" in out

    containers = stack.containers()
    assert len(containers["worker"]) == 2
    for worker in containers["worker"]:
        (mount,) = pack_mounts(worker)
        assert mount["Type"] == "bind" and mount["RW"] is False, mount
        assert mount["Source"] == source and mount["Destination"] == "/run/arena/pack"
        assert pack_env(worker) == ["ARENA_SCENARIO_PACK=/run/arena/pack"]
    for service in ("api", "beat", "migrate", "postgres", "redis"):
        for c in containers[service]:
            assert pack_mounts(c) == [] and pack_env(c) == [], service
    # the worker's user reads it and cannot change it
    worker = containers["worker"][0]["Id"]
    done = subprocess.run(
        [
            "docker",
            "exec",
            worker,
            "sh",
            "-c",
            "head -c 1 /run/arena/pack/pack.yaml >/dev/null"
            " && ! touch /run/arena/pack/x 2>/dev/null",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not (pack / "x").exists()

    # a re-deploy without PACK keeps the pack and recreates nothing
    ids = sorted(c["Id"] for c in stack.containers()["worker"])
    out = stack.up()
    assert line in out.splitlines()
    assert sorted(c["Id"] for c in stack.containers()["worker"]) == ids

    # PACK=public: back to the public pack, the mount is gone
    out = stack.up(PACK="public")
    assert PUBLIC_LINE in out.splitlines()
    containers = stack.containers()
    assert len(containers["worker"]) == 2
    for service, cs in containers.items():
        for c in cs:
            assert pack_mounts(c) == [] and pack_env(c) == [], service

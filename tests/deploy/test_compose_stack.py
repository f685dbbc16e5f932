"""Compose smoke test: the real stack (offline images, host networking,
everything on 127.0.0.1 at free ports) brought up with `deploy/stack.sh up`
exactly as `make deploy` does, checked, re-deployed, backed up, restored and
torn down. Needs Docker and the images (`make images`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_stack import Stack, listening_addresses, missing_images

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if subprocess.run(["docker", "info"], capture_output=True).returncode:
        pytest.skip("no Docker engine")
    if missing := missing_images():
        pytest.skip(f"images not built ({', '.join(missing)}): make images")
    s = Stack(state_dir=tmp_path_factory.mktemp("stack"))
    try:
        s.first_output = s.up()  # type: ignore[attr-defined]
        yield s
    finally:
        s.down()


def test_up_prints_the_url_and_the_admin_token(stack: Stack) -> None:
    out = stack.first_output  # type: ignore[attr-defined]
    assert f"AssetOps Arena is up: {stack.url}" in out
    assert stack.secret("ADMIN_TOKEN") in out


def test_health_and_readiness(stack: Stack) -> None:
    status, body = stack.get("/healthz")
    assert status == 200 and body["status"] == "ok"
    status, body = stack.get("/readyz")
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "redis": "ok"}


def test_every_role_runs_and_migrate_finished(stack: Stack) -> None:
    containers = stack.containers()
    for service in ("postgres", "redis", "api", "worker", "beat"):
        assert [c["State"]["Status"] for c in containers[service]] == ["running"], service
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
        return {s: c[0]["Id"] for s, c in stack.containers().items() if s != "migrate"}

    before = ids()
    out = stack.up()
    assert "already registered" in out or stack.secret("ADMIN_TOKEN") in out
    assert ids() == before  # nothing recreated
    assert stack.get("/api/v1/admin/teams", token)[0] == 200  # still one valid token


def test_backup_and_restore_round_trip(stack: Stack, tmp_path: Path) -> None:
    token = stack.secret("ADMIN_TOKEN")
    assert stack.post("/api/v1/admin/teams", {"name": "kept-team"}, token)[0] == 201
    backup_dir = tmp_path / "backups"
    done = subprocess.run(
        ["bash", "deploy/stack.sh", "backup"], cwd=Path(__file__).resolve().parents[2],
        env={**stack.env(), "BACKUP_DIR": str(backup_dir)}, capture_output=True, text=True,
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

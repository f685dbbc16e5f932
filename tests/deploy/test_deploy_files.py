"""Fast checks of the deployment files (no Docker needed).

They catch the usual drift: a dependency added to pyproject.toml but not to
requirements.lock, a compose service that the host-network override forgets
(it would then try a compose network, which does not exist on engines run
with --bridge=none), a secret or a port bound beyond loopback in test mode.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)\s*(;.*)?$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements.lock: not an exact pin: {line!r}"
        name = canonical(match.group(1))
        assert name not in pins, f"requirements.lock pins {name} twice"
        pins[name] = match.group(2)
    return pins


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_runtime_and_test_dependency_is_locked_at_its_declared_version() -> None:
    pins = lock_pins()
    project = pyproject()["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    for spec in declared:
        req = Requirement(spec)
        name = canonical(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}: lock pins {pins[name]}, pyproject asks {req.specifier}"
        )


def test_lock_excludes_the_project_itself_and_the_embed_extra() -> None:
    pins = lock_pins()
    assert "assetops-arena" not in pins
    assert "torch" not in pins and "sentence-transformers" not in pins


def test_runtime_requirements_script_prints_exactly_the_pyproject_dependencies() -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy/offline/runtime-requirements.py"),
            str(ROOT / "pyproject.toml"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    assert [line for line in out if line] == pyproject()["project"]["dependencies"]


def compose(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text())


def test_compose_stack_has_every_role_with_healthchecks_and_limits() -> None:
    services = compose("docker-compose.yml")["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker", "beat"}
    for name in ("postgres", "redis", "api", "worker"):
        assert "healthcheck" in services[name], name
    for name, svc in services.items():
        assert "mem_limit" in svc and "cpus" in svc, f"{name} has no resource limits"
    assert services["migrate"]["restart"] == "no"
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_docker_socket_is_mounted_into_the_worker_only() -> None:
    services = compose("docker-compose.yml")["services"]
    for name, svc in services.items():
        mounted = any("docker.sock" in str(v) for v in svc.get("volumes", []))
        assert mounted == (name == "worker"), name


def test_gateway_dir_is_mounted_at_the_identical_host_path() -> None:
    # the host engine bind-mounts it into sidecars: both sides must agree
    worker = compose("docker-compose.yml")["services"]["worker"]
    gw = [v for v in worker["volumes"] if "GATEWAY_DIR" in v]
    assert len(gw) == 1
    host, container = gw[0].split("}:", 1)
    assert host + "}" == container


def test_host_override_covers_every_service_and_binds_loopback_only() -> None:
    base = compose("docker-compose.yml")["services"]
    host = compose("deploy/compose.host.yml")["services"]
    assert set(host) == set(base)
    for name, svc in host.items():
        assert svc["network_mode"] == "host", name
        assert "ports" not in svc, name
    text = (ROOT / "deploy/compose.host.yml").read_text()
    assert "0.0.0.0" not in text
    assert host["postgres"]["command"][-1] == "listen_addresses=127.0.0.1"
    assert host["redis"]["command"][host["redis"]["command"].index("--bind") + 1] == "127.0.0.1"
    for name in ("api", "worker", "beat", "migrate"):
        env = host[name]["environment"]
        assert "@127.0.0.1:" in env["ARENA_DATABASE_URL"]
        assert env["ARENA_REDIS_URL"].startswith("redis://127.0.0.1:")


def test_no_published_port_in_the_base_file() -> None:
    # host networking cannot be combined with published ports
    for name, svc in compose("docker-compose.yml")["services"].items():
        assert "ports" not in svc, name
    assert compose("deploy/compose.bridge.yml")["services"]["api"]["ports"]


def test_dockerfile_is_multistage_nonroot_with_a_base_image_argument() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=python:3.11-slim" in text
    assert len(re.findall(r"^FROM ", text, re.M)) >= 3
    assert re.search(r"^USER arena$", text, re.M)
    assert 'ENTRYPOINT ["tini", "--", "arena-entrypoint"]' in text
    assert "-c /build/requirements.lock" in text


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
@pytest.mark.parametrize("override", ["deploy/compose.host.yml", "deploy/compose.bridge.yml"])
def test_compose_1_29_accepts_the_files(override: str, tmp_path: Path) -> None:
    env = tmp_path / "env"
    env.write_text("POSTGRES_PASSWORD=x\nHIDDEN_SEED=y\n")
    subprocess.run(
        [
            "docker-compose",
            "--env-file",
            str(env),
            "-f",
            "docker-compose.yml",
            "-f",
            override,
            "config",
            "-q",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def stack_env(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {
        **os.environ,
        "PROJECT": "unit",
        "STATE_DIR": str(tmp_path / "state"),
        "GATEWAY_DIR": str(tmp_path / "gw"),
        "HOST_NET": "1",
        **extra,
    }
    return subprocess.run(
        ["bash", str(ROOT / "deploy/stack.sh"), "env"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker CLI not installed")
def test_stack_secrets_are_generated_once_private_and_reused(tmp_path: Path) -> None:
    first = stack_env(tmp_path)
    assert first.returncode == 0, first.stderr
    secrets = tmp_path / "state" / "unit.secrets.env"
    assert secrets.stat().st_mode & 0o077 == 0  # owner-only
    content = dict(line.split("=", 1) for line in secrets.read_text().splitlines())
    assert set(content) == {"POSTGRES_PASSWORD", "HIDDEN_SEED", "ADMIN_TOKEN"}
    assert content["ADMIN_TOKEN"].startswith("arena_") and len(content["ADMIN_TOKEN"]) >= 30
    assert len({content["POSTGRES_PASSWORD"], content["HIDDEN_SEED"]}) == 2

    again = stack_env(tmp_path, API_PORT="18123")
    assert again.returncode == 0, again.stderr
    assert secrets.read_text().splitlines() == [f"{k}={v}" for k, v in content.items()]
    env_file = (tmp_path / "state" / "unit.env").read_text()
    assert "API_PORT=18123" in env_file and f"GATEWAY_DIR={tmp_path / 'gw'}" in env_file
    assert (tmp_path / "gw").stat().st_mode & 0o777 == 0o755

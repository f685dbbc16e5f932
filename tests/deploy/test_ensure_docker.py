"""deploy/ensure-docker.sh: the engine check `make deploy`, `make demo` and
`make test` share.

The first two tests run the script against this machine's real engine and
only in ways that cannot start or stop it (it answers; DOCKER_HOST names a
socket that does not exist). The rest run it with PATH holding only fakes of
docker, dockerd, systemctl, apt-get and id plus the few coreutils it needs,
so every branch (systemd service, bare dockerd, install, not root, engine
that never answers) is exercised without touching any real engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "ensure-docker.sh"
COREUTILS = (
    "bash",
    "sh",
    "seq",
    "sleep",
    "mkdir",
    "dirname",
    "tail",
    "setsid",
    "nohup",
    "touch",
    "cp",
    "ls",
)


def run(env: dict[str, str], *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def dockerd_pids() -> set[str]:
    out = subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True, text=True).stdout
    return set(out.split())


# ---- against the real engine (read-only) -------------------------------------
def test_noop_when_the_engine_answers() -> None:
    env = dict(os.environ)
    env.pop("DOCKER_HOST", None)
    assert subprocess.run(["docker", "info"], capture_output=True).returncode == 0, (
        "the suite runs with an engine (make test-services)"
    )
    before = dockerd_pids()
    started = time.monotonic()
    result = run(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""  # nothing installed, nothing started
    assert time.monotonic() - started < 15
    assert dockerd_pids() == before
    assert subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def test_docker_host_without_an_engine_says_what_to_start(tmp_path: Path) -> None:
    fakes = fake_bin(tmp_path)
    socket = tmp_path / "absent" / "docker.sock"
    env = dict(os.environ)
    # the fakes first: a start attempt would be recorded, never performed
    env.update(DOCKER_HOST=f"unix://{socket}", PATH=f"{fakes}:{os.environ['PATH']}")
    (fakes / "docker").unlink()  # the real CLI answers "cannot connect" for that socket
    before = dockerd_pids()
    result = run(env)
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and message.endswith("."), message  # one sentence
    assert f"DOCKER_HOST=unix://{socket}" in message and "start the engine" in message
    assert calls(tmp_path) == []
    assert dockerd_pids() == before


# ---- fakes only ---------------------------------------------------------------
FAKE_DOCKER = """#!/bin/sh
echo "docker $*" >> "$STATE/calls"
[ "$1" = info ] && [ -e "$STATE/up" ]
"""
FAKE_DOCKERD = """#!/bin/sh
echo "dockerd $*" >> "$STATE/calls"
ls -l /proc/$$/fd/ > "$STATE/dockerd.fds"
[ -n "$DOCKERD_BROKEN" ] && { echo "dockerd: failed to start daemon" >&2; exit 1; }
touch "$STATE/up"
"""
FAKE_SYSTEMCTL = """#!/bin/sh
echo "systemctl $*" >> "$STATE/calls"
touch "$STATE/up"
"""
FAKE_APT = """#!/bin/sh
echo "apt-get $*" >> "$STATE/calls"
cp "$STATE/dockerd.pkg" "$FAKES/dockerd"
cp "$STATE/docker.pkg" "$FAKES/docker"
"""
FAKE_ID = """#!/bin/sh
echo "${FAKE_UID:-0}"
"""


def fake_bin(tmp: Path, with_engine_package: bool = True) -> Path:
    fakes = tmp / "bin"
    fakes.mkdir()
    for name, text in {
        "docker": FAKE_DOCKER,
        "dockerd": FAKE_DOCKERD,
        "systemctl": FAKE_SYSTEMCTL,
        "apt-get": FAKE_APT,
        "id": FAKE_ID,
    }.items():
        (fakes / name).write_text(text)
        (fakes / name).chmod(0o755)
    for name in ("dockerd", "docker"):
        shutil.copy(fakes / name, tmp / f"{name}.pkg")
    if not with_engine_package:
        (fakes / "dockerd").unlink()
        (fakes / "docker").unlink()
    return fakes


def isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    fakes = tmp / "bin"
    for tool in COREUTILS:
        found = shutil.which(tool)
        assert found, tool
        if not (fakes / tool).exists():
            (fakes / tool).symlink_to(found)
    env = {
        "PATH": str(fakes),
        "STATE": str(tmp),
        "FAKES": str(fakes),
        "ARENA_SYSTEMD_DIR": str(tmp / "no-systemd"),
        "ARENA_DOCKERD_LOG": str(tmp / "log" / "dockerd.log"),
        "ENGINE_WAIT": "5",
    }
    env.update(extra)
    return env


def calls(tmp: Path) -> list[str]:
    path = tmp / "calls"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line for line in lines if not line.startswith("docker info")]


def test_without_systemd_it_starts_a_bare_dockerd(tmp_path: Path) -> None:
    fake_bin(tmp_path)
    result = run(isolated_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert calls(tmp_path) == ["dockerd --bridge=none --iptables=false"]
    assert "starting dockerd --bridge=none --iptables=false" in result.stdout
    assert (tmp_path / "log" / "dockerd.log").exists()


def test_the_started_dockerd_keeps_no_descriptor_of_its_caller(tmp_path: Path) -> None:
    """A caller holding the engine lock (``flock LOCK make demo``) or a pipe
    must not have it kept open by the daemon for ever."""
    fake_bin(tmp_path)
    lock = (tmp_path / "engine.lock").open("w")
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            env=isolated_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=30,
            pass_fds=(lock.fileno(),),
        )
    finally:
        lock.close()
    assert result.returncode == 0, result.stderr
    held = (tmp_path / "dockerd.fds").read_text()
    assert "/dev/null" in held  # the listing is of the daemon's descriptors
    assert "engine.lock" not in held, held


def test_with_systemd_it_prefers_the_system_service(tmp_path: Path) -> None:
    fake_bin(tmp_path)
    (tmp_path / "systemd").mkdir()
    env = isolated_env(tmp_path, ARENA_SYSTEMD_DIR=str(tmp_path / "systemd"))
    result = run(env)
    assert result.returncode == 0, result.stderr
    assert calls(tmp_path) == ["systemctl start docker"]


def test_no_systemd_flag_keeps_the_bare_dockerd_of_the_test_setup(tmp_path: Path) -> None:
    fake_bin(tmp_path)
    (tmp_path / "systemd").mkdir()
    env = isolated_env(tmp_path, ARENA_SYSTEMD_DIR=str(tmp_path / "systemd"))
    result = run(env, "--no-systemd")
    assert result.returncode == 0, result.stderr
    assert calls(tmp_path) == ["dockerd --bridge=none --iptables=false"]


def test_installs_docker_io_when_missing(tmp_path: Path) -> None:
    fake_bin(tmp_path, with_engine_package=False)
    result = run(isolated_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "installing docker.io" in result.stdout
    assert calls(tmp_path) == [
        "apt-get install -y -qq docker.io",
        "dockerd --bridge=none --iptables=false",
    ]


def test_not_root_says_what_to_start_and_starts_nothing(tmp_path: Path) -> None:
    fake_bin(tmp_path)
    result = run(isolated_env(tmp_path, FAKE_UID="1000"))
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.count("\n") == 0 and "needs root" in message
    assert "systemctl start docker" in message
    assert calls(tmp_path) == []


def test_an_engine_that_never_answers_fails_with_its_log(tmp_path: Path) -> None:
    fake_bin(tmp_path)
    result = run(isolated_env(tmp_path, DOCKERD_BROKEN="1", ENGINE_WAIT="1"))
    assert result.returncode == 1
    assert "failed to start daemon" in result.stderr  # the log's tail
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ensure-docker: dockerd did not answer within 1s")
    assert "start a Docker engine by hand" in last


@pytest.mark.parametrize("argument", ["--bogus", "start"])
def test_unknown_arguments_are_refused(tmp_path: Path, argument: str) -> None:
    fake_bin(tmp_path)
    result = run(isolated_env(tmp_path), argument)
    assert result.returncode == 1 and "usage" in result.stderr
    assert calls(tmp_path) == []

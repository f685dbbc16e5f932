"""The operator's scenario pack on the deployment side (issue 16), without
starting a stack: `make deploy PACK=...` checks the pack before anything is
built or started, deploy/stack.sh remembers it, and the effective compose
configuration (`stack.sh compose config`, the files and env file `up` uses)
bind-mounts it read-only into the workers and nowhere else.

The running stack (docker inspect of the real containers, the lines
`make deploy`/`make demo` print) is checked in test_compose_stack.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_LINE = "scores on the public pack: participants can see it"
DIR_TARGET = "/run/arena/pack"
ARCHIVE_TARGET = "/run/arena/pack.tar.gz"
SERVICES = {"postgres", "redis", "migrate", "api", "worker", "beat"}

needs_docker_cli = pytest.mark.skipif(
    shutil.which("docker") is None, reason="docker CLI not installed"
)


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    pack = tmp_path / "packs" / "round1"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: round1\nversion: 1\n")
    return pack


@pytest.fixture
def pack_archive(pack_dir: Path) -> Path:
    archive = pack_dir.parent / "round1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(pack_dir, arcname="round1")
    return archive


def stack(
    tmp_path: Path, *args: str, pack: str | None = None, host_net: str = "1", cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """deploy/stack.sh with its state in tmp_path; ``pack`` None = PACK unset."""
    env = {k: v for k, v in os.environ.items() if k != "PACK"}
    env.update(
        PROJECT="packunit",
        STATE_DIR=str(tmp_path / "state"),
        GATEWAY_DIR=str(tmp_path / "gw"),
        HOST_NET=host_net,
    )
    if pack is not None:
        env["PACK"] = pack
    return subprocess.run(
        ["bash", str(ROOT / "deploy/stack.sh"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def env_file(tmp_path: Path) -> dict[str, str]:
    lines = (tmp_path / "state" / "packunit.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def mounts(service: dict) -> list[dict]:
    """A service's volumes as {source, target, read_only}, from either the short
    (compose 1.29 prints "src:dst:mode") or the long syntax."""
    out = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            out.append(
                {
                    "source": source,
                    "target": target,
                    "read_only": "ro" in (mode[0].split(",") if mode else []),
                }
            )
        else:
            out.append(
                {
                    "source": volume.get("source"),
                    "target": volume["target"],
                    "read_only": bool(volume.get("read_only")),
                    "type": volume.get("type"),
                }
            )
    return out


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def effective_config(tmp_path: Path, host_net: str = "1") -> dict:
    """What `up` would start: the compose config with the files and env the
    script picks from its state (PACK unset: the deployed pack)."""
    done = stack(tmp_path, "compose", "config", host_net=host_net)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)["services"]


def assert_public(services: dict) -> None:
    for name, svc in services.items():
        assert not [m for m in mounts(svc) if m["target"].startswith("/run/arena")], name
        assert "ARENA_SCENARIO_PACK" not in environment(svc), name


def assert_mounted_in_workers_only(services: dict, source: Path, target: str) -> None:
    assert set(services) == SERVICES
    (pack,) = [m for m in mounts(services["worker"]) if m["target"] == target]
    assert pack["source"] == str(source.resolve())
    assert pack["read_only"] is True
    assert pack.get("type", "bind") == "bind"
    assert environment(services["worker"])["ARENA_SCENARIO_PACK"] == target
    for name, svc in services.items():
        if name == "worker":
            continue
        for m in mounts(svc):
            assert not m["target"].startswith("/run/arena"), name
            assert m["source"] != str(source.resolve()), name
        assert "ARENA_SCENARIO_PACK" not in environment(svc), name


# --- the effective compose configuration ---------------------------------------


@needs_docker_cli
@pytest.mark.parametrize("host_net", ["1", "0"])
@pytest.mark.parametrize("kind", ["directory", "archive"])
def test_pack_is_mounted_read_only_into_the_workers_only(
    kind: str, host_net: str, tmp_path: Path, pack_dir: Path, pack_archive: Path
) -> None:
    source, target = (
        (pack_dir, DIR_TARGET) if kind == "directory" else (pack_archive, ARCHIVE_TARGET)
    )
    done = stack(tmp_path, "env", pack=str(source), host_net=host_net)
    assert done.returncode == 0, done.stderr
    assert env_file(tmp_path)["PACK_SOURCE"] == str(source.resolve())
    assert_mounted_in_workers_only(effective_config(tmp_path, host_net), source, target)


@needs_docker_cli
@pytest.mark.parametrize("host_net", ["1", "0"])
def test_without_pack_nothing_is_mounted(host_net: str, tmp_path: Path) -> None:
    done = stack(tmp_path, "env", host_net=host_net)
    assert done.returncode == 0, done.stderr
    assert env_file(tmp_path)["PACK_SOURCE"] == ""
    services = effective_config(tmp_path, host_net)
    assert set(services) == SERVICES
    assert_public(services)
    assert stack(tmp_path, "pack").stdout.strip() == PUBLIC_LINE


@needs_docker_cli
def test_the_deployed_pack_is_kept_until_switched_back(tmp_path: Path, pack_dir: Path) -> None:
    assert stack(tmp_path, "env", pack=str(pack_dir)).returncode == 0
    line = f"scenario pack: {pack_dir.resolve()} (mounted read-only into workers)"
    assert stack(tmp_path, "pack").stdout.strip() == line

    # a re-deploy without PACK (and every other verb) keeps it
    done = stack(tmp_path, "env")
    assert done.returncode == 0, done.stderr
    assert env_file(tmp_path)["PACK_SOURCE"] == str(pack_dir.resolve())
    assert_mounted_in_workers_only(effective_config(tmp_path), pack_dir, DIR_TARGET)
    assert stack(tmp_path, "pack").stdout.strip() == line

    # PACK= (explicitly empty) and PACK=public both go back to the public pack
    for public in ("", "public"):
        assert stack(tmp_path, "env", pack=str(pack_dir)).returncode == 0
        done = stack(tmp_path, "env", pack=public)
        assert done.returncode == 0, done.stderr
        assert env_file(tmp_path)["PACK_SOURCE"] == ""
        assert_public(effective_config(tmp_path))
        assert stack(tmp_path, "pack").stdout.strip() == PUBLIC_LINE


@needs_docker_cli
def test_a_relative_pack_is_taken_from_the_callers_directory(
    tmp_path: Path, pack_dir: Path
) -> None:
    done = stack(tmp_path, "env", pack="round1", cwd=pack_dir.parent)
    assert done.returncode == 0, done.stderr
    assert env_file(tmp_path)["PACK_SOURCE"] == str(pack_dir.resolve())


# --- refused before anything starts ------------------------------------------------


def test_a_missing_pack_fails_the_stack_script_before_it_writes_or_starts_anything(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-pack"
    project_filter = "label=com.docker.compose.project=packunit-missing"
    env = {k: v for k, v in os.environ.items() if k != "PACK"}
    env.update(
        PROJECT="packunit-missing",
        STATE_DIR=str(tmp_path / "state"),
        GATEWAY_DIR=str(tmp_path / "gw"),
        HOST_NET="1",
        PACK=str(missing),
        API_PORT="1",
        READY_TIMEOUT="1",
    )
    try:
        done = subprocess.run(
            ["bash", str(ROOT / "deploy/stack.sh"), "up"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 0
        assert f"scenario pack: {missing} does not exist" in done.stderr
        assert "nothing was started" in done.stderr
        assert not (tmp_path / "state").exists()  # not even the secrets were generated
        if (
            shutil.which("docker")
            and not subprocess.run(["docker", "info"], capture_output=True).returncode
        ):
            ps = subprocess.run(
                ["docker", "ps", "-aq", "--filter", project_filter], capture_output=True, text=True
            )
            assert ps.stdout.strip() == ""
    finally:  # only if the check broke and the script went on
        if (tmp_path / "state").exists():
            subprocess.run(
                ["bash", str(ROOT / "deploy/stack.sh"), "down"],
                cwd=ROOT,
                env={**env, "PACK": "public", "WIPE": "1"},
                capture_output=True,
                timeout=300,
            )


@pytest.mark.parametrize("case", ["no pack.yaml", "not an archive", "not gzip", "in checkout"])
def test_what_is_not_a_pack_is_refused(case: str, tmp_path: Path) -> None:
    if case == "no pack.yaml":
        path = tmp_path / "empty"
        path.mkdir()
        expected = "has no pack.yaml"
    elif case == "not an archive":
        path = tmp_path / "pack.yaml"
        path.write_text("name: x\n")
        expected = "is neither a directory with pack.yaml nor a .tar.gz"
    elif case == "not gzip":
        path = tmp_path / "pack.tar.gz"
        path.write_bytes(b"plain text, not gzip")
        expected = "is not gzip-compressed"
    else:
        path = ROOT / "deploy"
        expected = "is inside the checkout"
    done = stack(tmp_path, "check-pack", pack=str(path))
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr


def test_a_pack_the_workers_cannot_read_is_warned_about(tmp_path: Path) -> None:
    pack = tmp_path / "private"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: p\n")
    (pack / "pack.yaml").chmod(0o600)
    if os.getuid() == 10001:
        pytest.skip("the test runs as the workers' uid")
    done = stack(tmp_path, "check-pack", pack=str(pack))
    assert done.returncode == 0, done.stderr
    assert "not readable by the workers (uid 10001)" in done.stderr


@needs_docker_cli
def test_a_deployed_pack_that_went_missing_is_not_silently_replaced(
    tmp_path: Path, pack_dir: Path
) -> None:
    assert stack(tmp_path, "env", pack=str(pack_dir)).returncode == 0
    shutil.rmtree(pack_dir)
    done = stack(tmp_path, "check-pack")
    assert done.returncode != 0
    assert "is gone" in done.stderr and "PACK=public" in done.stderr
    assert env_file(tmp_path)["PACK_SOURCE"] == str(pack_dir)  # still remembered


def make(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PACK", "MAKEFLAGS", "MAKELEVEL")}
    env.update(PROJECT="packunit-make", STATE_DIR=str(tmp_path / "state"))
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
@pytest.mark.parametrize("goal", ["deploy", "demo"])
def test_make_checks_the_pack_before_it_builds_or_starts_anything(
    goal: str, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-pack"
    # the check is the first thing make runs...
    dry = make("-n", goal, f"PACK={missing}", tmp_path=tmp_path)
    assert dry.returncode == 0, dry.stderr
    commands = [line for line in dry.stdout.splitlines() if line.strip()]
    assert "deploy/stack.sh check-pack" in commands[0], commands[:3]
    # ...also under make -j: the engine, which every build step waits for, waits for it
    rules = make("-pn", goal, f"PACK={missing}", tmp_path=tmp_path).stdout
    assert re.search(r"^engine:.*\|.*\bpack-check\b", rules, re.M)
    assert re.search(r"^base-image:.*\|.*\bengine\b", rules, re.M)
    assert re.search(rf"^{goal}:", rules, re.M)
    # ...and it fails on a missing pack
    check = make("pack-check", f"PACK={missing}", tmp_path=tmp_path)
    assert check.returncode != 0
    assert f"scenario pack: {missing} does not exist" in check.stderr

    # so the real run stops there: no engine check, no build, no stack
    done = make(goal, f"PACK={missing}", tmp_path=tmp_path)
    assert done.returncode != 0
    assert f"scenario pack: {missing} does not exist" in done.stderr
    assert "ensure-docker" not in done.stdout + done.stderr
    assert "docker build" not in done.stdout
    assert not (tmp_path / "state").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_other_make_targets_do_not_wait_for_a_pack(tmp_path: Path) -> None:
    rules = make("-pn", "images", tmp_path=tmp_path).stdout
    (engine,) = re.findall(r"^engine:.*$", rules, re.M)
    assert "pack-check" not in engine


# --- never in an image, never elsewhere ----------------------------------------------


def test_only_the_pack_override_names_the_pack() -> None:
    override = yaml.safe_load((ROOT / "deploy/compose.pack.yml").read_text())
    assert set(override["services"]) == {"worker"}
    (volume,) = override["services"]["worker"]["volumes"]
    assert volume["type"] == "bind" and volume["read_only"] is True
    for path in [
        "docker-compose.yml",
        "Dockerfile",
        *(
            str(p.relative_to(ROOT))
            for p in (ROOT / "deploy").glob("compose.*.yml")
            if p.name != "compose.pack.yml"
        ),
    ]:
        text = (ROOT / path).read_text()
        for word in ("ARENA_SCENARIO_PACK", "PACK_SOURCE", "PACK_TARGET", "/run/arena"):
            assert word not in text, (path, word)


def test_the_build_context_holds_no_pack_but_the_public_one() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"  # a whitelist: an operator's pack is never in the context
    for line in lines:
        if line.startswith("!") and "pack" in line:
            assert line.rstrip("/") == "!packs/public", line
        assert line not in ("!**", "!packs", "!packs/", "!packs/*", "!*"), line


def test_demo_says_which_pack_the_scores_are_on() -> None:
    # demo.sh's run is exercised against a real stack in test_compose_stack.py;
    # here: the line comes from the stack's state, after the leaderboard
    text = (ROOT / "deploy/demo.sh").read_text()
    assert text.index("$STACK pack") > text.index("leaderboard --phase")

"""`pip install ./client` gives a working `assetops` on its own: built from
this tree, installed into a fresh venv offline (project wheelhouse), without
the server packages."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WHEELHOUSE = REPO / "wheelhouse"

pytestmark = pytest.mark.slow


def run(
    *argv: str | Path, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    if check and out.returncode != 0:
        raise AssertionError(f"{argv} failed:\n{out.stdout}\n{out.stderr}")
    return out


def test_cli_installs_and_runs_without_the_server_packages(tmp_path: Path) -> None:
    if not (WHEELHOUSE / "typer-0.16.0-py3-none-any.whl").exists() and not any(
        WHEELHOUSE.glob("typer-*.whl")
    ):
        pytest.skip("no ./wheelhouse (make wheelhouse) to install the CLI's deps offline")
    src = tmp_path / "src"
    shutil.copytree(
        REPO / "client",
        src / "client",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"),
    )
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        tmp_path / "dist",
        src / "client",
    )
    wheel = next((tmp_path / "dist").glob("assetops_cli-*.whl"))
    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    run(base_python, "-m", "venv", venv)
    run(venv / "bin" / "pip", "install", "-q", "--no-index", "--find-links", WHEELHOUSE, wheel)
    # the fresh venv really has no server code
    probe = run(venv / "bin" / "python", "-c", "import services", cwd=tmp_path, check=False)
    assert probe.returncode != 0
    help_text = run(venv / "bin" / "assetops", "--help", cwd=tmp_path).stdout
    for command in ("login", "submit", "status", "list", "leaderboard", "failures", "validate"):
        assert command in help_text
    # HTTP commands run (here: a clear "unreachable", exit 7, on a closed port);
    # validate explains what it needs instead of crashing
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ASSETOPS_URL": f"http://127.0.0.1:{closed}",
    }
    board = subprocess.run(
        [venv / "bin" / "assetops", "leaderboard"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert board.returncode == 7, board.stderr
    assert "unreachable" in board.stderr
    validate = run(venv / "bin" / "assetops", "validate", "x:latest", cwd=tmp_path, check=False)
    assert validate.returncode == 9
    assert "unavailable" in validate.stderr

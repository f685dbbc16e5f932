"""The tree stays ruff clean: ``ruff check`` and ``ruff format --check``
with the pinned ruff from the lockfile, so that style drift fails the suite
instead of piling up (35 files had drifted before this test existed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize(
    "args", [["check", "."], ["format", "--check", "."]], ids=["check", "format"]
)
def test_tree_is_ruff_clean(args: list[str]) -> None:
    if not RUFF.exists():
        pytest.fail(f"ruff is not installed beside {sys.executable}; run `make venv`")
    done = subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"ruff {' '.join(args)}:\n{done.stdout}{done.stderr}"

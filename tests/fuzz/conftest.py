"""Shares the security suite's stack harness (tests/security/sec_*.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))

import sec_api  # noqa: E402
import sec_stack  # noqa: E402


@pytest.fixture(scope="session")
def stack() -> Iterator[sec_stack.ArenaStack]:
    s = sec_stack.acquire_shared_stack()
    try:
        yield s
    finally:
        sec_stack.release_shared_stack()


@pytest.fixture(scope="session")
def world(stack: sec_stack.ArenaStack) -> sec_api.World:
    return sec_api.bootstrap_world(stack, teams=("fuzza", "fuzzb"))

"""The fuzz suite runs on its own stack (its own database): fuzzing the admin
endpoints creates, renames and closes phases at random, which must not touch
the data the other suites rely on. No worker: the api's enqueues land in
the shared Redis db, where the shared worker skips ids its database does
not hold (claim finds no row)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))

import sec_api  # noqa: E402
import sec_stack  # noqa: E402


@pytest.fixture(scope="session")
def fuzz_stack() -> Iterator[sec_stack.ArenaStack]:
    env = {"ARENA_UPLOAD_MAX_BYTES": str(1024**2), "ARENA_LOG_LEVEL": "WARNING"}
    with sec_stack.arena_stack(suite="fuzz", workers=0, beat=False, extra_env=env) as stack:
        yield stack


@pytest.fixture(scope="session")
def fuzz_world(fuzz_stack: sec_stack.ArenaStack) -> sec_api.World:
    return sec_api.bootstrap_world(fuzz_stack, teams=("fuzza", "fuzzb"))

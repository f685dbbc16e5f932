"""Fixtures of the security suite: one real stack (api + worker + beat on a
dedicated Postgres database, Redis db 9 and the real Docker engine) shared
with the load and fuzz suites in the same pytest process, torn down at the
end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sec_api
import sec_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[sec_stack.ArenaStack]:
    s = sec_stack.acquire_shared_stack()
    try:
        yield s
    finally:
        sec_stack.release_shared_stack()


@pytest.fixture(scope="session")
def world(stack: sec_stack.ArenaStack) -> sec_api.World:
    return sec_api.bootstrap_world(stack)

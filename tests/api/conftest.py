from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from arena_api_env import World, create_database, make_settings, seed, truncate
from fastapi.testclient import TestClient

from services.settings import Settings


@pytest.fixture(scope="session")
def pg_url() -> str:
    return create_database()


@pytest.fixture
def settings(pg_url: str, tmp_path: Path) -> Settings:
    truncate(pg_url)
    return make_settings(tmp_path / "data")


@pytest.fixture
def world(settings: Settings) -> World:
    return seed(settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    from services.api.leaderboard.service import CACHE
    from services.api.main import create_app

    CACHE._items.clear()
    with TestClient(create_app(settings, configure_logging=False)) as c:
        yield c

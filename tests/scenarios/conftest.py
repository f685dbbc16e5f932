from __future__ import annotations

import pytest

from hidden_scenarios import sets

HIDDEN_SEED_A = "test-hidden-seed-a"
HIDDEN_SEED_B = "test-hidden-seed-b"


@pytest.fixture(scope="session")
def hidden_seed_a() -> str:
    return HIDDEN_SEED_A


@pytest.fixture(scope="session")
def public_scenarios():
    return sets.public_set()


@pytest.fixture(scope="session")
def hidden_a():
    return sets.hidden_set(HIDDEN_SEED_A)


@pytest.fixture(scope="session")
def hidden_b():
    return sets.hidden_set(HIDDEN_SEED_B)

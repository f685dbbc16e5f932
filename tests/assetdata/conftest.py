import pytest

from services.assetdata.plant import DEFAULT_SEED, Plant, load_plant


@pytest.fixture(scope="session")
def plant() -> Plant:
    """The default plant (from the cache after the first build)."""
    return load_plant(DEFAULT_SEED)

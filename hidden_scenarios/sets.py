"""Public entry points: the public validation set, the hidden set, operator
files, and the set a deployment uses.

``public_set()`` uses the published seed (``DEFAULT_PUBLIC_SEED``) so every
participant gets the same validation scenarios; ``hidden_set(seed)`` uses
the operator's secret ``ARENA_HIDDEN_SEED``. Both are built over the plant of
``Settings.plant_seed``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from hidden_scenarios.instantiate import instantiate
from hidden_scenarios.loader import load_file as _load_file
from hidden_scenarios.schema import Scenario

DEFAULT_PUBLIC_SEED = "public-v1"


def _default_plant_seed() -> int:
    from services.settings import get_settings

    return get_settings().plant_seed


@lru_cache(maxsize=4)
def plant_context(plant_seed: int | None = None) -> Any:
    from hidden_scenarios.templates.context import PlantContext
    from services.assetdata.plant import load_plant

    return PlantContext(load_plant(plant_seed if plant_seed is not None else _default_plant_seed()))


def _templates() -> list[Any]:
    from hidden_scenarios.templates import ALL_TEMPLATES

    return ALL_TEMPLATES


def public_set(seed: str | None = None, *, plant_seed: int | None = None) -> list[Scenario]:
    return instantiate(
        _templates(),
        plant_context(plant_seed),
        "public",
        seed if seed is not None else DEFAULT_PUBLIC_SEED,
    )


def hidden_set(seed: str, *, plant_seed: int | None = None) -> list[Scenario]:
    if seed is None or str(seed) == "":
        raise ValueError("hidden_set needs a seed (ARENA_HIDDEN_SEED)")
    return instantiate(_templates(), plant_context(plant_seed), "hidden", str(seed))


def load_file(path: str | Path) -> list[Scenario]:
    return _load_file(path)


def scenarios_for(settings: Any) -> list[Scenario]:
    """The scenarios a deployment scores: the operator's file if configured,
    else the hidden set of ``settings.hidden_seed`` over ``settings.plant_seed``."""
    if getattr(settings, "scenario_file", None):
        return load_file(settings.scenario_file)
    return hidden_set(settings.hidden_seed, plant_seed=settings.plant_seed)

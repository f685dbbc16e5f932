"""Public entry points: the public validation set, the hidden set, operator
files, and the set a deployment uses.

A set is a pack's templates instantiated over one pool: ``public_set()`` is
the public pool of the public pack with its published seed (every
participant gets the same validation scenarios); ``hidden_set(seed)`` the
hidden pool with the operator's secret ``ARENA_HIDDEN_SEED``, of the
operator's pack (``ARENA_SCENARIO_PACK``) or, without one, of the public pack.
Both are built over the pack's plant (``plant_seed``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hidden_scenarios.instantiate import Pool, instantiate
from hidden_scenarios.invariance import Variant, entity_pack, phrasing_pack, pick
from hidden_scenarios.loader import load_file as _load_file
from hidden_scenarios.pack import Pack, PackError, load_pack
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


def _pack(pack: Pack | str | Path | None) -> Pack:
    return pack if isinstance(pack, Pack) else load_pack(pack)


def _instantiate(pack: Pack, pool: Pool, seed: str, plant_seed: int | None) -> list[Scenario]:
    key = (pack.digest, pool, seed, plant_seed if plant_seed is not None else pack.plant_seed)
    if key not in _SETS:
        if len(_SETS) >= 8:
            _SETS.pop(next(iter(_SETS)))
        _SETS[key] = instantiate(pack.templates, plant_context(key[3]), pool, seed)
    return list(_SETS[key])


_SETS: dict[tuple[str, str, str, int], list[Scenario]] = {}


def public_set(
    seed: str | None = None, *, plant_seed: int | None = None, pack: Pack | str | Path | None = None
) -> list[Scenario]:
    """The public pool of ``pack`` (default: the public pack) with its
    published seed."""
    p = _pack(pack)
    return _instantiate(p, "public", seed if seed is not None else p.public_seed, plant_seed)


def hidden_set(
    seed: str, *, plant_seed: int | None = None, pack: Pack | str | Path | None = None
) -> list[Scenario]:
    if seed is None or str(seed) == "":
        raise ValueError("hidden_set needs a seed (ARENA_HIDDEN_SEED)")
    return _instantiate(_pack(pack), "hidden", str(seed), plant_seed)


def load_file(path: str | Path) -> list[Scenario]:
    return _load_file(path)


def pack_for(settings: Any) -> Pack:
    """The deployment's pack: the operator's ``scenario_pack`` or the public
    one. Its plant must be the plant the deployment serves."""
    pack = load_pack(getattr(settings, "scenario_pack", None))
    if pack.plant_seed != settings.plant_seed:
        raise PackError(
            "plant_seed_mismatch",
            f"the pack is written for plant seed {pack.plant_seed}, the deployment serves "
            f"{settings.plant_seed} (ARENA_PLANT_SEED)",
            file="pack.yaml",
            field="plant_seed",
        )
    return pack


@dataclass(frozen=True)
class ScenarioSource:
    """What a deployment scores and where it came from (recorded with every
    score; ``public``: participants can read the scenario content)."""

    name: str
    version: str
    digest: str
    public: bool
    scenarios: list[Scenario]
    # how the scenarios were drawn (None for an operator scenario file):
    # what invariance probes re-render
    pack: Pack | None = None
    seed: str = ""
    plant_seed: int | None = None

    def variants(self, scenarios: Sequence[Scenario], n: int) -> list[Variant]:
        """Up to ``n`` entity and ``n`` phrasing variants of ``scenarios``
        (hidden_scenarios/invariance.py); none for a scenario file."""
        if self.pack is None or n <= 0:
            return []
        entity = _instantiate(entity_pack(self.pack), "hidden", self.seed, self.plant_seed)
        phrasing = _instantiate(phrasing_pack(self.pack), "hidden", self.seed, self.plant_seed)
        return pick(scenarios, entity, "entity", n) + pick(scenarios, phrasing, "phrasing", n)


def scenario_source(settings: Any) -> ScenarioSource:
    """The scenarios a deployment scores: the operator's file if configured,
    else the hidden pool of the deployment's pack with ``settings.hidden_seed``."""
    if getattr(settings, "scenario_file", None):
        path = Path(settings.scenario_file)
        scenarios = load_file(path)
        digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        return ScenarioSource(f"file:{path.name}"[:128], "-", digest, False, scenarios)
    pack = pack_for(settings)
    seed = str(settings.hidden_seed)
    scenarios = hidden_set(seed, plant_seed=settings.plant_seed, pack=pack)
    return ScenarioSource(
        pack.name,
        pack.version,
        pack.digest,
        pack.is_public,
        scenarios,
        pack=pack,
        seed=seed,
        plant_seed=settings.plant_seed,
    )


def scenarios_for(settings: Any) -> list[Scenario]:
    return scenario_source(settings).scenarios

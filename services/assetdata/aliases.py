"""Aliases of the plant's assets and sites (data: ``data/aliases.yaml``).

A scenario text may write an asset as "Chiller 6", "chiller no. 6", "CH-6" or
"the York machine in Central Plant B1", and a site as "MAIN" or "the main
campus". The tools resolve every form (``services.assetdata.library``), the
scenario engine renders them, and argument matching
(``hidden_scenarios.matching``) treats an alias as the canonical entity.

- ``asset_aliases(name)`` / ``site_aliases(site)``: the aliases of a
  canonical name, in file order (canonical excluded; unknown name -> ``()``).
- ``canonical_asset(text)``: the canonical asset name for a name, equipment
  id or alias; ``canonical_site(text)``: the canonical site for a site name
  or alias. Case-insensitive, whitespace collapsed; ``None`` when unknown.
- ``canonical_sensor(text)``: a sensor name written "<asset> <kind>" with the
  asset's canonical name or an alias -> ``"<canonical name> <kind>"`` (the
  kind is not checked here); ``None`` when no asset form prefixes it.
- ``canonical_entity(text)``: what argument matching compares -- the
  canonical asset, site or sensor name an alias form stands for, or ``None``
  (equipment ids are not resolved here: for matching, an equipment id is not
  its asset's name).

Standard library and yaml only (the scenario loader and the evaluator import
it through ``hidden_scenarios.matching``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "aliases.yaml"

_WS_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The lookup key of a name: whitespace collapsed and case-folded."""
    return _WS_RE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class AliasTable:
    asset_aliases: dict[str, tuple[str, ...]]  # canonical name -> aliases (file order)
    site_aliases: dict[str, tuple[str, ...]]  # canonical site -> aliases
    equipment_ids: dict[str, str]  # canonical name -> equipment id
    assets_by_key: dict[str, str]  # normalised name / id / alias -> canonical name
    aliases_by_key: dict[str, str]  # normalised name / alias (no ids) -> canonical name
    sites_by_key: dict[str, str]  # normalised site / alias -> canonical site
    # asset name and alias prefixes, longest first: (normalised form, canonical)
    sensor_prefixes: tuple[tuple[str, str], ...]


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{DATA_FILE.name}: {where} must be a list of non-empty strings")
    return tuple(_WS_RE.sub(" ", v).strip() for v in value)


def _claim(index: dict[str, str], key: str, owner: str, what: str) -> None:
    other = index.setdefault(key, owner)
    if other != owner:
        raise ValueError(f"{DATA_FILE.name}: {what} {key!r} names both {other!r} and {owner!r}")


@lru_cache(maxsize=1)
def table() -> AliasTable:
    """The parsed alias file (validated: no form names two entities)."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    sites = raw.get("sites") or {}
    assets = raw.get("assets") or {}
    if not isinstance(sites, dict) or not isinstance(assets, dict):
        raise ValueError(f"{DATA_FILE.name}: 'sites' and 'assets' must be mappings")
    site_aliases = {str(s): _strings(v, f"sites.{s}") for s, v in sites.items()}
    asset_aliases: dict[str, tuple[str, ...]] = {}
    equipment_ids: dict[str, str] = {}
    for name, entry in assets.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("equipment_id"), str):
            raise ValueError(f"{DATA_FILE.name}: assets.{name} needs an equipment_id")
        asset_aliases[str(name)] = _strings(entry.get("aliases"), f"assets.{name}.aliases")
        equipment_ids[str(name)] = entry["equipment_id"]
    sites_by_key: dict[str, str] = {}
    for s, forms in site_aliases.items():
        for form in (s, *forms):
            _claim(sites_by_key, normalise(form), s, "site form")
    aliases_by_key: dict[str, str] = {}
    for name, forms in asset_aliases.items():
        for form in (name, *forms):
            _claim(aliases_by_key, normalise(form), name, "asset form")
    assets_by_key = dict(aliases_by_key)
    for name, eq in equipment_ids.items():
        _claim(assets_by_key, normalise(eq), name, "equipment id")
    prefixes = sorted(aliases_by_key.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return AliasTable(
        asset_aliases=asset_aliases,
        site_aliases=site_aliases,
        equipment_ids=equipment_ids,
        assets_by_key=assets_by_key,
        aliases_by_key=aliases_by_key,
        sites_by_key=sites_by_key,
        sensor_prefixes=tuple(prefixes),
    )


@lru_cache(maxsize=256)
def asset_aliases(name: str) -> tuple[str, ...]:
    """Aliases of an asset's canonical name, in file order (canonical excluded)."""
    return table().asset_aliases.get(name, ())


@lru_cache(maxsize=64)
def site_aliases(site: str) -> tuple[str, ...]:
    """Aliases of a canonical site name, in file order (canonical excluded)."""
    return table().site_aliases.get(site, ())


def canonical_asset(text: str) -> str | None:
    """The canonical asset name for a name, equipment id or alias."""
    return _lookup("asset", text) if isinstance(text, str) else None


def canonical_site(text: str) -> str | None:
    """The canonical site name for a site name or alias."""
    return _lookup("site", text) if isinstance(text, str) else None


def canonical_sensor(text: str) -> str | None:
    """``"<asset form> <kind>"`` -> ``"<canonical asset> <kind>"`` (the asset
    written by its canonical name or an alias, not its equipment id; the
    longest matching form wins; the kind keeps its spelling)."""
    return _sensor(text) if isinstance(text, str) else None


def canonical_entity(text: str) -> str | None:
    """The canonical asset, site or sensor name an asset/site form (canonical
    name or alias, not an equipment id) stands for; ``None`` otherwise."""
    if not isinstance(text, str):
        return None
    return _lookup("alias", text) or _lookup("site", text) or _sensor(text)


@lru_cache(maxsize=8192)
def _lookup(kind: str, text: str) -> str | None:
    t = table()
    index = {"asset": t.assets_by_key, "alias": t.aliases_by_key, "site": t.sites_by_key}[kind]
    return index.get(normalise(text))


@lru_cache(maxsize=8192)
def _sensor(text: str) -> str | None:
    collapsed = _WS_RE.sub(" ", text).strip()
    key = collapsed.casefold()
    for form, name in table().sensor_prefixes:
        n = len(form)
        if (
            key.startswith(form + " ")
            and len(key) > n + 1
            and collapsed[:n].casefold() == form  # same prefix length after case folding
            and collapsed[n] == " "
        ):
            return f"{name} {collapsed[n + 1 :]}"
    return None

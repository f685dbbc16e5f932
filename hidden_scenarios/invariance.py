"""Invariance probes: the same scenarios re-rendered, to measure how much of
an agent's score depends on how a task is written rather than on what it asks.

Two variants of a sample of a set's scenarios:

- **entity**: every asset written in another of its forms and every date in
  another style (the pack's surface rules forced to ``varied`` with a fixed
  salt; the plant and the tools resolve every form);
- **phrasing**: the template's next phrasing (phrasings rotated by one, so
  every other draw of the instance, its answer, faults and tracks, stays
  the same).

A variant keeps the scenario's expectation, faults, tracks and canary; only
its text differs. The sample is fixed by the scenario ids, so every
submission of a phase is probed on the same scenarios. Reported per
submission as aggregates only (docs/scoring.md): the share of the sampled
score the agent keeps on each variant.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hidden_scenarios.pack import Pack
from hidden_scenarios.schema import Scenario
from hidden_scenarios.surface import Surface
from hidden_scenarios.templates.base import stable_hash

VariantKind = Literal["entity", "phrasing"]
ENTITY_SALT = "invariance-entity-1"
SEPARATOR = "."


@dataclass(frozen=True)
class Variant:
    kind: VariantKind
    original_id: str
    scenario: Scenario  # id "<original>.<kind>"


def entity_pack(pack: Pack) -> Pack:
    templates = [
        t.bind(
            id=t.id,
            phrasings=t.phrasings,
            public_n=t.public_n,
            hidden_n=t.hidden_n,
            where=t.where,
            surface=Surface(assets="varied", dates="varied", salt=ENTITY_SALT),
        )
        for t in pack.templates
    ]
    return dataclasses.replace(pack, templates=templates, digest=f"{pack.digest}+entity")


def phrasing_pack(pack: Pack) -> Pack:
    templates = [
        t.bind(
            id=t.id,
            phrasings=t.phrasings[1:] + t.phrasings[:1],
            public_n=t.public_n,
            hidden_n=t.hidden_n,
            where=t.where,
            surface=t.surface,
        )
        for t in pack.templates
    ]
    return dataclasses.replace(pack, templates=templates, digest=f"{pack.digest}+phrasing")


def pick(
    originals: Sequence[Scenario], rendered: Sequence[Scenario], kind: VariantKind, n: int
) -> list[Variant]:
    """Up to ``n`` variants whose text differs from the original's, chosen
    by a hash of the scenario id (the same sample for every submission)."""
    by_id = {s.id: s for s in rendered}
    candidates = [
        (stable_hash("invariance", kind, s.id), s, by_id[s.id])
        for s in originals
        if s.id in by_id and by_id[s.id].text != s.text
    ]
    candidates.sort(key=lambda c: (c[0], c[1].id))
    out: list[Variant] = []
    for _, original, variant in candidates[:n]:
        if variant.expectation != original.expectation or variant.faults != original.faults:
            continue  # a variant must ask the same question
        out.append(
            Variant(
                kind=kind,
                original_id=original.id,
                scenario=variant.model_copy(update={"id": f"{original.id}{SEPARATOR}{kind}"}),
            )
        )
    return out


@dataclass(frozen=True)
class Invariance:
    """Aggregates of one submission's probes (0-100 scores)."""

    sample: int  # variants per kind that were run (max of the two)
    entity_original: float | None
    entity_variant: float | None
    phrasing_original: float | None
    phrasing_variant: float | None

    @staticmethod
    def _kept(original: float | None, variant: float | None) -> float | None:
        if original is None or variant is None:
            return None
        if original <= 0:
            return None  # nothing to keep
        return round(min(100.0, 100.0 * variant / original), 1)

    @property
    def entity_kept(self) -> float | None:
        """Share (%) of the sampled score kept when entities are written otherwise."""
        return self._kept(self.entity_original, self.entity_variant)

    @property
    def phrasing_kept(self) -> float | None:
        return self._kept(self.phrasing_original, self.phrasing_variant)


def summarise(variants: Sequence[Variant], overall_by_id: dict[str, float]) -> Invariance:
    """``overall_by_id``: the overall (0-1) of every original and variant run."""

    def pair(kind: VariantKind) -> tuple[float | None, float | None, int]:
        chosen = [
            v
            for v in variants
            if v.kind == kind and v.original_id in overall_by_id and v.scenario.id in overall_by_id
        ]
        if not chosen:
            return None, None, 0
        orig = 100 * sum(overall_by_id[v.original_id] for v in chosen) / len(chosen)
        var = 100 * sum(overall_by_id[v.scenario.id] for v in chosen) / len(chosen)
        return round(orig, 2), round(var, 2), len(chosen)

    eo, ev, en = pair("entity")
    po, pv, pn = pair("phrasing")
    return Invariance(max(en, pn), eo, ev, po, pv)

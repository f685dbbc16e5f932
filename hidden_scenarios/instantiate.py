"""Concrete scenario sets from templates and a seed.

Disjointness: each template's parameter space is split ONCE, independently
of any seed, into a public pool and a hidden pool (sorted by a hash of the
template id and the parameters; the first share is public). A public set
draws only from public pools and a hidden set only from hidden pools, so no
concrete question (template + parameters) can be in both, whatever seeds
the operator picks.

Fixed distribution: every template contributes a fixed number of instances
per set, and tracks and fault presence depend only on the template and the
slot, never on the seed. The seed picks which parameters (and phrasings,
fault kinds, faulted tool) each slot gets.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from contracts.agent import Track
from contracts.toollog import FaultKind, FaultSpec
from hidden_scenarios.canary import make_canary, with_canary
from hidden_scenarios.schema import Expectation, Scenario
from hidden_scenarios.templates.base import (
    Draft,
    Params,
    Template,
    family_order_of,
    param_key,
    plan_tools,
    stable_hash,
)
from hidden_scenarios.validate import validate_set

Pool = Literal["public", "hidden"]
PUBLIC_SHARE = 0.3
FAULT_EVERY = 4  # one slot in four carries an injected tool fault
FAULT_KINDS: tuple[FaultKind, ...] = ("error", "timeout", "empty", "warning")
FAULT_MESSAGE = "injected fault: upstream data source temporarily unavailable, please retry"
_BOTH: list[Track] = ["planning", "execution"]
# Track pattern per slot (cycled): mostly both tracks, some single-track.
_TRACK_CYCLE: tuple[list[Track], ...] = (_BOTH, _BOTH, ["execution"], _BOTH, ["planning"])
ID_PREFIX: dict[Pool, str] = {"public": "pub", "hidden": "hid"}


class TemplateExhausted(RuntimeError):
    pass


def split_pools(template: Template, space: Sequence[Params]) -> tuple[list[Params], list[Params]]:
    """Seed-independent split of a kind's whole parameter space into (public,
    hidden). It depends on the kind and the space only (never on a pack's
    counts or ``where``), so a parameter set is public or hidden for every
    pack alike."""
    uniq = {param_key(p): p for p in space}
    ordered = [
        uniq[k] for k in sorted(uniq, key=lambda k: (stable_hash("pool", template.kind, k), k))
    ]
    if len(ordered) < 2:
        raise TemplateExhausted(
            f"kind {template.kind}: a parameter space of {len(ordered)} cannot be split "
            "into a public and a hidden pool"
        )
    n_pub = min(len(ordered) - 1, max(1, math.ceil(len(ordered) * PUBLIC_SHARE)))
    return ordered[:n_pub], ordered[n_pub:]


def _pools(template: Template, ctx: Any) -> tuple[list[Params], list[Params]]:
    """The kind's split pools restricted by the template's ``where``; the
    split is memoised on the plant context when it supports it (a public and
    a hidden set built from one context split each space once)."""
    cached = getattr(ctx, "cached", None)
    if cached is None:
        public, hidden = split_pools(template, template.space(ctx))
    else:
        public, hidden = cached(
            ("pools", template.kind), lambda: split_pools(template, template.space(ctx))
        )
    return template.restrict(public), template.restrict(hidden)


def slot_tracks(template: Template, slot: int) -> list[Track]:
    offset = stable_hash("tracks", template.id) % len(_TRACK_CYCLE)
    return list(_TRACK_CYCLE[(slot + offset) % len(_TRACK_CYCLE)])


def slot_has_fault(template: Template, slot: int) -> bool:
    offset = stable_hash("faults", template.id) % FAULT_EVERY
    return (slot + offset) % FAULT_EVERY == 1


# Tools whose result is one flat record: the service's "empty" fault has
# nothing to empty there, so it would be an invisible fault.
WRITE_TOOLS = frozenset(
    f"wo.{a}_workorder" for a in ("create", "update", "assign", "approve", "close", "cancel")
)
FLAT_RESULT_TOOLS = frozenset({"wo.get_workorder", "utilities.current_date_time"})


def make_faults(draft: Draft, rng: random.Random) -> list[FaultSpec]:
    # Faults go on reads: a write's effect under a fault would be ambiguous.
    tools = [
        t for t in plan_tools(draft.plan) if not t.startswith("utilities.") and t not in WRITE_TOOLS
    ]
    if not tools:
        return []
    tool = rng.choice(tools)
    kinds = [k for k in FAULT_KINDS if not (k == "empty" and tool in FLAT_RESULT_TOOLS)]
    return [
        FaultSpec(
            tool=tool,
            kind=rng.choice(kinds),
            first_n=1 if rng.random() < 0.75 else 2,
            message=FAULT_MESSAGE,
        )
    ]


def _scenario(
    template: Template, draft: Draft, params: Params, slot: int, rng: random.Random
) -> dict[str, Any]:
    tracks = slot_tracks(template, slot)
    faults: list[FaultSpec] = []
    if slot_has_fault(template, slot):
        faults = make_faults(draft, rng)
        if faults and "execution" not in tracks:
            tracks = list(_BOTH)  # a fault only matters where tools are run
    if not draft.plan:
        tracks = ["execution"]
    expectation = Expectation(
        check=draft.check,
        required_retrievals=draft.required
        if draft.required is not None
        else template.derive_required(draft.plan),
        family_order=draft.family_order
        if draft.family_order is not None
        else family_order_of(draft.plan),
        reference_plan=draft.plan,
        evidence=draft.evidence,
        action=draft.action,
    )
    return {
        "template": template.id,
        "kind": template.kind,
        "family": template.family,
        "task_type": template.task_type,
        "category": template.category,
        "tracks": tracks,
        "output_format": template.output_format,
        "output_hint": draft.output_hint,
        "text": draft.text,
        "ambiguous": template.ambiguous,
        "faults": faults,
        "clarification": draft.clarification,
        "expectation": expectation,
        "params": {**params, **draft.extra_params},
    }


def _quotas(t: Template, candidates: list[Params], want: int) -> list[tuple[list[Params], int]]:
    """The draw, split evenly over the kind's strata (``Template.stratify``:
    e.g. situation vs control) so that no seed gets more of one side than
    another seed; without strata, one stratum of everything."""
    if t.stratify is None:
        return [(candidates, want)]
    values = sorted({repr(p[t.stratify]) for p in candidates})
    base, extra = divmod(want, len(values))
    return [
        ([p for p in candidates if repr(p[t.stratify]) == v], base + (1 if i < extra else 0))
        for i, v in enumerate(values)
    ]


Built = tuple[Params, Draft, random.Random]

# How many candidates a balanced draw builds at most per instance wanted (a
# kind's pool can hold thousands of parameter sets; a rare outcome is looked
# for among the first ones of the seeded order only).
OUTCOME_SCAN_PER_INSTANCE = 20
OUTCOME_SCAN_MIN = 100


def _built(
    t: Template, ctx: Any, stratum: list[Params], pool: Pool, seed: str, limit: int | None
) -> Iterator[Built]:
    """Usable drafts of ``stratum`` in its (seeded) order, at most ``limit``
    candidates looked at."""
    for i, params in enumerate(stratum):
        if limit is not None and i >= limit:
            return
        rng = random.Random(stable_hash("instance", pool, seed, t.id, param_key(params)))
        draft = t.build(ctx, params, rng)
        if draft is not None:
            yield params, draft, rng


def _draw(
    t: Template, ctx: Any, stratum: list[Params], quota: int, pool: Pool, seed: str
) -> list[Built]:
    """``quota`` instances of one stratum. A kind with outcome classes
    (``Template.outcome``) takes them in turn from each class, in an order of
    the classes the seed picks, so that every outcome the pool supplies is
    about equally common; otherwise the first usable ones in seeded order."""
    if quota <= 0:
        return []
    if not t.has_outcomes:
        return list(itertools.islice(_built(t, ctx, stratum, pool, seed, None), quota))
    limit = max(OUTCOME_SCAN_MIN, quota * OUTCOME_SCAN_PER_INSTANCE)
    classes: dict[str, list[Built]] = {}
    for b in _built(t, ctx, stratum, pool, seed, limit):
        label = t.outcome(b[1])
        if label is None:
            raise ValueError(f"template {t.id}: outcome() gave None for a draft")
        classes.setdefault(label, []).append(b)
        if len(classes) >= quota:  # one instance per outcome: as even as it gets
            break
    order = sorted(classes)
    random.Random(stable_hash("outcomes", pool, seed, t.id)).shuffle(order)
    picked: list[Built] = []
    while len(picked) < quota and any(classes.values()):
        for label in order:
            if classes[label] and len(picked) < quota:
                picked.append(classes[label].pop(0))
    return picked


def instantiate(templates: Sequence[Template], ctx: Any, pool: Pool, seed: str) -> list[Scenario]:
    seed = str(seed)
    rows: list[dict[str, Any]] = []
    for t in templates:
        public, hidden = _pools(t, ctx)
        candidates = list(public if pool == "public" else hidden)
        want = t.public_n if pool == "public" else t.hidden_n
        random.Random(stable_hash("draw", pool, seed, t.id)).shuffle(candidates)
        got = 0
        for stratum, quota in _quotas(t, candidates, want):
            for params, draft, rng in _draw(t, ctx, stratum, quota, pool, seed):
                rows.append(_scenario(t, draft, params, got, rng))
                got += 1
        if got < want:
            raise TemplateExhausted(
                f"template {t.id}: only {got} usable instances of {want} in the {pool} pool"
            )
    prefix = ID_PREFIX[pool]
    out: list[Scenario] = []
    for i, row in enumerate(rows, start=1):
        sid = f"{prefix}-{i:04d}"
        canary = make_canary(f"{pool}\x1f{seed}", sid)
        row["text"] = with_canary(row["text"], canary)
        out.append(Scenario(id=sid, canary=canary, **row))
    return validate_set(out)

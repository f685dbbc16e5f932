"""Template machinery.

A template *kind* (a subclass of ``Template``) is a ground-truth function
over the simulated plant, with no scenario text of its own: a scenario pack
binds it to phrasings, instance counts and surface rules
(``Template.bind``; hidden_scenarios/pack.py, docs/scenarios.md). A kind knows
- its parameter space over a given plant (``space``: cheap, no ground truth),
- how to turn one parameter set into a draft scenario whose expected answer,
  required retrievals, reference plan and evidence are computed from the
  plant library (``build``; returns None when an instance is unusable, e.g.
  a tie that would make the answer ambiguous),
- how a reference solver turns the reference plan's tool responses into an
  answer (``compose``; used by the oracle, never looks at the expectation).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from contracts.agent import OutputFormat, ToolFamily
from contracts.toollog import Clarification
from hidden_scenarios.schema import (
    ActionExpectation,
    AnswerCheck,
    Category,
    ReferenceStep,
    RequiredRetrieval,
    ScenarioFamily,
    TaskType,
)

Params = dict[str, Any]


def step(tool: str, **arguments: Any) -> ReferenceStep:
    """``step("iot.history", site_name=...)`` -> a reference-plan step."""
    fam, name = tool.split(".", 1)
    return ReferenceStep(agent=fam, tool=name, arguments=arguments)  # type: ignore[arg-type]


def retrieval(tool: str, **arguments: Any) -> RequiredRetrieval:
    return RequiredRetrieval(tool=tool, arguments=arguments)


def family_order_of(plan: list[ReferenceStep]) -> list[ToolFamily]:
    """Tool families in first-use order (utilities are glue, not a stage)."""
    out: list[ToolFamily] = []
    for s in plan:
        if s.agent != "utilities" and s.agent not in out:
            out.append(s.agent)
    return out


def param_key(params: Params) -> str:
    """Canonical, order-independent key of a parameter set (cheap: spaces
    hold tens of thousands of sets)."""
    return "\x1f".join(f"{k}={params[k]!r}" for k in sorted(params))


@dataclass
class Draft:
    text: str
    check: AnswerCheck
    plan: list[ReferenceStep]
    required: list[RequiredRetrieval] | None = None  # None: derived from the plan
    evidence: list[str] = field(default_factory=list)
    output_hint: str = ""
    family_order: list[ToolFamily] | None = None  # None: first-use order of the plan
    # Values drawn while building (e.g. a threshold) that the text states and
    # the oracle needs; stored with the template parameters.
    extra_params: dict[str, Any] = field(default_factory=dict)
    # Issue 17: what the operator meant (hidden; ask_operator answers from
    # it) and the work-order writes the task calls for.
    clarification: Clarification | None = None
    action: ActionExpectation | None = None


class Template(ABC):
    # The kind's id; a bound template's ``id`` is the pack's template id and
    # ``kind`` stays this (the public/hidden pool split is keyed by the kind,
    # so no pack can draw a parameter set another pack's other pool holds).
    id: str
    family: ClassVar[ScenarioFamily]
    task_type: ClassVar[TaskType]
    category: ClassVar[Category]
    output_format: ClassVar[OutputFormat]
    ambiguous: ClassVar[bool] = False
    # Key arguments a required retrieval keeps from each plan step.
    retrieval_keys: ClassVar[dict[str, tuple[str, ...]]] = {}
    # A parameter whose values split the space into strata drawn in equal
    # shares (situation vs control), so the mix does not depend on the seed.
    stratify: ClassVar[str | None] = None
    # The kind's pool is dominated by one answer (most work orders are
    # closed, most windows have no gap, ...): draw distinct answers in turn
    # (``outcome``), so the usual answer is no better a guess than another.
    balance_answers: ClassVar[bool] = False
    # The placeholders ``build`` fills in a phrasing (docs/scenarios.md lists them).
    slots: ClassVar[tuple[str, ...]] = ()
    # Set by ``bind`` (a pack's template entry). Instances per set: the public
    # pool is a fixed share of each kind's parameter space, so public and
    # hidden instances never coincide.
    phrasings: tuple[str, ...] = ()
    public_n: int = 1
    hidden_n: int = 5
    where: dict[str, tuple[Any, ...]] = {}
    # Renders entity values (asset, site, date) in varied surface forms.
    surface: Any = None

    @property
    def kind(self) -> str:
        return type(self).id

    def bind(
        self,
        *,
        id: str,
        phrasings: tuple[str, ...],
        public_n: int,
        hidden_n: int,
        where: dict[str, tuple[Any, ...]] | None = None,
        surface: Any = None,
    ) -> Template:
        """A copy of this kind bound to one pack entry."""
        bound = copy.copy(self)
        bound.id = id
        bound.phrasings = tuple(phrasings)
        bound.public_n, bound.hidden_n = public_n, hidden_n
        bound.where = dict(where or {})
        bound.surface = surface
        return bound

    def restrict(self, params: list[Params]) -> list[Params]:
        """Parameter sets allowed by the pack entry's ``where``."""
        if not self.where:
            return params
        return [p for p in params if all(p.get(k) in v for k, v in self.where.items())]

    @abstractmethod
    def space(self, ctx: Any) -> list[Params]:
        """Every parameter set this template can be instantiated with."""

    @abstractmethod
    def build(self, ctx: Any, params: Params, rng: random.Random) -> Draft | None:
        """Ground truth and plan for one parameter set (None = unusable)."""

    @abstractmethod
    def compose(self, params: Params, responses: list[dict[str, Any]]) -> str:
        """The oracle's answer from the reference plan's tool responses."""

    @property
    def has_outcomes(self) -> bool:
        """Whether ``outcome`` classifies drafts (a set then balances them)."""
        return self.balance_answers or type(self).outcome is not Template.outcome

    def outcome(self, draft: Draft) -> str | None:
        """The class of a draft's expected answer (e.g. "nothing to close" vs
        "orders to close") for kinds whose answers would otherwise repeat
        across instances: a set draws such a kind's instances evenly over its
        outcomes, as far as the pool supplies them, so that a guess of the
        usual answer is not usually right. With ``balance_answers`` every
        distinct expected answer is its own class. None (the default) = draw
        in the seeded order alone."""
        if self.balance_answers:
            return json.dumps(draft.check.model_dump(mode="json"), sort_keys=True)
        return None

    # ---- helpers ---------------------------------------------------------
    def phrase(self, rng: random.Random, **values: Any) -> str:
        if not self.phrasings:
            raise RuntimeError(f"template {self.id}: not bound to phrasings (a pack binds them)")
        text = rng.choice(self.phrasings)
        if self.surface is not None and self.surface.varied:
            # Forms drawn from the instance's state without consuming it: the
            # same scenario (faults, tracks, answers) whatever forms it gets.
            key = stable_hash("surface", self.surface.salt, repr(rng.getstate()))
            values = self.surface.render(values, random.Random(key))
        return text.format(**values)

    def derive_required(self, plan: list[ReferenceStep]) -> list[RequiredRetrieval]:
        out: list[RequiredRetrieval] = []
        for s in plan:
            tool = f"{s.agent}.{s.tool}"
            keys = self.retrieval_keys.get(tool)
            if keys is None:
                continue
            out.append(
                RequiredRetrieval(
                    tool=tool, arguments={k: s.arguments[k] for k in keys if k in s.arguments}
                )
            )
        return out


def stable_hash(*parts: str) -> int:
    """Deterministic 64-bit hash (not Python's per-process salted ``hash``)."""
    joined = "\x1f".join(parts).encode()
    return int.from_bytes(hashlib.blake2b(joined, digest_size=8).digest(), "big")


def plan_tools(plan: list[ReferenceStep]) -> list[str]:
    return [f"{s.agent}.{s.tool}" for s in plan]

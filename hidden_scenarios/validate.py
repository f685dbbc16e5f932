"""Semantic validation of concrete scenarios (beyond the pydantic schema).

Everything a scorer relies on is checked here, at load time, so an operator
file with an unsatisfiable expectation is rejected before any submission is
scored: unknown tools, arguments a tool does not take, empty id sets, bad
tolerances, clarify checks with fewer than two options, JSON checks without
fields, faults on tools the reference plan never calls, required retrievals
the reference plan does not perform, family orders the plan contradicts,
duplicate ids or canaries, and canaries missing from the text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from contracts.tools import TOOL_ALIASES, TOOL_ARGS, family_of
from hidden_scenarios.matching import step_satisfies
from hidden_scenarios.refs import parse_ref
from hidden_scenarios.schema import (
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    InsufficientCheck,
    JsonFieldsCheck,
    NumberCheck,
    ReferenceStep,
    RequiredRetrieval,
    Scenario,
)

# Which check kinds fit which output format.
CHECKS_FOR_FORMAT: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "ids": ("ids",),
    "json": ("json",),
    "text": ("facts", "clarify", "insufficient", "number"),
}


class ScenarioError(ValueError):
    """A scenario that cannot be scored. ``code`` is stable; ``field`` is a
    dotted path inside the scenario (``expectation.check.options``)."""

    def __init__(self, code: str, scenario: str, field: str, message: str) -> None:
        self.code = code
        self.scenario = scenario
        self.field = field
        self.message = message
        super().__init__(f"scenario {scenario!r}, field {field}: {message} [{code}]")


def qualify(step: ReferenceStep) -> str:
    name = f"{step.agent}.{step.tool}"
    return TOOL_ALIASES.get(name, name)


def canonical_tool(name: str) -> str:
    return TOOL_ALIASES.get(name, name)


def _is_finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _check_tolerances(sid: str, rel_tol: float, abs_tol: float, field: str) -> None:
    if not (_is_finite(rel_tol) and 0 <= rel_tol < 1):
        raise ScenarioError("bad_tolerance", sid, f"{field}.rel_tol", "must be in [0, 1)")
    if not (_is_finite(abs_tol) and abs_tol >= 0):
        raise ScenarioError("bad_tolerance", sid, f"{field}.abs_tol", "must be finite and >= 0")


def _check_answer_check(s: Scenario) -> None:
    c = s.expectation.check
    f = "expectation.check"
    allowed = CHECKS_FOR_FORMAT[s.output_format]
    if c.kind not in allowed:
        raise ScenarioError(
            "format_mismatch",
            s.id,
            f"{f}.kind",
            f"check kind {c.kind!r} does not fit output_format {s.output_format!r} "
            f"(allowed: {', '.join(allowed)})",
        )
    if isinstance(c, NumberCheck):
        if not _is_finite(c.value):
            raise ScenarioError("bad_value", s.id, f"{f}.value", "must be a finite number")
        _check_tolerances(s.id, c.rel_tol, c.abs_tol, f)
    elif isinstance(c, IdSetCheck):
        ids = [i.strip() for i in c.ids]
        if not ids or not all(ids):
            raise ScenarioError("empty_ids", s.id, f"{f}.ids", "needs at least one non-empty id")
        if len({i.lower() for i in ids}) != len(ids):
            raise ScenarioError("duplicate_ids", s.id, f"{f}.ids", "ids must be distinct")
        if not (0 < c.pass_f1 <= 1):
            raise ScenarioError("bad_tolerance", s.id, f"{f}.pass_f1", "must be in (0, 1]")
    elif isinstance(c, FactsCheck):
        if not c.required:
            raise ScenarioError("empty_facts", s.id, f"{f}.required", "needs at least one fact")
        for i, alts in enumerate(c.required):
            if not alts or not all(a.strip() for a in alts):
                raise ScenarioError(
                    "empty_facts",
                    s.id,
                    f"{f}.required[{i}]",
                    "each fact needs at least one non-empty alternative",
                )
            for a in alts:
                for bad in c.forbidden:
                    if bad.strip() and bad.lower() in a.lower():
                        raise ScenarioError(
                            "contradictory_facts",
                            s.id,
                            f"{f}.forbidden",
                            f"forbidden {bad!r} is part of required fact {a!r}",
                        )
        if not (0 < c.min_fraction <= 1):
            raise ScenarioError("bad_tolerance", s.id, f"{f}.min_fraction", "must be in (0, 1]")
    elif isinstance(c, JsonFieldsCheck):
        if not c.fields:
            raise ScenarioError("empty_fields", s.id, f"{f}.fields", "needs at least one field")
        _check_tolerances(s.id, c.rel_tol, c.abs_tol, f)
        for k, v in c.fields.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise ScenarioError("bad_value", s.id, f"{f}.fields.{k}", "must be finite")
    elif isinstance(c, InsufficientCheck):
        for name, values in (("causes", c.causes), ("where", c.where)):
            if not all(v.strip() for v in values):
                raise ScenarioError("empty_facts", s.id, f"{f}.{name}", "empty alternative")
        _check_tolerances(s.id, c.rel_tol, 0.0, f)
    elif isinstance(c, ClarifyCheck):
        opts = {o.strip().lower() for o in c.options if o.strip()}
        if len(opts) < 2:
            raise ScenarioError(
                "too_few_options",
                s.id,
                f"{f}.options",
                "a clarify check needs >= 2 distinct options",
            )
    if isinstance(c, ClarifyCheck) != s.ambiguous:
        raise ScenarioError(
            "ambiguity_mismatch",
            s.id,
            "ambiguous",
            "ambiguous scenarios must use a clarify check, and clarify checks need ambiguous: true",
        )


def _check_args(sid: str, field: str, tool: str, args: dict[str, Any], partial: bool) -> None:
    model = TOOL_ARGS[tool]
    unknown = sorted(set(args) - set(model.model_fields))
    if unknown:
        raise ScenarioError(
            "unknown_argument",
            sid,
            f"{field}.arguments",
            f"{tool} takes no argument(s) {', '.join(unknown)}; "
            f"valid: {', '.join(model.model_fields) or '(none)'}",
        )
    concrete = {k: ("ref" if parse_ref(v) else v) for k, v in args.items()}
    if partial:
        # Only the given keys matter: validate each as if the others were absent.
        required = {k for k, fi in model.model_fields.items() if fi.is_required()}
        concrete = {**{k: "x" for k in required if k not in concrete}, **concrete}
    try:
        model.model_validate(concrete)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(
            "bad_argument", sid, f"{field}.arguments.{loc}", f"{tool}: {err['msg']}"
        ) from None


def _check_plan(s: Scenario) -> list[str]:
    tools: list[str] = []
    for i, step in enumerate(s.expectation.reference_plan):
        field = f"expectation.reference_plan[{i}]"
        tool = qualify(step)
        if tool not in TOOL_ARGS:
            raise ScenarioError("unknown_tool", s.id, f"{field}.tool", f"unknown tool {tool!r}")
        if family_of(tool) != step.agent:
            raise ScenarioError(
                "bad_agent", s.id, f"{field}.agent", f"{tool} is not a {step.agent} tool"
            )
        for k, v in step.arguments.items():
            ref = parse_ref(v)
            if ref and ref[0] >= i:
                raise ScenarioError(
                    "bad_reference",
                    s.id,
                    f"{field}.arguments.{k}",
                    f"{v} must refer to an earlier step (< {i})",
                )
        _check_args(s.id, field, tool, step.arguments, partial=False)
        tools.append(tool)
    return tools


def retrieval_satisfied_by(req: RequiredRetrieval, tool: str, args: dict[str, Any]) -> bool:
    """Does one call (or reference-plan step) of ``tool`` with ``args``
    perform ``req``? The evaluator's own rule (``hidden_scenarios.matching``),
    so a reference plan the validator accepts scores full retrieval accuracy:
    strings case-insensitive, timestamps as instants, lists as subsets,
    windows covered with the tools' defaults (``iot.history`` without
    ``final`` = one day), ``${stepN.field}`` references match anything."""
    return step_satisfies(req.tool, req.arguments, tool, args)


def validate_scenario(s: Scenario) -> None:
    if s.canary not in s.text:
        raise ScenarioError(
            "canary_not_in_text", s.id, "text", f"must contain its canary {s.canary}"
        )
    if not s.text.replace(s.canary, "").strip():
        raise ScenarioError("empty_text", s.id, "text", "task text is empty")
    if len(set(s.tracks)) != len(s.tracks):
        raise ScenarioError("duplicate_track", s.id, "tracks", "tracks must be distinct")
    _check_answer_check(s)
    plan_tools = _check_plan(s)
    exp = s.expectation
    if "planning" in s.tracks and not exp.reference_plan:
        raise ScenarioError(
            "empty_plan",
            s.id,
            "expectation.reference_plan",
            "planning-track scenarios need a reference plan",
        )
    for i, req in enumerate(exp.required_retrievals):
        field = f"expectation.required_retrievals[{i}]"
        tool = canonical_tool(req.tool)
        if tool not in TOOL_ARGS:
            raise ScenarioError("unknown_tool", s.id, f"{field}.tool", f"unknown tool {req.tool!r}")
        _check_args(s.id, field, tool, req.arguments, partial=True)
        if exp.reference_plan and not any(
            retrieval_satisfied_by(req, t, st.arguments)
            for t, st in zip(plan_tools, exp.reference_plan, strict=True)
        ):
            raise ScenarioError(
                "unsatisfiable_retrieval",
                s.id,
                field,
                f"no reference-plan step performs the required {tool} call {req.arguments}",
            )
    plan_families = [family_of(t) for t in plan_tools]
    pos = 0
    for i, fam in enumerate(exp.family_order):
        try:
            pos = plan_families.index(fam, pos)
        except ValueError:
            raise ScenarioError(
                "family_order_mismatch",
                s.id,
                f"expectation.family_order[{i}]",
                f"family {fam!r} does not follow in the reference plan "
                f"({' -> '.join(plan_families)})",
            ) from None
    for i, fault in enumerate(s.faults):
        field = f"faults[{i}].tool"
        tool = canonical_tool(fault.tool)
        if tool not in TOOL_ARGS:
            raise ScenarioError("unknown_tool", s.id, field, f"unknown tool {fault.tool!r}")
        if tool not in plan_tools:
            raise ScenarioError(
                "fault_not_in_plan",
                s.id,
                field,
                f"fault on {tool} but the reference plan never calls it",
            )


def validate_set(scenarios: Iterable[Scenario]) -> list[Scenario]:
    out: list[Scenario] = []
    ids: dict[str, int] = {}
    canaries: dict[str, str] = {}
    for idx, s in enumerate(scenarios):
        if s.id in ids:
            raise ScenarioError(
                "duplicate_id", s.id, "id", f"duplicate of scenario #{ids[s.id]} (index {idx})"
            )
        ids[s.id] = idx
        if s.canary in canaries:
            raise ScenarioError(
                "duplicate_canary",
                s.id,
                "canary",
                f"same canary as scenario {canaries[s.canary]!r}",
            )
        canaries[s.canary] = s.id
        validate_scenario(s)
        out.append(s)
    return out

"""FMSR templates: failure-mode catalog and failure-mode <-> sensor reasoning."""

from __future__ import annotations

import random
from typing import Any

from hidden_scenarios.schema import FactsCheck, IdSetCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import forbidden_alternatives, plural


def _targets(ctx: Any) -> list[Params]:
    """An asset by name, or an asset type."""
    out: list[Params] = [{"target": a.name, "target_kind": "asset"} for a in ctx.assets()]
    out += [{"target": t, "target_kind": "type"} for t in ("chiller", "ahu")]
    return out


def _target_text(p: Params) -> str:
    return p["target"] if p["target_kind"] == "asset" else plural(p["target"])


class AssetFailureModes(Template):
    id = "fmsr.failure_modes"
    balance_answers = True
    family = "fmsr"
    task_type = "knowledge"
    category = "knowledge"
    output_format = "ids"
    retrieval_keys = {"fmsr.get_failure_modes": ("asset_name",)}
    slots = ("code", "target")

    def space(self, ctx: Any) -> list[Params]:
        out = []
        for t in _targets(ctx):
            codes = sorted({fm.failure_code for fm in ctx.failure_modes(t["target"])})
            out += [{**t, "code": c} for c in codes]
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        names = [fm.name for fm in ctx.failure_modes(p["target"]) if fm.failure_code == p["code"]]
        if not names:
            return None
        return Draft(
            text=self.phrase(rng, target=_target_text(p), code=p["code"]),
            check=IdSetCheck(ids=names),
            plan=[step("fmsr.get_failure_modes", asset_name=p["target"])],
            evidence=names,
            output_hint="failure-mode names, comma-separated",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        fms = R.failure_modes(responses[0])
        return "; ".join(fm["name"] for fm in fms if fm["failure_code"] == p["code"])


class FailureModeCount(Template):
    id = "fmsr.failure_mode_count"
    balance_answers = True
    family = "fmsr"
    task_type = "knowledge"
    category = "knowledge"
    output_format = "number"
    retrieval_keys = {"fmsr.get_failure_modes": ("asset_name",)}
    slots = ("target", "where")

    def space(self, ctx: Any) -> list[Params]:
        out = []
        for t in _targets(ctx):
            out.append({**t, "component": None})
            comps = sorted({fm.component for fm in ctx.failure_modes(t["target"])})
            out += [{**t, "component": c} for c in comps]
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        fms = [
            fm
            for fm in ctx.failure_modes(p["target"])
            if p["component"] is None or fm.component == p["component"]
        ]
        if not fms:
            return None
        where = "" if p["component"] is None else f" that concern the component '{p['component']}'"
        return Draft(
            text=self.phrase(rng, target=_target_text(p), where=where),
            check=NumberCheck(value=len(fms), rel_tol=0.0, abs_tol=0.0),
            plan=[step("fmsr.get_failure_modes", asset_name=p["target"])],
            evidence=[str(len(fms))],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        fms = [
            fm
            for fm in R.failure_modes(responses[0])
            if p["component"] is None or fm["component"] == p["component"]
        ]
        return f"{len(fms)} failure modes"


class ModesForSensor(Template):
    id = "fmsr.modes_for_sensor"
    family = "fmsr"
    task_type = "failure_mode_reasoning"
    category = "inference"
    output_format = "ids"
    retrieval_keys = {"fmsr.get_failure_mode_sensor_mapping": ("asset_name", "sensors")}
    slots = ("asset", "sensor")

    def space(self, ctx: Any) -> list[Params]:
        return [{"asset": a.name, "sensor": s} for a in ctx.assets() for s in ctx.sensors(a.name)]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        names = ctx.modes_for_sensor(p["asset"], p["sensor"])
        if not names or len(names) > 8:
            return None
        return Draft(
            text=self.phrase(rng, asset=p["asset"], sensor=p["sensor"]),
            check=IdSetCheck(ids=names, pass_f1=0.8),
            plan=[
                step(
                    "fmsr.get_failure_mode_sensor_mapping",
                    asset_name=p["asset"],
                    sensors=[p["sensor"]],
                ),
            ],
            evidence=names,
            output_hint="failure-mode names, one per line",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return "\n".join(R.modes_for_sensor(responses[0], p["sensor"]))


class SensorsForMode(Template):
    id = "fmsr.sensors_for_mode"
    family = "fmsr"
    task_type = "failure_mode_reasoning"
    category = "inference"
    output_format = "ids"
    retrieval_keys = {"fmsr.get_failure_mode_sensor_mapping": ("asset_name",)}
    slots = ("asset", "fm")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"asset": a.name, "fm": fm.name}
            for a in ctx.assets()
            for fm in ctx.failure_modes(a.name)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        sensors = list(ctx.sensor_relevance(p["asset"], p["fm"]))
        if not sensors:
            return None
        return Draft(
            text=self.phrase(rng, asset=p["asset"], fm=p["fm"]),
            check=IdSetCheck(ids=sensors, pass_f1=0.8),
            plan=[
                step(
                    "fmsr.get_failure_mode_sensor_mapping",
                    asset_name=p["asset"],
                    failure_modes=[p["fm"]],
                ),
            ],
            evidence=sensors,
            output_hint="sensor names, comma-separated",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ", ".join(R.sensors_for_mode(responses[0], p["fm"]))


class MostRelevantSensor(Template):
    id = "fmsr.most_relevant_sensor"
    family = "fmsr"
    task_type = "failure_mode_reasoning"
    category = "inference"
    output_format = "text"
    retrieval_keys = {"fmsr.get_failure_mode_sensor_mapping": ("asset_name",)}
    slots = ("asset", "fm")

    def space(self, ctx: Any) -> list[Params]:
        return SensorsForMode.space(self, ctx)  # type: ignore[arg-type]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        rel = ctx.sensor_relevance(p["asset"], p["fm"])
        ranked = sorted(rel.items(), key=lambda kv: -kv[1])
        if len(ranked) < 2 or ranked[0][1] - ranked[1][1] < 0.1:
            return None
        best = ranked[0][0]
        return Draft(
            text=self.phrase(rng, asset=p["asset"], fm=p["fm"]),
            # the other candidates of the pool: naming every sensor is no answer
            check=FactsCheck(
                required=[[best]],
                forbidden=forbidden_alternatives([best], [name for name, _ in ranked[1:]]),
            ),
            plan=[
                step(
                    "fmsr.get_failure_mode_sensor_mapping",
                    asset_name=p["asset"],
                    failure_modes=[p["fm"]],
                ),
            ],
            evidence=[best],
            output_hint="one sensor name with a short justification",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        ranked = R.sensors_for_mode(responses[0], p["fm"], with_relevance=True)
        best, score = max(ranked, key=lambda kv: kv[1])
        return f"{best} is the most relevant sensor (relevance {score:.2f})."


TEMPLATES: list[Template] = [
    AssetFailureModes(),
    FailureModeCount(),
    ModesForSensor(),
    SensorsForMode(),
    MostRelevantSensor(),
]

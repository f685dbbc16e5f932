"""Diagnosis chains (issue 17): multi-step tasks across all four families
with a decision at the end. Ground truth is an injected fault episode: its
signature in the telemetry, the failure mode the plant simulated, and the
corrective work order that records it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from hidden_scenarios.schema import ActionExpectation, FactsCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    history_step,
    is_analog,
    iso,
    sensor_kind,
    tsad_step,
)
from hidden_scenarios.templates.multi import episode_cm_window, other_failure_modes
from services.assetdata import library as L


class FaultToWorkorder(Template):
    """IoT (the alerting sensor around the onset) -> TSFM anomaly detection on
    that dataset -> FMSR failure modes of the asset -> WO corrective history:
    name the failure mode and the corrective order that covers it, and
    decide not to raise a duplicate (the right action is no write; a plan
    or run that raises one fails)."""

    id = "chain.fault_to_workorder"
    family = "multi"
    task_type = "failure_mode_reasoning"
    category = "complex"
    output_format = "text"
    retrieval_keys = {
        "iot.history": HISTORY_KEYS,
        "tsfm.run_tsad": ("target_columns",),
        "fmsr.get_failure_modes": ("asset_name",),
        "wo.list_workorders": ("asset_num", "work_type"),
    }
    slots = ("asset", "day", "kind", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [{"episode": ep["episode_id"]} for ep in ctx.episodes()]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ep = ctx.episode(p["episode"])
        alerts = [
            e
            for e in L.events(ctx.plant, ep["equipment_id"], event_type="alert")
            if ep["start"] <= e["timestamp"] < ep["end"]
            and e.get("sensor")
            and is_analog(e["sensor"])
        ]
        if not alerts:
            return None
        sensor = alerts[0]["sensor"]
        onset = datetime.fromisoformat(ep["start"])
        start, final = iso(onset - timedelta(days=2)), iso(onset + timedelta(days=2))
        if datetime.fromisoformat(final) > ctx.plant.now:
            return None
        window = episode_cm_window(ctx, ep)
        if window is None:
            return None
        date_from, date_to = window
        fm = ctx.failure_mode(ep["failure_mode"])
        return Draft(
            text=self.phrase(
                rng,
                asset=ep["asset"],
                site=ep["site"],
                day=date_from,
                kind=sensor_kind(sensor, ep["asset"]).lower(),
            ),
            check=FactsCheck(
                required=[[fm.name, fm.code], [ep["workorder"]]],
                forbidden=other_failure_modes(ctx, ep["asset"], fm),
            ),
            plan=[
                history_step(ep["site"], ep["asset"], start, final, sensor),
                tsad_step(sensor),
                step("fmsr.get_failure_modes", asset_name=ep["asset"]),
                step(
                    "wo.list_workorders",
                    asset_num=ep["equipment_id"],
                    work_type="CM",
                    date_from=date_from,
                    date_to=date_to,
                ),
            ],
            evidence=[fm.code, ep["workorder"]],
            output_hint="the failure mode and the work order, and whether you raised one",
            action=ActionExpectation(writes=[]),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        wo = R.workorders(responses[3])[0]
        fms = {fm["code"]: fm for fm in R.failure_modes(responses[2])}
        fm = fms[wo["failure_mode"]]
        return (
            f"The anomaly is the failure mode {fm['code']}: {fm['name']}. Corrective work "
            f"order {wo['wonum']} ({wo['status']}) covers it, so I raised no new order."
        )


TEMPLATES: list[Template] = [FaultToWorkorder()]

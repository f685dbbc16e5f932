"""Multi-agent templates: questions that need two or more tool families in
dependency order (e.g. IoT -> TSFM, FMSR -> IoT, IoT -> WO -> FMSR)."""

from __future__ import annotations

import json
import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from hidden_scenarios.refs import step_ref
from hidden_scenarios.schema import FactsCheck, JsonFieldsCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, retrieval, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    analog_sensors,
    day_window,
    fmt_number,
    forbidden_alternatives,
    forecast_step,
    history_step,
    human_date,
    is_analog,
    iso,
    sensor_kind,
    tsad_step,
)
from hidden_scenarios.templates.wo import MONTHS, month_window, year_window


def episode_cm_window(ctx: Any, ep: dict[str, Any]) -> tuple[str, str] | None:
    """(date_from, date_to) of an episode's corrective history: its first day
    to 8 days after it ended; None unless the window holds exactly the
    episode's own corrective order (the story must be unambiguous)."""
    date_from = ep["start"][:10]
    date_to = (datetime.fromisoformat(ep["end"]).date() + timedelta(days=8)).isoformat()
    wos = ctx.workorders(
        asset_num=ep["equipment_id"], work_type="CM", date_from=date_from, date_to=date_to
    )
    if [w["wonum"] for w in wos] != [ep["workorder"]]:
        return None
    return date_from, date_to


def other_failure_modes(ctx: Any, asset: str, fm: Any) -> list[str]:
    """The asset's other failure modes (names and codes) as a facts check's
    forbidden list: listing them all is no diagnosis."""
    return forbidden_alternatives(
        [fm.name, fm.code],
        [
            alt
            for other in ctx.failure_modes(asset)
            if other.code != fm.code
            for alt in (other.name, other.code)
        ],
    )


class EpisodeDiagnosis(Template):
    """Ground truth is an injected fault episode: the failure mode the plant
    simulated. The story in the data: telemetry deviates, alerts fire, a
    corrective work order records the failure mode."""

    id = "multi.episode_diagnosis"
    family = "multi"
    task_type = "failure_mode_reasoning"
    category = "complex"
    output_format = "text"
    slots = ("asset", "day", "human", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [{"episode": ep["episode_id"]} for ep in ctx.episodes() if not ep["ongoing"]]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ep = ctx.episode(p["episode"])
        window = episode_cm_window(ctx, ep)
        if window is None:
            return None
        date_from, date_to = window
        fm = ctx.failure_mode(ep["failure_mode"])
        start = datetime.fromisoformat(ep["start"])
        return Draft(
            text=self.phrase(
                rng,
                asset=ep["asset"],
                site=ep["site"],
                human=human_date(start.date()),
                day=start.date().isoformat(),
            ),
            check=FactsCheck(
                required=[[fm.name, fm.code]],
                forbidden=other_failure_modes(ctx, ep["asset"], fm),
            ),
            plan=[
                step("iot.get_asset", site_name=ep["site"], asset_id=ep["asset"]),
                step(
                    "wo.list_workorders",
                    asset_num=step_ref(0, "equipment_id"),
                    work_type="CM",
                    date_from=date_from,
                    date_to=date_to,
                ),
                step("fmsr.get_failure_modes", asset_name=ep["asset"]),
            ],
            required=[
                retrieval("wo.list_workorders", asset_num=ep["equipment_id"], work_type="CM"),
                retrieval("fmsr.get_failure_modes", asset_name=ep["asset"]),
            ],
            evidence=[fm.name, fm.code, ep["workorder"]],
            output_hint="the failure mode, with the evidence",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        wo = R.workorders(responses[1])[0]
        fms = {fm["code"]: fm for fm in R.failure_modes(responses[2])}
        fm = fms[wo["failure_mode"]]
        return f"Work order {wo['wonum']} records the failure mode {fm['code']}: {fm['name']}."


class ModeSensorReading(Template):
    id = "multi.mode_sensor_reading"
    family = "multi"
    task_type = "failure_mode_reasoning"
    category = "complex"
    output_format = "number"
    slots = ("asset", "day", "fm", "human", "site")

    def space(self, ctx: Any) -> list[Params]:
        days = ctx.telemetry_days()[::18]
        return [
            {"site": a.site, "asset": a.name, "fm": fm.name, "day": d.isoformat()}
            for a in ctx.assets()
            for fm in ctx.failure_modes(a.name)
            for d in days
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ranked = sorted(ctx.sensor_relevance(p["asset"], p["fm"]).items(), key=lambda kv: -kv[1])
        if len(ranked) < 2 or ranked[0][1] - ranked[1][1] < 0.1 or not is_analog(ranked[0][0]):
            return None
        sensor = ranked[0][0]
        start, final = day_window(date.fromisoformat(p["day"]))
        _, values = ctx.readings(p["asset"], sensor, start, final)
        if len(values) < 48:
            return None
        value = sum(values) / len(values)
        return Draft(
            text=self.phrase(
                rng,
                fm=p["fm"],
                asset=p["asset"],
                site=p["site"],
                day=p["day"],
                human=human_date(date.fromisoformat(p["day"])),
            ),
            check=NumberCheck(value=value, rel_tol=0.002, abs_tol=ctx.half_resolution(sensor)),
            plan=[
                step(
                    "fmsr.get_failure_mode_sensor_mapping",
                    asset_name=p["asset"],
                    failure_modes=[p["fm"]],
                ),
                history_step(p["site"], p["asset"], start, final, sensor),
            ],
            required=[
                retrieval("fmsr.get_failure_mode_sensor_mapping", asset_name=p["asset"]),
                retrieval(
                    "iot.history",
                    site_name=p["site"],
                    asset_id=p["asset"],
                    start=start,
                    final=final,
                    sensors=[sensor],
                ),
            ],
            evidence=[sensor, fmt_number(value)],
            output_hint="a number (the mean), naming the sensor",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        ranked = R.sensors_for_mode(responses[0], p["fm"], with_relevance=True)
        sensor = max(ranked, key=lambda kv: kv[1])[0]
        values = [v for _, v in R.series(responses[1], sensor)]
        return f"{fmt_number(sum(values) / len(values))} is the mean of {sensor}."


class ForecastThreshold(Template):
    id = "multi.forecast_threshold"
    family = "multi"
    task_type = "kpi_forecasting"
    category = "complex"
    output_format = "json"
    retrieval_keys = {
        "iot.history": HISTORY_KEYS,
        "tsfm.run_tsfm_forecasting": ("target_columns", "forecast_horizon"),
    }
    slots = ("asset", "final", "h", "kind", "sensor", "site", "start", "thr")

    def space(self, ctx: Any) -> list[Params]:
        ends = ctx.telemetry_days()[10::14]
        return [
            {"site": a.site, "asset": a.name, "sensor": s, "end": e.isoformat(), "h": h}
            for a, s in analog_sensors(ctx)
            for e in ends
            for h in (48, 96)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        end = date.fromisoformat(p["end"])
        start, final = iso(end - timedelta(days=7)), iso(end)
        fc = ctx.forecast(p["asset"], p["sensor"], start, final, p["h"])
        if fc is None:
            return None
        peak = max(fc)
        exceeds = rng.random() < 0.5
        # A clear margin (never within a few display steps of the peak), and the
        # threshold stated at the sensor's own precision.
        half = ctx.half_resolution(p["sensor"])
        margin = max(abs(peak) * rng.uniform(0.05, 0.15), 10 * half)
        decimals = max(0, round(-math.log10(2 * half)))
        thr = round(peak - margin if exceeds else peak + margin, decimals)
        return Draft(
            text=self.phrase(
                rng,
                asset=p["asset"],
                kind=sensor_kind(p["sensor"], p["asset"]),
                site=p["site"],
                start=start,
                final=final,
                h=p["h"],
                thr=fmt_number(thr),
                sensor=p["sensor"],
            ),
            check=JsonFieldsCheck(
                fields={"exceeds": exceeds, "peak_forecast": peak},
                rel_tol=0.01,
                abs_tol=ctx.half_resolution(p["sensor"]),
            ),
            plan=[
                history_step(p["site"], p["asset"], start, final, p["sensor"]),
                forecast_step(p["sensor"], p["h"]),
            ],
            evidence=[repr(peak)],
            output_hint="JSON object with keys exceeds, peak_forecast",
            extra_params={"threshold": thr},
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        peak = max(R.forecast_values(responses[1], p["sensor"]))
        return json.dumps({"exceeds": peak > p["threshold"], "peak_forecast": peak})


class AssetCorrectiveCount(Template):
    id = "multi.asset_corrective_count"
    balance_answers = True
    family = "multi"
    task_type = "work_order"
    category = "complex"
    output_format = "number"
    slots = ("asset", "site", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": a.site, "asset": a.name, "year": y}
            for a in ctx.assets()
            for y in ctx.workorder_years()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        eq = ctx.asset(p["asset"]).equipment_id
        date_from, date_to = year_window(p["year"])
        n = len(ctx.workorders(asset_num=eq, work_type="CM", date_from=date_from, date_to=date_to))
        if n == 0:
            return None
        return Draft(
            text=self.phrase(rng, asset=p["asset"], site=p["site"], year=p["year"]),
            check=NumberCheck(value=n, rel_tol=0.0, abs_tol=0.0),
            plan=[
                step("iot.get_asset", site_name=p["site"], asset_id=p["asset"]),
                step(
                    "wo.list_workorders",
                    asset_num=step_ref(0, "equipment_id"),
                    work_type="CM",
                    date_from=date_from,
                    date_to=date_to,
                    page_size=500,
                ),
            ],
            required=[
                retrieval(
                    "wo.list_workorders",
                    asset_num=eq,
                    work_type="CM",
                    date_from=date_from,
                    date_to=date_to,
                ),
            ],
            evidence=[eq, str(n)],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        eq = responses[0]["equipment_id"]
        return f"{R.total(responses[1])} corrective work orders for equipment {eq}"


class AssetAlertCount(Template):
    id = "multi.asset_alert_count"
    balance_answers = True
    family = "multi"
    task_type = "anomaly_detection"
    category = "complex"
    output_format = "number"
    slots = ("asset", "month", "site", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": a.site, "asset": a.name, "year": y, "month": m}
            for a in ctx.assets()
            for (y, m) in ctx.event_months()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        eq = ctx.asset(p["asset"]).equipment_id
        date_from, date_to = month_window(p["year"], p["month"])
        n = ctx.event_counts(eq, date_from, date_to).get("alert", 0)
        if n == 0:
            return None
        return Draft(
            text=self.phrase(
                rng, asset=p["asset"], site=p["site"], month=MONTHS[p["month"] - 1], year=p["year"]
            ),
            check=NumberCheck(value=n, rel_tol=0.0, abs_tol=0.0),
            plan=[
                step("iot.get_asset", site_name=p["site"], asset_id=p["asset"]),
                step(
                    "wo.list_events",
                    equipment_id=step_ref(0, "equipment_id"),
                    date_from=date_from,
                    date_to=date_to,
                    event_type="alert",
                    page_size=1000,
                ),
            ],
            required=[
                retrieval("wo.list_events", equipment_id=eq, date_from=date_from, date_to=date_to),
            ],
            evidence=[eq, str(n)],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        eq = responses[0]["equipment_id"]
        return f"{R.total(responses[1])} alerts for equipment {eq}"


class AnomalyWeek(Template):
    id = "multi.anomaly_week"
    balance_answers = True
    family = "multi"
    task_type = "anomaly_detection"
    category = "complex"
    output_format = "json"
    retrieval_keys = {"iot.history": HISTORY_KEYS, "tsfm.run_tsad": ("target_columns",)}
    slots = ("asset", "kind", "monday", "sensor", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": a.site, "asset": a.name, "sensor": s, "monday": m.isoformat()}
            for a, s in analog_sensors(ctx)
            for m in ctx.week_starts()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        monday = date.fromisoformat(p["monday"])
        start, final = iso(monday), iso(monday + timedelta(days=7))
        windows = ctx.anomalies(p["asset"], p["sensor"], start, final)
        if windows is None:
            return None
        return Draft(
            text=self.phrase(
                rng,
                asset=p["asset"],
                kind=sensor_kind(p["sensor"], p["asset"]),
                monday=p["monday"],
                site=p["site"],
                sensor=p["sensor"],
            ),
            check=JsonFieldsCheck(
                fields={"anomalous": bool(windows), "windows": len(windows)},
                rel_tol=0.0,
                abs_tol=0.0,
            ),
            plan=[
                history_step(p["site"], p["asset"], start, final, p["sensor"]),
                tsad_step(p["sensor"]),
            ],
            evidence=[str(len(windows))],
            output_hint="JSON object with keys anomalous, windows",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        n = R.anomaly_count(responses[1], p["sensor"])
        return json.dumps({"anomalous": n > 0, "windows": n})


TEMPLATES: list[Template] = [
    EpisodeDiagnosis(),
    ModeSensorReading(),
    ForecastThreshold(),
    AssetCorrectiveCount(),
    AssetAlertCount(),
    AnomalyWeek(),
]

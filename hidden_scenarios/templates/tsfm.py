"""TSFM templates: model catalog, forecasting, anomaly detection (and their
tuning variants). Data comes from an IoT history call whose dataset handle
the TSFM tool consumes, so the family order is iot -> tsfm."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from hidden_scenarios.schema import IdSetCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    analog_sensors,
    fmt_number,
    forecast_step,
    history_step,
    iso,
    sensor_kind,
    tsad_step,
)


def _window(p: Params) -> tuple[str, str]:
    end = date.fromisoformat(p["end"])
    return iso(end - timedelta(days=p["days"])), iso(end)


def _series_space(ctx: Any, ends: list[date], days: tuple[int, ...]) -> list[Params]:
    return [
        {"site": a.site, "asset": a.name, "sensor": s, "end": e.isoformat(), "days": n}
        for a, s in analog_sensors(ctx)
        for e in ends
        for n in days
    ]


def _history(p: Params) -> Any:
    start, final = _window(p)
    return history_step(p["site"], p["asset"], start, final, p["sensor"])


class ModelsForTask(Template):
    id = "tsfm.models_for_task"
    family = "tsfm"
    task_type = "knowledge"
    category = "knowledge"
    output_format = "ids"
    retrieval_keys = {"tsfm.get_tsfm_models": ()}
    TASK_WORDS = {"forecasting": "forecasting", "anomaly_detection": "anomaly detection"}
    slots = ("task",)

    def space(self, ctx: Any) -> list[Params]:
        return [{"task": t} for t in sorted({t for m in ctx.tsfm_models() for t in m["tasks"]})]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ids = [m["model_id"] for m in ctx.tsfm_models() if p["task"] in m["tasks"]]
        return Draft(
            text=self.phrase(rng, task=self.TASK_WORDS.get(p["task"], p["task"])),
            check=IdSetCheck(ids=ids),
            plan=[step("tsfm.get_tsfm_models")],
            evidence=ids,
            output_hint="model ids, comma-separated",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ", ".join(
            m["model_id"] for m in R.tsfm_models(responses[0]) if p["task"] in m["tasks"]
        )


class ForecastMean(Template):
    id = "tsfm.forecast_mean"
    family = "tsfm"
    task_type = "kpi_forecasting"
    category = "inference"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS, "tsfm.run_tsfm_forecasting": ("target_columns",)}
    HORIZONS = (24, 96)
    slots = ("asset", "days", "final", "h", "kind", "sensor", "site", "start")

    def space(self, ctx: Any) -> list[Params]:
        ends = ctx.telemetry_days()[14::24]
        return [{**p, "h": h} for p in _series_space(ctx, ends, (7, 14)) for h in self.HORIZONS]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        start, final = _window(p)
        fc = ctx.forecast(p["asset"], p["sensor"], start, final, p["h"])
        if fc is None:
            return None
        value = sum(fc) / len(fc)
        return Draft(
            text=self.phrase(
                rng,
                sensor=p["sensor"],
                site=p["site"],
                start=start,
                final=final,
                h=p["h"],
                days=p["days"],
                kind=sensor_kind(p["sensor"], p["asset"]),
                asset=p["asset"],
            ),
            check=NumberCheck(value=value, rel_tol=0.01, abs_tol=ctx.half_resolution(p["sensor"])),
            plan=[
                _history(p),
                forecast_step(p["sensor"], p["h"]),
            ],
            evidence=[fmt_number(value)],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        fc = R.forecast_values(responses[1], p["sensor"])
        return f"{fmt_number(sum(fc) / len(fc))} (mean of {len(fc)} forecast steps)"


class ForecastTuned(Template):
    id = "tsfm.forecast_tuned"
    family = "tsfm"
    task_type = "kpi_forecasting"
    category = "tuning"
    output_format = "number"
    retrieval_keys = {
        "iot.history": HISTORY_KEYS,
        "tsfm.run_tsfm_forecasting": ("target_columns", "model_checkpoint", "forecast_horizon"),
    }
    slots = ("asset", "final", "h", "kind", "model", "sensor", "site", "start", "word")

    def space(self, ctx: Any) -> list[Params]:
        ends = ctx.telemetry_days()[14::40]
        models = [m["model_id"] for m in ctx.tsfm_models() if "forecasting" in m["tasks"]]
        return [
            {**p, "h": h, "model": m, "stat": st}
            for p in _series_space(ctx, ends, (7,))
            for h in (48, 96)
            for m in models
            for st in ("max", "min")
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        start, final = _window(p)
        fc = ctx.forecast(p["asset"], p["sensor"], start, final, p["h"], model=p["model"])
        if fc is None:
            return None
        value = max(fc) if p["stat"] == "max" else min(fc)
        return Draft(
            text=self.phrase(
                rng,
                sensor=p["sensor"],
                site=p["site"],
                h=p["h"],
                model=p["model"],
                start=start,
                final=final,
                word="highest" if p["stat"] == "max" else "lowest",
                kind=sensor_kind(p["sensor"], p["asset"]),
                asset=p["asset"],
            ),
            check=NumberCheck(value=value, rel_tol=0.01, abs_tol=ctx.half_resolution(p["sensor"])),
            plan=[
                _history(p),
                forecast_step(p["sensor"], p["h"], model_checkpoint=p["model"]),
            ],
            evidence=[fmt_number(value)],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        fc = R.forecast_values(responses[1], p["sensor"])
        return fmt_number(max(fc) if p["stat"] == "max" else min(fc))


class AnomalyCount(Template):
    id = "tsfm.anomaly_count"
    balance_answers = True
    family = "tsfm"
    task_type = "anomaly_detection"
    category = "anomaly_detection"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS, "tsfm.run_tsad": ("target_columns",)}
    slots = ("asset", "final", "kind", "sensor", "site", "start")

    def space(self, ctx: Any) -> list[Params]:
        return _series_space(ctx, ctx.telemetry_days()[7::9], (7,))

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        start, final = _window(p)
        windows = ctx.anomalies(p["asset"], p["sensor"], start, final)
        if windows is None:
            return None
        return Draft(
            text=self.phrase(
                rng,
                sensor=p["sensor"],
                site=p["site"],
                start=start,
                final=final,
                asset=p["asset"],
                kind=sensor_kind(p["sensor"], p["asset"]),
            ),
            check=NumberCheck(value=len(windows), rel_tol=0.0, abs_tol=0.0),
            plan=[
                _history(p),
                tsad_step(p["sensor"]),
            ],
            evidence=[str(len(windows))] + [w["start"] for w in windows[:5]],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        result = R.anomaly_result(responses[1], p["sensor"])
        starts = ", ".join(w["start"] for w in result["windows"][:5])
        return f"{result['total_windows']} anomalous windows" + (
            f", starting at {starts}" if starts else ""
        )


class AnomalyTuned(Template):
    id = "tsfm.anomaly_tuned"
    balance_answers = True
    family = "tsfm"
    task_type = "anomaly_detection"
    category = "tuning"
    output_format = "number"
    retrieval_keys = {
        "iot.history": HISTORY_KEYS,
        "tsfm.run_tsad": ("target_columns", "false_alarm", "ad_model_type"),
    }
    slots = ("asset", "fa", "final", "kind", "model", "sensor", "site", "start")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {**p, "model": m, "fa": fa}
            for p in _series_space(ctx, ctx.telemetry_days()[7::24], (7,))
            for m in ctx.ad_models()
            for fa in (0.001, 0.05)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        start, final = _window(p)
        windows = ctx.anomalies(
            p["asset"], p["sensor"], start, final, false_alarm=p["fa"], model=p["model"]
        )
        if windows is None:
            return None
        return Draft(
            text=self.phrase(
                rng,
                sensor=p["sensor"],
                site=p["site"],
                start=start,
                final=final,
                model=p["model"],
                fa=p["fa"],
                asset=p["asset"],
                kind=sensor_kind(p["sensor"], p["asset"]),
            ),
            check=NumberCheck(value=len(windows), rel_tol=0.0, abs_tol=0.0),
            plan=[
                _history(p),
                tsad_step(p["sensor"], false_alarm=p["fa"], ad_model_type=p["model"]),
            ],
            evidence=[str(len(windows))],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return f"{R.anomaly_count(responses[1], p['sensor'])} anomalous windows"


TEMPLATES: list[Template] = [
    ModelsForTask(),
    ForecastMean(),
    ForecastTuned(),
    AnomalyCount(),
    AnomalyTuned(),
]

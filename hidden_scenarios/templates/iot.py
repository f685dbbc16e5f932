"""IoT templates: sites, assets, sensors, metadata, telemetry retrieval."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from hidden_scenarios.schema import IdSetCheck, JsonFieldsCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    STAT_WORDS,
    analog_sensors,
    day_window,
    fmt_number,
    history_step,
    human_date,
    plural,
    sensor_kind,
    stat_of,
)


class SiteAssets(Template):
    id = "iot.site_assets"
    family = "iot"
    task_type = "knowledge"
    category = "knowledge"
    output_format = "ids"
    retrieval_keys = {"iot.assets": ("site_name",)}
    slots = ("site", "types", "what")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": s, "asset_type": t, "answer": a}
            for s in ctx.sites()
            for t in ("chiller", "ahu")
            for a in ("name", "equipment_id")
            if ctx.assets(site=s, asset_type=t)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        assets = ctx.assets(site=p["site"], asset_type=p["asset_type"])
        ids = [a.name if p["answer"] == "name" else a.equipment_id for a in assets]
        what = "names" if p["answer"] == "name" else "equipment ids"
        return Draft(
            text=self.phrase(rng, types=plural(p["asset_type"]), site=p["site"], what=what),
            check=IdSetCheck(ids=ids),
            plan=[step("iot.assets", site_name=p["site"], asset_type=p["asset_type"])],
            evidence=ids,
            output_hint=f"comma-separated {what}",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        key = "name" if p["answer"] == "name" else "equipment_id"
        assets = [a for a in R.assets(responses[0]) if a["asset_type"] == p["asset_type"]]
        return ", ".join(a[key] for a in assets)


class AssetSensors(Template):
    id = "iot.asset_sensors"
    family = "iot"
    task_type = "data_retrieval"
    category = "knowledge"
    output_format = "ids"
    retrieval_keys = {"iot.sensors": ("site_name", "asset_id")}
    slots = ("asset", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [{"site": a.site, "asset": a.name} for a in ctx.assets()]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        sensors = ctx.sensors(p["asset"])
        return Draft(
            text=self.phrase(rng, asset=p["asset"], site=p["site"]),
            check=IdSetCheck(ids=sensors, pass_f1=0.9),
            plan=[step("iot.sensors", site_name=p["site"], asset_id=p["asset"])],
            evidence=sensors,
            output_hint="comma-separated sensor names",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ", ".join(R.sensor_names(responses[0]))


class AssetMetadata(Template):
    id = "iot.asset_metadata"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "json"
    retrieval_keys = {"iot.get_asset": ("site_name", "asset_id")}
    FIELD_SETS = (
        ("equipment_id", "manufacturer", "model"),
        ("equipment_id", "install_date", "location"),
        ("manufacturer", "capacity", "operating_schedule"),
    )
    slots = ("asset", "keys", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": a.site, "asset": a.name, "fields": list(fs)}
            for a in ctx.assets()
            for fs in self.FIELD_SETS
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        record = ctx.asset_record(p["asset"])
        fields = {k: record[k] for k in p["fields"]}
        return Draft(
            text=self.phrase(rng, asset=p["asset"], site=p["site"], keys=", ".join(p["fields"])),
            check=JsonFieldsCheck(fields=fields, rel_tol=0.001),
            plan=[step("iot.get_asset", site_name=p["site"], asset_id=p["asset"])],
            evidence=[str(v) for v in fields.values()],
            output_hint="JSON object with keys " + ", ".join(p["fields"]),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        record = R.asset_record(responses[0])
        return json.dumps({k: record[k] for k in p["fields"]})


def _analog_sensor_space(ctx: Any, days: list[date]) -> list[Params]:
    return [
        {"site": a.site, "asset": a.name, "sensor": s, "day": d.isoformat()}
        for a, s in analog_sensors(ctx)
        for d in days
    ]


class SensorDailyStat(Template):
    id = "iot.sensor_daily_stat"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "day", "human", "kind", "sensor", "site", "word")

    def space(self, ctx: Any) -> list[Params]:
        days = ctx.telemetry_days()[::15]
        return [
            {**p, "stat": st}
            for p in _analog_sensor_space(ctx, days)
            for st in ("max", "min", "mean")
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        d = date.fromisoformat(p["day"])
        start, final = day_window(d)
        _, values = ctx.readings(p["asset"], p["sensor"], start, final)
        if len(values) < 48:  # mostly a gap: not a fair question
            return None
        value = stat_of(p["stat"], values)
        kind = sensor_kind(p["sensor"], p["asset"])
        return Draft(
            text=self.phrase(
                rng,
                word=rng.choice(STAT_WORDS[p["stat"]]),
                sensor=p["sensor"],
                asset=p["asset"],
                kind=kind,
                site=p["site"],
                human=human_date(d),
                day=p["day"],
            ),
            check=NumberCheck(value=value, rel_tol=0.002, abs_tol=ctx.half_resolution(p["sensor"])),
            plan=[history_step(p["site"], p["asset"], start, final, p["sensor"])],
            evidence=[fmt_number(value)],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        values = [v for _, v in R.series(responses[0], p["sensor"])]
        return f"{fmt_number(stat_of(p['stat'], values))} ({p['stat']} of {len(values)} readings)"


class ReadingCount(Template):
    id = "iot.reading_count"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "final", "sensor", "site", "start")

    balance_answers = True  # nine windows in ten have every reading (288)

    def space(self, ctx: Any) -> list[Params]:
        days = ctx.telemetry_days()[:-3:10]
        return [{**p, "days": 3} for p in _analog_sensor_space(ctx, days)]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        d = date.fromisoformat(p["day"])
        start, final = day_window(d)[0], day_window(d + timedelta(days=p["days"] - 1))[1]
        _, values = ctx.readings(p["asset"], p["sensor"], start, final)
        if not values:
            return None
        return Draft(
            text=self.phrase(
                rng, sensor=p["sensor"], asset=p["asset"], site=p["site"], start=start, final=final
            ),
            check=NumberCheck(value=len(values), rel_tol=0.0, abs_tol=0.0),
            plan=[history_step(p["site"], p["asset"], start, final, p["sensor"])],
            evidence=[str(len(values))],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return f"{len(R.series(responses[0], p['sensor']))} readings"


class PeakDay(Template):
    id = "iot.peak_day"
    family = "iot"
    task_type = "data_retrieval"
    category = "inference"
    output_format = "ids"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "kind", "monday", "sensor", "site", "word", "word2")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {
                "site": p["site"],
                "asset": p["asset"],
                "sensor": p["sensor"],
                "monday": p["day"],
                "which": w,
            }
            for p in _analog_sensor_space(ctx, ctx.week_starts()[::2])
            for w in ("highest", "lowest")
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        monday = date.fromisoformat(p["monday"])
        start = day_window(monday)[0]
        final = day_window(monday + timedelta(days=6))[1]
        means = ctx.daily_means(p["asset"], p["sensor"], start, final)
        if len(means) < 7:
            return None
        ranked = sorted(means.items(), key=lambda kv: kv[1], reverse=p["which"] == "highest")
        if abs(ranked[0][1] - ranked[1][1]) < 1e-3 * max(1.0, abs(ranked[0][1])):
            return None  # near-tie: the answer would hinge on rounding
        best = ranked[0][0]
        if best == p["monday"]:
            return None  # the answer would be the one date the task names: guessable
        kind = sensor_kind(p["sensor"], p["asset"])
        word = p["which"]
        word2 = "highest" if word == "highest" else "lowest"
        return Draft(
            text=self.phrase(
                rng,
                monday=p["monday"],
                sensor=p["sensor"],
                site=p["site"],
                word=word,
                word2=word2,
                kind=kind,
                asset=p["asset"],
            ),
            check=IdSetCheck(ids=[best]),
            plan=[
                step(
                    "iot.history",
                    site_name=p["site"],
                    asset_id=p["asset"],
                    start=start,
                    final=final,
                    sensors=[p["sensor"]],
                    aggregation="daily",
                )
            ],
            evidence=[best, fmt_number(ranked[0][1])],
            output_hint="a date YYYY-MM-DD",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        rows = R.series(responses[0], p["sensor"])
        pick = max if p["which"] == "highest" else min
        ts, v = pick(rows, key=lambda r: r[1])
        return f"{ts[:10]} (daily mean {fmt_number(v)})"


class ReadingAt(Template):
    id = "iot.reading_at"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "kind", "sensor", "site", "ts")

    def space(self, ctx: Any) -> list[Params]:
        hours = ("03:00:00", "09:15:00", "14:30:00")
        return [
            {**p, "time": h}
            for p in _analog_sensor_space(ctx, ctx.telemetry_days()[::15])
            for h in hours
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ts = f"{p['day']}T{p['time']}"
        final = R.plus_minutes(ts, 15)
        stamps, values = ctx.readings(p["asset"], p["sensor"], ts, final)
        if len(values) != 1:
            return None  # a gap at that instant
        kind = sensor_kind(p["sensor"], p["asset"])
        return Draft(
            text=self.phrase(
                rng, sensor=p["sensor"], ts=ts, site=p["site"], kind=kind, asset=p["asset"]
            ),
            check=NumberCheck(value=values[0], rel_tol=0.0, abs_tol=0.001),
            plan=[history_step(p["site"], p["asset"], ts, final, p["sensor"])],
            evidence=[fmt_number(values[0]), stamps[0]],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        rows = R.series(responses[0], p["sensor"])
        return f"{rows[0][1]} (reading at {rows[0][0]})"


TEMPLATES: list[Template] = [
    SiteAssets(),
    AssetSensors(),
    AssetMetadata(),
    SensorDailyStat(),
    ReadingCount(),
    PeakDay(),
    ReadingAt(),
]

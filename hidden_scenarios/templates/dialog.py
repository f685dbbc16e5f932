"""Clarification dialogs (issue 17): the task leaves out which asset or which
period the operator means; the hidden clarification says it. Solved only by
asking the operator (``utilities.ask_operator``) a specific question and
then finishing the task for what they meant; a right guess without asking
fails, and a vague question gets a vague answer."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from contracts.toollog import Clarification
from hidden_scenarios.refs import step_ref
from hidden_scenarios.schema import NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, retrieval, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    day_window,
    fmt_number,
    history_step,
    human_date,
    is_analog,
    singular,
)
from hidden_scenarios.templates.wo import MONTHS, month_window

VAGUE = "The one I mentioned. What exactly do you need to know?"
_TYPE_WORDS = {"chiller": ("chiller",), "ahu": ("air handler", "air-handling unit", "ahu")}


def asset_keywords(asset_type: str, candidates: list[str]) -> list[str]:
    """What a specific question about *which asset* contains."""
    words = [f"which {w}" for w in _TYPE_WORDS[asset_type]]
    return [*words, "which asset", "which unit", "which one", *candidates]


class DialogAssetDailyMean(Template):
    id = "dialog.asset_daily_mean"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("atype", "day", "human", "kind", "site")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = []
        days = ctx.telemetry_days()[5::9]
        for site in ctx.sites():
            for atype in ("chiller", "ahu"):
                assets = ctx.assets(site=site, asset_type=atype)
                if len(assets) < 2:
                    continue
                first = assets[0].name
                kinds = sorted({s[len(first) + 1 :] for s in ctx.sensors(first) if is_analog(s)})
                out += [
                    {"site": site, "asset_type": atype, "meant": a.name, "kind": k, "day": d}
                    for a in assets
                    for k in kinds
                    for d in (x.isoformat() for x in days)
                ]
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        candidates = [a.name for a in ctx.assets(site=p["site"], asset_type=p["asset_type"])]
        sensor = f"{p['meant']} {p['kind']}"
        if sensor not in ctx.sensors(p["meant"]):
            return None
        start, final = day_window(date.fromisoformat(p["day"]))
        _, values = ctx.readings(p["meant"], sensor, start, final)
        if len(values) < 48:
            return None
        mean = sum(values) / len(values)
        atype = singular(p["asset_type"])
        return Draft(
            text=self.phrase(
                rng,
                atype=atype,
                kind=p["kind"].lower(),
                site=p["site"],
                day=p["day"],
                human=human_date(date.fromisoformat(p["day"])),
            ),
            check=NumberCheck(value=mean, rel_tol=0.002, abs_tol=ctx.half_resolution(sensor)),
            plan=[
                step(
                    "utilities.ask_operator", question=f"Which {atype} at {p['site']} do you mean?"
                ),
                history_step(p["site"], p["meant"], start, final, sensor),
            ],
            evidence=[p["meant"], fmt_number(mean)],
            output_hint="a number",
            clarification=Clarification(
                topic="asset",
                keywords=asset_keywords(p["asset_type"], candidates),
                answer=f"I meant {p['meant']}.",
                vague_answer=VAGUE,
            ),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        sensor = f"{p['meant']} {p['kind']}"
        values = [v for _, v in R.series(responses[1], sensor)]
        mean = sum(values) / len(values)
        return f"{fmt_number(mean)} (mean of {len(values)} readings of {sensor})"


class DialogAlertMonth(Template):
    id = "dialog.alert_month"
    family = "multi"
    task_type = "anomaly_detection"
    category = "complex"
    output_format = "number"
    slots = ("asset", "site", "year")

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
        month = MONTHS[p["month"] - 1]
        return Draft(
            text=self.phrase(rng, asset=p["asset"], site=p["site"], year=p["year"]),
            check=NumberCheck(value=n, rel_tol=0.0, abs_tol=0.0),
            plan=[
                step("utilities.ask_operator", question=f"Which month of {p['year']} do you mean?"),
                step("iot.get_asset", site_name=p["site"], asset_id=p["asset"]),
                step(
                    "wo.list_events",
                    equipment_id=step_ref(1, "equipment_id"),
                    date_from=date_from,
                    date_to=date_to,
                    event_type="alert",
                    page_size=1000,
                ),
            ],
            required=[
                retrieval("wo.list_events", equipment_id=eq, date_from=date_from, date_to=date_to)
            ],
            evidence=[eq, str(n)],
            output_hint="an integer",
            clarification=Clarification(
                topic="window",
                keywords=[
                    "which month",
                    "what month",
                    "which period",
                    "what period",
                    "which window",
                    "when",
                    *MONTHS,
                ],
                answer=f"I meant {month} {p['year']}.",
                vague_answer=VAGUE,
            ),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        eq = responses[1]["equipment_id"]
        return f"{R.total(responses[2])} alerts for equipment {eq} in that month"


TEMPLATES: list[Template] = [DialogAssetDailyMean(), DialogAlertMonth()]

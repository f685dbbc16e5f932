"""Ambiguous templates: the right answer is a clarifying question naming
the candidates ("which chiller: Chiller 3, Chiller 4, ...?"), not a guess.
The reference plan discovers the candidates, so the question can name them."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from hidden_scenarios.schema import ClarifyCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import human_date, is_analog, singular
from hidden_scenarios.templates.wo import MONTHS, month_window


def _ask(what: str, options: list[str]) -> str:
    listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
    return f"Which {what} do you mean: {listed}? Please tell me and I will look it up."


class WhichAsset(Template):
    id = "clarify.which_asset"
    balance_answers = True
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "text"
    ambiguous = True
    retrieval_keys = {"iot.assets": ("site_name",)}
    slots = ("atype", "day", "human", "kind", "site")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = []
        days = ctx.telemetry_days()[::11]
        for site in ctx.sites():
            for atype in ("chiller", "ahu"):
                assets = ctx.assets(site=site, asset_type=atype)
                if len(assets) < 2:
                    continue
                kinds = {s[len(assets[0].name) + 1 :] for s in ctx.sensors(assets[0].name)}
                out += [
                    {"site": site, "asset_type": atype, "kind": k, "day": d.isoformat()}
                    for k in sorted(kinds)
                    if is_analog(k)
                    for d in days
                ]
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        names = [a.name for a in ctx.assets(site=p["site"], asset_type=p["asset_type"])]
        d = date.fromisoformat(p["day"])
        return Draft(
            text=self.phrase(
                rng,
                kind=p["kind"].lower(),
                atype=singular(p["asset_type"]),
                site=p["site"],
                human=human_date(d),
                day=p["day"],
            ),
            check=ClarifyCheck(options=names),
            plan=[step("iot.assets", site_name=p["site"], asset_type=p["asset_type"])],
            evidence=names,
            output_hint="",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        names = [a["name"] for a in R.assets(responses[0]) if a["asset_type"] == p["asset_type"]]
        return f"Site {p['site']} has {len(names)} {p['asset_type']}s. " + _ask(
            singular(p["asset_type"]), names
        )


class WhichSensor(Template):
    id = "clarify.which_sensor"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "text"
    ambiguous = True
    retrieval_keys = {"iot.sensors": ("site_name", "asset_id")}
    WORDS = ("temperature", "flow", "power")
    slots = ("asset", "site", "ts", "word")

    def space(self, ctx: Any) -> list[Params]:
        days = ctx.telemetry_days()[::13]
        return [
            {"site": a.site, "asset": a.name, "word": w, "ts": f"{d.isoformat()}T{h}"}
            for a in ctx.assets()
            for w in self.WORDS
            if len(self._options(ctx.sensors(a.name), w)) >= 2
            for d in days
            for h in ("06:00:00", "13:30:00")
        ]

    @staticmethod
    def _options(sensors: list[str], word: str) -> list[str]:
        return [s for s in sensors if word in s.lower() and "setpoint" not in s.lower()]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        options = self._options(ctx.sensors(p["asset"]), p["word"])
        return Draft(
            text=self.phrase(rng, word=p["word"], asset=p["asset"], site=p["site"], ts=p["ts"]),
            check=ClarifyCheck(options=options),
            plan=[step("iot.sensors", site_name=p["site"], asset_id=p["asset"])],
            evidence=options,
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        options = self._options(R.sensor_names(responses[0]), p["word"])
        return f"{p['asset']} has several {p['word']} sensors. " + _ask("sensor", options)


class WhichWorkorder(Template):
    id = "clarify.which_workorder"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "text"
    ambiguous = True
    retrieval_keys = {"wo.list_workorders": ("asset_num", "work_type", "date_from", "date_to")}
    slots = ("eq", "month", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"eq": a.equipment_id, "year": y, "month": m}
            for a in ctx.assets()
            for y in ctx.workorder_years()
            for m in range(1, 13)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        date_from, date_to = month_window(p["year"], p["month"])
        wos = ctx.workorders(
            asset_num=p["eq"], work_type="CM", date_from=date_from, date_to=date_to
        )
        if not 2 <= len(wos) <= 6:
            return None
        options = [w["wonum"] for w in wos]
        return Draft(
            text=self.phrase(rng, eq=p["eq"], month=MONTHS[p["month"] - 1], year=p["year"]),
            check=ClarifyCheck(options=options),
            plan=[
                step(
                    "wo.list_workorders",
                    asset_num=p["eq"],
                    work_type="CM",
                    date_from=date_from,
                    date_to=date_to,
                )
            ],
            evidence=options,
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        options = [w["wonum"] for w in R.workorders(responses[0])]
        return f"There are {len(options)} corrective work orders for {p['eq']} that month. " + _ask(
            "work order", options
        )


TEMPLATES: list[Template] = [WhichAsset(), WhichSensor(), WhichWorkorder()]

"""Two derived compositions of the held-out test pack (not in the engine or
the public pack): a sensor's daily spread, and the change of its daily mean
from one day to the next. Ground truth is computed from the plant; the
oracle composes the answer from the tool response only."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from hidden_scenarios.schema import NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    analog_sensors,
    day_window,
    fmt_number,
    history_step,
    human_date,
    sensor_kind,
)


def _space(ctx: Any, stride: int) -> list[Params]:
    days = ctx.telemetry_days()[3:-3:stride]
    return [
        {"site": a.site, "asset": a.name, "sensor": s, "day": d.isoformat()}
        for a, s in analog_sensors(ctx)
        for d in days
    ]


class DailySpread(Template):
    id = "heldout.daily_spread"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "day", "human", "kind", "sensor", "site")

    def space(self, ctx: Any) -> list[Params]:
        return _space(ctx, 13)

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        d = date.fromisoformat(p["day"])
        start, final = day_window(d)
        _, values = ctx.readings(p["asset"], p["sensor"], start, final)
        if len(values) < 48 or max(values) == min(values):
            return None
        spread = max(values) - min(values)
        return Draft(
            text=self.phrase(
                rng,
                asset=p["asset"],
                sensor=p["sensor"],
                kind=sensor_kind(p["sensor"], p["asset"]).lower(),
                site=p["site"],
                day=p["day"],
                human=human_date(d),
            ),
            check=NumberCheck(
                value=spread, rel_tol=0.005, abs_tol=2 * ctx.half_resolution(p["sensor"])
            ),
            plan=[history_step(p["site"], p["asset"], start, final, p["sensor"])],
            evidence=[fmt_number(spread)],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        values = [v for _, v in R.series(responses[0], p["sensor"])]
        return f"{fmt_number(max(values) - min(values))} (max minus min of {len(values)} readings)"


class DayOverDay(Template):
    id = "heldout.day_over_day"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    slots = ("asset", "day", "human", "kind", "sensor", "site")

    def space(self, ctx: Any) -> list[Params]:
        return _space(ctx, 17)

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        d = date.fromisoformat(p["day"])
        means = []
        for day in (d, d + timedelta(days=1)):
            _, values = ctx.readings(p["asset"], p["sensor"], *day_window(day))
            if len(values) < 48:
                return None
            means.append(sum(values) / len(values))
        change = means[1] - means[0]
        if abs(change) < 4 * ctx.half_resolution(p["sensor"]):
            return None  # too small to tell from rounding
        start, final = day_window(d)[0], day_window(d + timedelta(days=1))[1]
        return Draft(
            text=self.phrase(
                rng,
                asset=p["asset"],
                sensor=p["sensor"],
                kind=sensor_kind(p["sensor"], p["asset"]).lower(),
                site=p["site"],
                day=p["day"],
                human=human_date(d),
            ),
            check=NumberCheck(value=change, rel_tol=0.01, abs_tol=ctx.half_resolution(p["sensor"])),
            plan=[history_step(p["site"], p["asset"], start, final, p["sensor"])],
            evidence=[fmt_number(change)],
            output_hint="a signed number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        series = R.series(responses[0], p["sensor"])
        first = [v for ts, v in series if ts[:10] == p["day"]]
        second = [v for ts, v in series if ts[:10] != p["day"]]
        change = sum(second) / len(second) - sum(first) / len(first)
        return f"{fmt_number(change)} (daily mean of the second day minus the first)"


KINDS = [DailySpread, DayOverDay]

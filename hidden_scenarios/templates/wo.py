"""Work-order templates: counts, failure-code distributions, events,
KPIs, prioritisation, alert rules and single work-order lookups."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from hidden_scenarios.schema import FactsCheck, IdSetCheck, JsonFieldsCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import fmt_number

WT_WORDS = {None: "", "PM": "preventive ", "CM": "corrective "}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# WO tools treat a date-only ``date_to`` as the whole day (inclusive bounds).
def year_window(year: int) -> tuple[str, str]:
    return f"{year}-01-01", f"{year}-12-31"


def month_window(year: int, month: int) -> tuple[str, str]:
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}"


class WorkorderCount(Template):
    id = "wo.count"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "number"
    retrieval_keys = {
        "wo.list_workorders": ("asset_num", "date_from", "date_to", "work_type"),
    }
    slots = ("eq", "wt", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"eq": a.equipment_id, "year": y, "work_type": wt}
            for a in ctx.assets()
            for y in ctx.workorder_years()
            for wt in (None, "PM", "CM")
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        date_from, date_to = year_window(p["year"])
        args = {"asset_num": p["eq"], "date_from": date_from, "date_to": date_to}
        if p["work_type"]:
            args["work_type"] = p["work_type"]
        n = len(ctx.workorders(**args))
        if n == 0:
            return None
        return Draft(
            text=self.phrase(rng, wt=WT_WORDS[p["work_type"]], eq=p["eq"], year=p["year"]),
            check=NumberCheck(value=n, rel_tol=0.0, abs_tol=0.0),
            plan=[step("wo.list_workorders", **args, page_size=500)],
            evidence=[str(n)],
            output_hint="an integer",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return f"{R.total(responses[0])} work orders"


class FailureCodeDistribution(Template):
    id = "wo.failure_code_distribution"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "json"
    retrieval_keys = {
        "wo.get_failure_code_distribution": ("asset_num", "site_id", "date_from", "date_to"),
    }
    slots = ("target", "year")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = [
            {"scope": "asset", "id": a.equipment_id, "year": y}
            for a in ctx.assets()
            for y in ctx.workorder_years()
        ]
        out += [
            {"scope": "site", "id": s, "year": y}
            for s in ctx.sites()
            for y in ctx.workorder_years()
        ]
        return out

    def _args(self, p: Params) -> dict[str, Any]:
        date_from, date_to = year_window(p["year"])
        key = "asset_num" if p["scope"] == "asset" else "site_id"
        return {key: p["id"], "date_from": date_from, "date_to": date_to}

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        dist = ctx.failure_code_distribution(**self._args(p))
        if not dist:
            return None
        target = f"equipment {p['id']}" if p["scope"] == "asset" else f"site {p['id']}"
        return Draft(
            text=self.phrase(rng, target=target, year=p["year"]),
            check=JsonFieldsCheck(fields=dict(dist), rel_tol=0.0, abs_tol=0.0),
            plan=[step("wo.get_failure_code_distribution", **self._args(p))],
            evidence=list(dist),
            output_hint="JSON object: failure code -> count",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return json.dumps(R.distribution(responses[0]))


class TopFailureCode(Template):
    id = "wo.top_failure_code"
    family = "wo"
    task_type = "work_order"
    category = "inference"
    output_format = "text"
    retrieval_keys = FailureCodeDistribution.retrieval_keys
    slots = ("target", "year")
    space = FailureCodeDistribution.space
    _args = FailureCodeDistribution._args

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        dist = ctx.failure_code_distribution(**self._args(p))
        ranked = sorted(dist.items(), key=lambda kv: -kv[1])
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        code, n = ranked[0]
        target = f"equipment {p['id']}" if p["scope"] == "asset" else f"site {p['id']}"
        return Draft(
            text=self.phrase(rng, target=target, year=p["year"]),
            check=FactsCheck(required=[[code]], forbidden=[c for c, _ in ranked[1:]]),
            plan=[step("wo.get_failure_code_distribution", **self._args(p))],
            evidence=[code, str(n)],
            output_hint="the failure code, with its count",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        code, n = max(R.distribution(responses[0]).items(), key=lambda kv: kv[1])
        return f"{code} was the most frequent failure code ({n} work orders)."


class EventSummary(Template):
    id = "wo.event_summary"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "json"
    retrieval_keys = {"wo.list_events": ("equipment_id", "date_from", "date_to")}
    slots = ("eq", "month", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"eq": a.equipment_id, "year": y, "month": m}
            for a in ctx.assets()
            for (y, m) in ctx.event_months()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        date_from, date_to = month_window(p["year"], p["month"])
        counts = ctx.event_counts(p["eq"], date_from, date_to)
        if sum(counts.values()) == 0 or counts.get("alert", 0) + counts.get("anomaly", 0) == 0:
            return None
        return Draft(
            text=self.phrase(rng, eq=p["eq"], month=MONTHS[p["month"] - 1], year=p["year"]),
            check=JsonFieldsCheck(fields=counts, rel_tol=0.0, abs_tol=0.0),
            plan=[
                step(
                    "wo.list_events",
                    equipment_id=p["eq"],
                    date_from=date_from,
                    date_to=date_to,
                    page_size=1000,
                ),
            ],
            evidence=[str(v) for v in counts.values()],
            output_hint="JSON object with keys alert, anomaly, workorder",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return json.dumps(R.event_counts(responses[0]))


class WorkorderKpi(Template):
    id = "wo.kpi"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "number"
    retrieval_keys = {"wo.get_workorder_kpis": ("site_id", "asset_num", "date_from", "date_to")}
    slots = ("label", "target", "year")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = []
        for kpi in ctx.kpi_names():
            for y in ctx.workorder_years():
                out += [{"kpi": kpi, "site": s, "eq": None, "year": y} for s in ctx.sites()]
                out += [
                    {"kpi": kpi, "site": a.site, "eq": a.equipment_id, "year": y}
                    for a in ctx.assets()
                ]
        return out

    def _args(self, p: Params) -> dict[str, Any]:
        date_from, date_to = year_window(p["year"])
        args: dict[str, Any] = {"site_id": p["site"], "date_from": date_from, "date_to": date_to}
        if p["eq"]:
            args["asset_num"] = p["eq"]
        return args

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        value = ctx.kpi_value(p["kpi"], **self._args(p))
        if value is None:
            return None
        target = f"equipment {p['eq']} (site {p['site']})" if p["eq"] else f"site {p['site']}"
        label = ctx.kpi_label(p["kpi"])
        return Draft(
            text=self.phrase(rng, label=label, target=target, year=p["year"]),
            check=NumberCheck(value=value, rel_tol=0.01, abs_tol=0.01),
            plan=[step("wo.get_workorder_kpis", **self._args(p))],
            evidence=[fmt_number(value)],
            output_hint="a number",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return f"{fmt_number(R.kpi(responses[0], p['kpi']))} ({p['kpi']})"


class PrioritizeOpen(Template):
    id = "wo.prioritize_open"
    balance_answers = True
    family = "wo"
    task_type = "work_order"
    category = "inference"
    output_format = "ids"
    retrieval_keys = {"wo.list_workorders": ("site_id", "status", "date_from")}
    slots = ("since", "site", "status")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": s, "status": st, "since": since}
            for s in ctx.sites()
            for st in ctx.open_statuses()
            for since in ctx.recent_month_starts()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        wos = ctx.workorders(site_id=p["site"], status=p["status"], date_from=p["since"])
        if not 2 <= len(wos) <= 12:
            return None
        ordered = [w["wonum"] for w in R.by_priority(wos)]
        return Draft(
            text=self.phrase(rng, status=p["status"], site=p["site"], since=p["since"][:10]),
            check=IdSetCheck(ids=ordered, ordered=True, pass_f1=1.0),
            plan=[
                step(
                    "wo.list_workorders",
                    site_id=p["site"],
                    status=p["status"],
                    date_from=p["since"],
                    page_size=500,
                ),
            ],
            evidence=ordered,
            output_hint="work-order numbers in priority order",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ", ".join(w["wonum"] for w in R.by_priority(R.workorders(responses[0])))


class AlertRules(Template):
    id = "wo.alert_rules"
    family = "wo"
    task_type = "knowledge"
    category = "knowledge"
    output_format = "ids"
    retrieval_keys = {"wo.list_alert_rules": ("equipment_id",)}
    slots = ("eq", "sev")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"eq": a.equipment_id, "sev": sev}
            for a in ctx.assets()
            for sev in ("critical", "major", "minor")
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ids = [r["rule_id"] for r in ctx.alert_rules(p["eq"]) if r["severity"] == p["sev"]]
        if not ids:
            return None
        return Draft(
            text=self.phrase(rng, sev=p["sev"], eq=p["eq"]),
            check=IdSetCheck(ids=ids),
            plan=[step("wo.list_alert_rules", equipment_id=p["eq"])],
            evidence=ids,
            output_hint="rule ids, comma-separated",
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ", ".join(
            r["rule_id"] for r in R.alert_rules(responses[0]) if r["severity"] == p["sev"]
        )


class WorkorderDetail(Template):
    id = "wo.workorder_detail"
    balance_answers = True
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "json"
    retrieval_keys = {"wo.get_workorder": ("wonum",)}
    FIELDS = ("status", "priority", "work_type", "failure_code", "asset_num")
    slots = ("keys", "wonum")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"wonum": w, "fields": list(fs)}
            for w in ctx.sample_wonums(400)
            for fs in (self.FIELDS[:3], self.FIELDS[2:])
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        wo = ctx.workorder(p["wonum"])
        fields = {k: wo.get(k) for k in p["fields"]}
        if any(v is None or v == "" for v in fields.values()):
            return None
        return Draft(
            text=self.phrase(rng, wonum=p["wonum"], keys=", ".join(p["fields"])),
            check=JsonFieldsCheck(fields=fields, rel_tol=0.0, abs_tol=0.0),
            plan=[step("wo.get_workorder", wonum=p["wonum"])],
            evidence=[str(v) for v in fields.values()],
            output_hint="JSON object with keys " + ", ".join(p["fields"]),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        wo = R.workorder(responses[0])
        return json.dumps({k: wo[k] for k in p["fields"]})


TEMPLATES: list[Template] = [
    WorkorderCount(),
    FailureCodeDistribution(),
    TopFailureCode(),
    EventSummary(),
    WorkorderKpi(),
    PrioritizeOpen(),
    AlertRules(),
    WorkorderDetail(),
]

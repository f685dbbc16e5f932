"""Actions with state (issue 17): the right outcome is a work-order write
(or none), checked from the resulting state in the tool log. Every kind
needs evidence before the write (its required retrievals): writing first is
a premature action."""

from __future__ import annotations

import random
from typing import Any

from hidden_scenarios.schema import (
    ActionExpectation,
    ExpectedWrite,
    FactsCheck,
    IdSetCheck,
)
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, retrieval, step
from hidden_scenarios.templates.wo import year_window

# Closes one task may ask for: the plant's completed-but-open orders are the
# last 60 days' (15-20 per asset), and a run may write 50 times.
MAX_CLOSES = 20

OPEN = ("WAPPR", "APPR", "INPRG")
NONE_WORDS = ["none", "no work order", "nothing to", "no order", "no orders", "not any"]


class RaiseCorrective(Template):
    """Raise a corrective order for a failure mode unless one is open."""

    id = "action.raise_corrective"
    family = "multi"
    task_type = "work_order"
    category = "complex"
    output_format = "text"
    slots = ("asset", "fm", "priority", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"site": a.site, "asset": a.name, "fm": fm.name, "priority": p}
            for a in ctx.assets()
            for fm in ctx.failure_modes(a.name)
            for p in (1, 2, 3)
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        asset = ctx.asset(p["asset"])
        fm = next((f for f in ctx.failure_modes(p["asset"]) if f.name == p["fm"]), None)
        if fm is None or not fm.failure_code:
            return None
        open_cm = [
            w
            for w in ctx.workorders(asset_num=asset.equipment_id, work_type="CM")
            if w["status"] in OPEN and w.get("failure_code") == fm.failure_code
        ]
        if open_cm:  # the no-duplicate case has its own kind (never act)
            return None
        fields = {
            "equipment_id": asset.equipment_id,
            "priority": p["priority"],
            "failure_code": fm.failure_code,
            "work_type": "CM",
        }
        return Draft(
            text=self.phrase(
                rng, asset=p["asset"], site=p["site"], fm=p["fm"], priority=p["priority"]
            ),
            check=FactsCheck(required=[[fm.failure_code]]),
            plan=[
                step("fmsr.get_failure_modes", asset_name=p["asset"]),
                step("iot.get_asset", site_name=p["site"], asset_id=p["asset"]),
                step(
                    "wo.list_workorders",
                    asset_num=asset.equipment_id,
                    work_type="CM",
                    page_size=500,
                ),
                step(
                    "wo.create_workorder",
                    asset_num=asset.equipment_id,
                    work_type="CM",
                    priority=p["priority"],
                    failure_code=fm.failure_code,
                    description=f"{p['fm']} on {p['asset']}",
                ),
            ],
            required=[
                retrieval("fmsr.get_failure_modes", asset_name=p["asset"]),
                retrieval("wo.list_workorders", asset_num=asset.equipment_id),
            ],
            evidence=[fm.failure_code, asset.equipment_id],
            output_hint="what you did, with the new work order's number",
            action=ActionExpectation(writes=[ExpectedWrite(action="create", fields=fields)]),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        resp = responses[3]
        created = resp.get("work_order") if isinstance(resp.get("work_order"), dict) else resp
        eq = created.get("asset_num") or created.get("equipment_id")
        return (
            f"Created corrective work order {created.get('wonum')} for "
            f"{eq} with failure code {created.get('failure_code')}, "
            f"priority {created.get('priority')}; no open corrective order existed for it."
        )


class ApproveWaiting(Template):
    """Approve exactly the orders awaiting approval up to a priority."""

    id = "action.approve_waiting"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "ids"
    slots = ("max_priority", "site")

    def space(self, ctx: Any) -> list[Params]:
        return [{"site": s, "max_priority": p} for s in ctx.sites() for p in (1, 2, 3, 4, 5)]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        waiting = [
            w
            for w in ctx.workorders(site_id=p["site"], status="WAPPR")
            if int(w["priority"]) <= p["max_priority"]
        ]
        if not waiting or len(waiting) > 20:
            return None
        wonums = [w["wonum"] for w in waiting]
        return Draft(
            text=self.phrase(rng, site=p["site"], max_priority=p["max_priority"]),
            check=IdSetCheck(ids=wonums),
            plan=[
                step("wo.list_workorders", site_id=p["site"], status="WAPPR", page_size=500),
                *(step("wo.approve_workorder", wonum=w) for w in wonums),
            ],
            required=[retrieval("wo.list_workorders", site_id=p["site"], status="WAPPR")],
            evidence=wonums,
            output_hint="the numbers of the work orders you approved",
            action=ActionExpectation(
                writes=[
                    ExpectedWrite(action="approve", wonum=w, fields={"status": "APPR"})
                    for w in wonums
                ]
            ),
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        approved = [r.get("wonum") for r in responses[1:]]
        return "Approved: " + ", ".join(str(w) for w in approved)


class CloseCompleted(Template):
    """Close an asset's completed orders of a year; often there are none,
    and then the right action is no write at all."""

    id = "action.close_completed"
    family = "wo"
    task_type = "work_order"
    category = "data"
    output_format = "text"
    slots = ("eq", "year")

    def space(self, ctx: Any) -> list[Params]:
        return [
            {"eq": a.equipment_id, "year": y} for a in ctx.assets() for y in ctx.workorder_years()
        ]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        date_from, date_to = year_window(p["year"])
        done = [
            w["wonum"]
            for w in ctx.workorders(asset_num=p["eq"], date_from=date_from, date_to=date_to)
            if w["status"] == "COMP"
        ]
        if len(done) > MAX_CLOSES or not ctx.workorders(
            asset_num=p["eq"], date_from=date_from, date_to=date_to
        ):
            return None
        listing = step(  # every order of the year: the statuses are the evidence
            "wo.list_workorders",
            asset_num=p["eq"],
            date_from=date_from,
            date_to=date_to,
            page_size=500,
        )
        check = (
            FactsCheck(required=[[w] for w in done]) if done else FactsCheck(required=[NONE_WORDS])
        )
        return Draft(
            text=self.phrase(rng, eq=p["eq"], year=p["year"]),
            check=check,
            plan=[listing, *(step("wo.close_workorder", wonum=w) for w in done)],
            required=[
                retrieval(
                    "wo.list_workorders", asset_num=p["eq"], date_from=date_from, date_to=date_to
                )
            ],
            evidence=done or [p["eq"]],
            output_hint="which work orders you closed, if any",
            action=ActionExpectation(
                writes=[
                    ExpectedWrite(action="close", wonum=w, fields={"status": "CLOSE"}) for w in done
                ]
            ),
        )

    def outcome(self, draft: Draft) -> str:
        return "orders to close" if draft.action and draft.action.writes else "nothing to close"

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        done = [w["wonum"] for w in R.workorders(responses[0]) if w["status"] == "COMP"]
        if not done:
            return f"None: equipment {p['eq']} has no completed work order waiting to be closed."
        return "Closed: " + ", ".join(done)


TEMPLATES: list[Template] = [RaiseCorrective(), ApproveWaiting(), CloseCompleted()]

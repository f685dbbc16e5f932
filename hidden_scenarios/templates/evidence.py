"""Insufficient and conflicting evidence (issue 17).

Ground truth comes from the records the plant keeps of what it injected
(``services.assetdata.evidence``: data-quality records and evidence
conflicts, ``clean`` ones only, so no other situation muddies the story) and
from its fault episodes. Every kind mixes situations with *controls*: the
same question over a window, alert or order where the evidence is sound. A
confident answer fails the first; an agent that always doubts fails the
second. Telling them apart takes looking at the data.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

from hidden_scenarios.schema import InsufficientCheck, JsonFieldsCheck, NumberCheck
from hidden_scenarios.templates import responses as R
from hidden_scenarios.templates.base import Draft, Params, Template, step
from hidden_scenarios.templates.common import (
    HISTORY_KEYS,
    fmt_number,
    history_step,
    is_analog,
    iso,
    sensor_kind,
)
from services.assetdata import evidence as E
from services.assetdata import library as L

# What a right abstention names as the reason, per data-quality kind.
CAUSES: dict[str, list[str]] = {
    "gap": ["gap", "no readings", "no data", "missing", "outage", "not available", "unavailable"],
    "missing": ["missing", "no readings", "no data", "not reporting", "gap", "unavailable"],
    "stuck": [
        "stuck",
        "flat",
        "frozen",
        "constant",
        "repeat",
        "same value",
        "unchanging",
        "not changing",
        "identical",
    ],
    "delayed": [
        "delayed",
        "delay",
        "not available",
        "no data",
        "not yet",
        "available until",
        "stale",
        "lag",
        "behind",
        "ends",
        "latest reading",
    ],
}
# Words only another situation explains: naming one is a wrong diagnosis
# (and an answer that lists every cause there is names one).
WRONG_CAUSES: dict[str, list[str]] = {
    "gap": ["stuck", "frozen", "flatline", "flat-line", "delayed", "not yet"],
    "missing": ["stuck", "frozen", "flatline", "flat-line", "delayed", "not yet"],
    "stuck": ["delayed", "not yet", "outage"],
    "delayed": ["stuck", "frozen", "flatline", "flat-line", "outage"],
}
# The window of a situation is at most a day long (a question about a week
# with a three-hour gap has an answer).
MAX_WINDOW = timedelta(hours=24)
MIN_WINDOW = timedelta(hours=4)
# Control windows: the same length, shifted by whole weeks.
CONTROL_SHIFTS = (-7, 7, -14, 14, -21, 21)


def _t(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


def _records(ctx: Any, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    return ctx.cached(
        ("dq", kinds),
        lambda: [r for r in E.data_quality(ctx.plant, clean=True) if r["kind"] in kinds],
    )


def _conflicts(ctx: Any, kind: str) -> list[dict[str, Any]]:
    return ctx.cached(("ec", kind), lambda: E.evidence_conflicts(ctx.plant, kind=kind, clean=True))


def _events(ctx: Any, equipment_id: str, event_type: str) -> list[dict[str, Any]]:
    return L.events(ctx.plant, equipment_id, event_type=event_type)


def _event(ctx: Any, event_id: str) -> dict[str, Any]:
    return ctx.cached(
        ("ev", event_id), lambda: next(e for e in ctx.plant.events if e["event_id"] == event_id)
    )


def _clean_episodes(ctx: Any) -> list[dict[str, Any]]:
    """Finished fault episodes with no data-quality record or conflict on
    their asset within two days: the controls' "real fault" stories."""

    def compute() -> list[dict[str, Any]]:
        out = []
        for ep in ctx.episodes():
            if ep["ongoing"]:
                continue
            lo = iso(_t(ep["start"]) - timedelta(days=2))
            hi = iso(_t(ep["end"]) + timedelta(days=2))
            if E.data_quality(ctx.plant, asset=ep["asset"], start=lo, end=hi):
                continue
            if E.evidence_conflicts(ctx.plant, asset=ep["asset"], start=lo, end=hi):
                continue
            out.append(ep)
        return out

    return ctx.cached(("clean_episodes",), compute)


def _events_window(ts: str, hours: int) -> tuple[str, str]:
    t = _t(ts)
    return iso(t - timedelta(hours=hours)), iso(t + timedelta(hours=hours))


class WindowMean(Template):
    """The mean of one sensor over a window. In a situation window the data
    cannot support it (a gap, a sensor that stopped reporting, a stuck
    sensor, data that has not arrived yet): the right answer says so, why
    and where. In a control window the right answer is the number."""

    id = "evidence.window_mean"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "text"
    retrieval_keys = {"iot.history": HISTORY_KEYS}
    stratify = "control"
    slots = ("asset", "end", "kind", "site", "start")

    def space(self, ctx: Any) -> list[Params]:
        recs = _records(ctx, ("gap", "missing", "stuck", "delayed"))
        return [{"record": r["id"], "control": c} for r in recs for c in (False, True)]

    def _sensor(self, ctx: Any, rec: dict[str, Any]) -> str | None:
        if rec["sensor"] is not None:
            return rec["sensor"] if is_analog(rec["sensor"]) else None
        analog = [s for s in ctx.sensors(rec["asset"]) if is_analog(s)]
        return analog[0] if analog else None

    def outcome(self, draft: Draft) -> str:
        # Missing readings (a gap, a sensor that stopped reporting: the check
        # accepts either word for both) are most of the plant's situations:
        # the situation side takes its kinds of cause in turn, so "readings
        # are missing" is not the safe guess.
        check = draft.check
        if isinstance(check, NumberCheck):
            return "control"
        return "missing readings" if "missing" in check.causes else check.causes[0]

    def _window(self, rec: dict[str, Any]) -> tuple[datetime, datetime]:
        if rec["kind"] == "delayed":
            start = _t(rec["details"]["data_available_until"])
            return start, start + MAX_WINDOW
        start = _t(rec["start"])
        return start, min(_t(rec["end"]), start + MAX_WINDOW)

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        rec = E.record(ctx.plant, p["record"])
        sensor = self._sensor(ctx, rec)
        if sensor is None:
            return None
        start, end = self._window(rec)
        if end - start < MIN_WINDOW or end > ctx.plant.now:
            return None
        if p["control"]:
            for days in CONTROL_SHIFTS:
                s, e = start + timedelta(days=days), end + timedelta(days=days)
                if E.clean_window(ctx.plant, rec["asset"], iso(s), iso(e), sensors=[sensor]):
                    start, end = s, e
                    break
            else:
                return None
        a, b = iso(start), iso(end)
        _, values = ctx.readings(rec["asset"], sensor, a, b)
        site = ctx.asset(rec["asset"]).site
        text = self.phrase(
            rng,
            asset=rec["asset"],
            site=site,
            kind=sensor_kind(sensor, rec["asset"]).lower(),
            start=a,
            end=b,
        )
        plan = [history_step(site, rec["asset"], a, b, sensor)]
        hint = "the mean, or why it cannot be given"
        if p["control"]:
            if len(values) < 16:
                return None
            mean = sum(values) / len(values)
            return Draft(
                text=text,
                check=NumberCheck(value=mean, rel_tol=0.002, abs_tol=ctx.half_resolution(sensor)),
                plan=plan,
                evidence=[fmt_number(mean)],
                output_hint=hint,
                extra_params={"sensor": sensor, "situation": None},
            )
        decoys = [sum(values) / len(values)] if values and rec["kind"] != "stuck" else []
        where = [sensor, sensor_kind(sensor, rec["asset"])]
        if rec["sensor"] is None:
            where += ["all sensors", "every sensor", "any sensor", "all of its sensors"]
        where += [a[:16], a[:10]]
        return Draft(
            text=text,
            check=InsufficientCheck(
                causes=CAUSES[rec["kind"]],
                wrong_causes=WRONG_CAUSES[rec["kind"]],
                where=where,
                decoys=decoys,
            ),
            plan=plan,
            evidence=[sensor],
            output_hint=hint,
            extra_params={"sensor": sensor, "situation": rec["kind"]},
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        sensor = p["sensor"]
        resp = responses[0]
        points = R.series(resp, sensor)
        values = [v for _, v in points]
        expected = resp.get("expected_observations")
        situation = p.get("situation")
        if situation is None:
            mean = sum(values) / len(values)
            return f"{fmt_number(mean)} (mean of {len(values)} readings of {sensor})"
        if situation == "stuck":
            return (
                f"The mean cannot be given: {sensor} is stuck, it repeats the same reading "
                f"over the whole window, so its readings say nothing about the process."
            )
        if situation == "delayed":
            until = resp.get("data_available_until") or "the window's start"
            return (
                f"The mean cannot be given: data for {sensor} is delayed, it is not available "
                f"after {until}, and the window lies after that."
            )
        return (
            f"The mean cannot be given: {sensor} has a gap with no readings for most of the "
            f"window ({len(values)} of {expected} expected readings)."
        )


class AlertConfirmed(Template):
    """Is an alert backed by the telemetry? False alarms (a rule fired with
    no deviation in the data) against the first alert of a real fault."""

    id = "evidence.alert_confirmed"
    family = "multi"
    task_type = "anomaly_detection"
    category = "complex"
    output_format = "json"
    retrieval_keys = {"wo.list_events": ("equipment_id",), "iot.history": HISTORY_KEYS}
    stratify = "confirmed"
    slots = ("asset", "event", "site", "time")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = [
            {"event": r["details"]["alert"], "confirmed": False}
            for r in _conflicts(ctx, "alert_without_telemetry")
        ]
        for ep in _clean_episodes(ctx):
            first = next(
                (
                    e
                    for e in _events(ctx, ep["equipment_id"], "alert")
                    if e["timestamp"] == ep["first_alert"]
                ),
                None,
            )
            if first is not None and first.get("sensor"):
                out.append({"event": first["event_id"], "confirmed": True})
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ev = _event(ctx, p["event"])
        sensor = ev.get("sensor")
        if not sensor:
            return None
        asset = ctx.asset(ev["asset_name"])
        day_from, day_to = ev["timestamp"][:10], (_t(ev["timestamp"]) + timedelta(days=1)).date()
        lo, hi = _events_window(ev["timestamp"], 12)
        text = self.phrase(
            rng, asset=asset.name, site=asset.site, event=ev["event_id"], time=ev["timestamp"]
        )
        return Draft(
            text=text,
            check=JsonFieldsCheck(fields={"confirmed": p["confirmed"]}),
            plan=[
                step(
                    "wo.list_events",
                    equipment_id=asset.equipment_id,
                    date_from=day_from,
                    date_to=day_to.isoformat(),
                    event_type="alert",
                ),
                history_step(asset.site, asset.name, lo, hi, sensor),
            ],
            evidence=[],  # the answer is the asked field alone
            output_hint='JSON: {"confirmed": true or false}',
            extra_params={"sensor": sensor},
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        word = "true" if p["confirmed"] else "false"
        return '{"confirmed": ' + word + "}"


class AnomalyCause(Template):
    """An anomaly event: maintenance (a calibration, a replaced sensor or
    filter, a planned shutdown recorded in a work order) or an equipment
    fault (later repaired by a corrective order)? Which order goes with it?"""

    id = "evidence.anomaly_cause"
    family = "wo"
    task_type = "failure_mode_reasoning"
    category = "complex"
    output_format = "json"
    # Any window: the order that goes with the event may come days later.
    retrieval_keys = {"wo.list_events": ("equipment_id",), "wo.list_workorders": ("asset_num",)}
    stratify = "cause"
    slots = ("asset", "event", "site", "time")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = []
        for r in _conflicts(ctx, "explained_anomaly"):
            if r["anomalies"] and len(r["workorders"]) == 1:
                out.append(
                    {
                        "event": r["anomalies"][0],
                        "cause": "maintenance",
                        "work_order": r["workorders"][0],
                    }
                )
        for ep in _clean_episodes(ctx):
            if len(ep["workorders"]) != 1:
                continue
            first = next(
                (
                    e
                    for e in _events(ctx, ep["equipment_id"], "anomaly")
                    if ep["start"] <= e["timestamp"] < ep["end"]
                ),
                None,
            )
            if first is not None:
                out.append(
                    {"event": first["event_id"], "cause": "fault", "work_order": ep["workorder"]}
                )
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        ev = _event(ctx, p["event"])
        asset = ctx.asset(ev["asset_name"])
        t = _t(ev["timestamp"])
        date_from = (t - timedelta(days=3)).date().isoformat()
        date_to = (t + timedelta(days=10)).date().isoformat()
        # The story must be unambiguous: the right order is the only order of
        # its kind near the event.
        near = ctx.workorders(asset_num=asset.equipment_id, date_from=date_from, date_to=date_to)
        wanted = "CM" if p["cause"] == "fault" else None
        pool = [w for w in near if wanted is None or w.get("work_type") == wanted]
        if p["work_order"] not in {w["wonum"] for w in pool}:
            return None
        if p["cause"] == "fault" and len(pool) != 1:
            return None
        text = self.phrase(
            rng, asset=asset.name, site=asset.site, event=ev["event_id"], time=ev["timestamp"]
        )
        return Draft(
            text=text,
            check=JsonFieldsCheck(fields={"cause": p["cause"], "work_order": p["work_order"]}),
            plan=[
                step(
                    "wo.list_events",
                    equipment_id=asset.equipment_id,
                    date_from=t.date().isoformat(),
                    date_to=(t + timedelta(days=1)).date().isoformat(),
                    event_type="anomaly",
                ),
                step(
                    "wo.list_workorders",
                    asset_num=asset.equipment_id,
                    date_from=date_from,
                    date_to=date_to,
                    page_size=500,
                ),
            ],
            evidence=[p["work_order"]],
            output_hint='JSON: {"cause": "maintenance" or "fault", "work_order": its number}',
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return json.dumps({"cause": p["cause"], "work_order": p["work_order"]})


class ClosedPersisting(Template):
    """A corrective order was completed: did the fault stop? Orders closed
    while the fault went on against orders that fixed it."""

    id = "evidence.closed_persisting"
    family = "multi"
    task_type = "work_order"
    category = "complex"
    output_format = "json"
    retrieval_keys = {
        "wo.get_workorder": ("wonum",),
        "iot.history": ("asset_id", "sensors"),
        "wo.list_events": ("equipment_id",),
    }
    stratify = "resolved"
    slots = ("asset", "day", "site", "wonum")

    def space(self, ctx: Any) -> list[Params]:
        out: list[Params] = [
            {"wonum": r["details"]["closed_workorder"], "resolved": False, "sensor": r["sensor"]}
            for r in _conflicts(ctx, "closed_but_persisting")
        ]
        for ep in _clean_episodes(ctx):
            alerts = [
                e
                for e in _events(ctx, ep["equipment_id"], "alert")
                if ep["start"] <= e["timestamp"] < ep["end"] and e.get("sensor")
            ]
            if len(ep["workorders"]) == 1 and alerts:
                out.append(
                    {"wonum": ep["workorder"], "resolved": True, "sensor": alerts[0]["sensor"]}
                )
        return out

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        wo = ctx.workorder(p["wonum"])
        done = wo.get("actual_finish")
        if not done or wo["status"] not in ("COMP", "CLOSE"):
            return None
        asset = next((a for a in ctx.assets() if a.equipment_id == wo["asset_num"]), None)
        if asset is None or p["sensor"] not in ctx.sensors(asset.name):
            return None
        t = _t(done)
        lo, hi = iso(t), iso(t + timedelta(days=3))
        text = self.phrase(rng, asset=asset.name, site=asset.site, wonum=p["wonum"], day=done[:10])
        return Draft(
            text=text,
            check=JsonFieldsCheck(fields={"resolved": p["resolved"]}),
            # the order, the alerts after it, then the telemetry they point at
            plan=[
                step("wo.get_workorder", wonum=p["wonum"]),
                step(
                    "wo.list_events",
                    equipment_id=asset.equipment_id,
                    date_from=lo[:10],
                    date_to=(t + timedelta(days=4)).date().isoformat(),
                ),
                history_step(asset.site, asset.name, lo, hi, p["sensor"]),
            ],
            evidence=[],  # the answer is the asked field alone
            output_hint='JSON: {"resolved": true or false}',
        )

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return '{"resolved": ' + ("true" if p["resolved"] else "false") + "}"


TEMPLATES: list[Template] = [WindowMean(), AlertConfirmed(), AnomalyCause(), ClosedPersisting()]

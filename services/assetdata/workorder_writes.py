"""Work-order writes over per-run isolated state (issue 17).

The plant's work orders are shared by every run and never change. A run's
writes live in its own ``RunWrites`` overlay (held in memory by the service,
keyed by the run token): orders the run created (``WO9nnnnn``, counting up
per run from ``WO900001``, so deterministic and never a plant number) and
copies of plant orders the run changed. The run's WO reads go through
``RunWrites.view(plant)``: the plant with the overlay laid over its work
orders and work-order events, so ``wo.list_workorders``, ``wo.get_workorder``,
``wo.list_events``, ``wo.get_workorder_kpis`` and
``wo.get_failure_code_distribution`` see the run's writes; no other run (other
token, or no token) does.

State machine (statuses as the plant's work orders use them)::

    create            -> WAPPR
    approve   WAPPR   -> APPR
    update    WAPPR | APPR | INPRG   (status unchanged)
    assign    WAPPR | APPR | INPRG   (status unchanged)
    close     APPR | INPRG | COMP    -> CLOSE
    cancel    WAPPR | APPR | INPRG   -> CAN

Anything else is a 409 ``invalid_transition`` (details: wonum, status,
action, allowed_from). Bounds: ``max_writes`` successful writes per run (429
``write_limit_exceeded`` after), ``max_runs`` overlays kept (least recently
used dropped first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from contracts import tools as T
from services.assetdata import catalog as C
from services.assetdata import library as L
from services.assetdata.plant import Plant

OPEN = ("WAPPR", "APPR", "INPRG")
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "update": OPEN,
    "assign": OPEN,
    "approve": ("WAPPR",),
    "close": ("APPR", "INPRG", "COMP"),
    "cancel": OPEN,
}
TARGET = {"create": "WAPPR", "approve": "APPR", "close": "CLOSE", "cancel": "CAN"}
FIRST_NUMBER = 900001
MAX_PRIORITY = 5
MAX_WRITES_PER_RUN = 50
MAX_RUNS_KEPT = 256
WRITTEN_DESCRIPTION_CHARS = 200  # in the tool log's ``written``


class Conflict(L.LibraryError):
    status = 409


class TooManyWrites(L.LibraryError):
    status = 429


class PlantView:
    """The plant with one run's work orders laid over it (any other attribute
    falls through to the plant, so ``library`` functions take it as a plant)."""

    def __init__(self, plant: Plant, workorders: list, by_num: dict, events: dict):
        self._plant = plant
        self.workorders = workorders
        self.workorder_by_num = by_num
        self.events_by_equipment = events

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plant, name)


class RunWrites:
    """One run's overlay: created orders and changed copies of plant orders."""

    def __init__(self, max_writes: int = MAX_WRITES_PER_RUN) -> None:
        self.max_writes = max_writes
        self.orders: dict[str, dict] = {}  # wonum -> the run's version
        self.created: list[str] = []  # wonums created by the run, in order
        self.writes = 0
        self.next_number = FIRST_NUMBER
        self.lock = threading.Lock()

    # ---- reads -------------------------------------------------------------------
    def lookup(self, plant: Plant, wonum: str, site_id: str | None = None) -> dict:
        key = wonum.strip().upper() if isinstance(wonum, str) else ""
        w = self.orders.get(key) or plant.workorder_by_num.get(key)
        if w is None:
            first, last = plant.workorders[0]["wonum"], plant.workorders[-1]["wonum"]
            mine = f"; this run created {', '.join(self.created)}" if self.created else ""
            raise L.NotFound(
                "unknown_workorder",
                f"Unknown work order {wonum!r}; numbers run {first}..{last}{mine}.",
                None,
                {"first": first, "last": last, "created_in_run": list(self.created)},
            )
        if site_id is not None and L.find_site(plant, site_id) != w["site_id"]:
            raise L.NotFound(
                "unknown_workorder",
                f"Work order {w['wonum']} is not at site {site_id}.",
                None,
                {"site_id": w["site_id"]},
            )
        return w

    def view(self, plant: Plant) -> Any:
        """``plant`` as this run sees it (the plant itself while nothing was written)."""
        with self.lock:
            if not self.orders:
                return plant
            orders = dict(self.orders)
            created = list(self.created)
        rows = [orders.get(w["wonum"], w) for w in plant.workorders]
        rows += [orders[n] for n in created]
        by_num = {**plant.workorder_by_num, **orders}
        events = dict(plant.events_by_equipment)
        touched: dict[str, list[dict]] = {}
        for w in orders.values():
            touched.setdefault(w["asset_num"], []).append(w)
        for eq, ws in touched.items():
            mine = {w["wonum"]: w for w in ws}
            merged = [_patched_event(e, mine.get(e.get("wonum"))) for e in events.get(eq, [])]
            merged += [_event_of(w) for w in ws if w.get("created_in_run")]
            events[eq] = merged
        return PlantView(plant, rows, by_num, events)

    # ---- writes ------------------------------------------------------------------
    def _new_number(self, plant: Plant) -> str:
        while True:
            wonum = f"WO{self.next_number}"
            self.next_number += 1
            if wonum not in plant.workorder_by_num:
                return wonum

    def _check_budget(self) -> None:
        if self.writes >= self.max_writes:
            raise TooManyWrites(
                "write_limit_exceeded",
                f"At most {self.max_writes} work-order writes are accepted per run.",
                {"max_writes": self.max_writes},
            )

    def apply(self, plant: Plant, tool: str, a: Any) -> tuple[dict, dict]:
        """Run one write tool; returns (the order after the call, ``written``)."""
        action = tool.split(".", 1)[1].split("_", 1)[0]  # create, update, ...
        with self.lock:
            self._check_budget()
            if action == "create":
                before, after = None, self._create(plant, a)
            else:
                before = self.lookup(plant, a.wonum, a.site_id)
                allowed = ALLOWED_FROM[action]
                if before["status"] not in allowed:
                    raise Conflict(
                        "invalid_transition",
                        f"Cannot {action} work order {before['wonum']}: its status is "
                        f"{before['status']} (allowed from {', '.join(allowed)})."
                        + (" Approve it first." if before["status"] == "WAPPR" else ""),
                        {
                            "wonum": before["wonum"],
                            "status": before["status"],
                            "action": action,
                            "allowed_from": list(allowed),
                        },
                    )
                after = {**before, "assignee": before.get("assignee")}
                after["created_in_run"] = bool(before.get("created_in_run"))
                getattr(self, f"_{action}")(plant, after, a)
            self.orders[after["wonum"]] = after
            if action == "create":
                self.created.append(after["wonum"])
            self.writes += 1
        return dict(after), written(action, before, after)

    def _create(self, plant: Plant, a: T.CreateWorkorderArgs) -> dict:
        asset = _resolve_asset(plant, a)
        priority = _priority(a.priority)
        code = _failure_code(a.failure_code)
        text = _text(a.description, "description", T.MAX_DESCRIPTION_CHARS)
        now = L.iso(plant.now)
        return {
            "wonum": self._new_number(plant),
            "site_id": asset.site,
            "asset_num": asset.equipment_id,
            "asset_name": asset.name,
            "asset_type": asset.asset_type,
            "description": text,
            "work_type": a.work_type,
            "pm_task": None,
            "priority": priority,
            "status": "WAPPR",
            "failure_code": code,
            "failure_code_description": C.FAILURE_CODES[code] if code else None,
            "failure_mode": None,
            "failure_mode_name": None,
            "episode_id": None,
            "reported_date": now,
            "target_start": None,
            "target_finish": None,
            "actual_start": None,
            "actual_finish": None,
            "estimated_hours": None,
            "labor_hours": 0.0,
            "labor_cost": 0.0,
            "material_cost": 0.0,
            "total_cost": 0.0,
            "assignee": None,
            "created_in_run": True,
        }

    def _update(self, plant: Plant, w: dict, a: T.UpdateWorkorderArgs) -> None:
        if a.priority is None and a.failure_code is None and a.description is None:
            raise L.Invalid(
                "Nothing to update: give priority, failure_code and/or description.",
                "no_changes",
            )
        if a.priority is not None:
            w["priority"] = _priority(a.priority)
        if a.failure_code is not None:
            _set_failure_code(w, a.failure_code)
        if a.description is not None:
            w["description"] = _text(a.description, "description", T.MAX_DESCRIPTION_CHARS)

    def _assign(self, plant: Plant, w: dict, a: T.AssignWorkorderArgs) -> None:
        w["assignee"] = _text(a.assignee, "assignee", T.MAX_ASSIGNEE_CHARS)

    def _approve(self, plant: Plant, w: dict, a: T.ApproveWorkorderArgs) -> None:
        w["status"] = "APPR"

    def _close(self, plant: Plant, w: dict, a: T.CloseWorkorderArgs) -> None:
        if a.failure_code is not None:
            _set_failure_code(w, a.failure_code)
        if a.resolution_notes is not None:
            w["resolution_notes"] = _text(a.resolution_notes, "resolution_notes", T.MAX_NOTE_CHARS)
        w["status"] = "CLOSE"

    def _cancel(self, plant: Plant, w: dict, a: T.CancelWorkorderArgs) -> None:
        if a.reason is not None:
            w["cancel_reason"] = _text(a.reason, "reason", T.MAX_NOTE_CHARS)
        w["status"] = "CAN"


class WriteStore:
    """Run key -> RunWrites, at most ``max_runs`` kept (least recently used
    dropped). The key is the run token (``""`` for calls without one in open
    mode)."""

    def __init__(self, max_runs: int = MAX_RUNS_KEPT, max_writes: int = MAX_WRITES_PER_RUN):
        self.max_runs = max_runs
        self.max_writes = max_writes
        self._runs: OrderedDict[str, RunWrites] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, create: bool = False) -> RunWrites | None:
        with self._lock:
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
                return run
            if not create:
                return None
            run = self._runs[key] = RunWrites(self.max_writes)
            while len(self._runs) > self.max_runs:
                self._runs.popitem(last=False)
            return run

    def __len__(self) -> int:
        return len(self._runs)


# ---- helpers ------------------------------------------------------------------------
def written(action: str, before: dict | None, after: dict) -> dict:
    """What the tool log records of a write (``ToolCallRecord.written``)."""
    fields = ("priority", "failure_code", "description", "assignee", "status")
    changed = [f for f in fields if before is None or before.get(f) != after.get(f)]
    return {
        "action": action,
        "wonum": after["wonum"],
        "site_id": after["site_id"],
        "equipment_id": after["asset_num"],
        "asset_name": after["asset_name"],
        "status": after["status"],
        "previous_status": before["status"] if before else None,
        "priority": after["priority"],
        "failure_code": after["failure_code"],
        "work_type": after["work_type"],
        "assignee": after.get("assignee"),
        "description": (after.get("description") or "")[:WRITTEN_DESCRIPTION_CHARS],
        "created_in_run": bool(after.get("created_in_run")),
        "changed": changed if before is not None else [],
    }


def _resolve_asset(plant: Plant, a: T.CreateWorkorderArgs) -> C.AssetSpec:
    if a.asset_num is None and a.asset_name is None:
        raise L.Invalid(
            "Give the asset as asset_num (equipment id) or asset_name.", "missing_asset"
        )
    found = [
        L.find_asset(plant, name, a.site_id) if a.site_id is not None else fn(plant, name)
        for name, fn in ((a.asset_num, L.find_equipment), (a.asset_name, L.find_asset))
        if name is not None
    ]
    if len({x.equipment_id for x in found}) > 1:
        raise L.Invalid(
            f"asset_num {a.asset_num!r} and asset_name {a.asset_name!r} are different assets.",
            "asset_mismatch",
            {"asset_num": found[0].equipment_id, "asset_name": found[1].name},
        )
    return found[0]


def _priority(p: int) -> int:
    if not 1 <= p <= MAX_PRIORITY:
        raise L.Invalid(
            f"priority must be 1 (highest) .. {MAX_PRIORITY}, not {p}.",
            "invalid_priority",
            {"min": 1, "max": MAX_PRIORITY},
        )
    return p


def _failure_code(code: str | None) -> str | None:
    if code is None:
        return None
    key = code.strip().upper()
    if key not in C.FAILURE_CODES:
        raise L.NotFound(
            "unknown_failure_code", f"Unknown failure code {code!r}.", sorted(C.FAILURE_CODES)
        )
    return key


def _set_failure_code(w: dict, code: str) -> None:
    key = _failure_code(code)
    w["failure_code"] = key
    w["failure_code_description"] = C.FAILURE_CODES[key] if key else None


def _text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text or len(text) > limit:
        raise L.Invalid(
            f"{field} must be 1..{limit} characters.",
            f"invalid_{field}",
            {"field": field, "max_chars": limit},
        )
    return text


def _event_of(w: dict) -> dict:
    return {
        "asset_name": w["asset_name"],
        "description": w["description"],
        "equipment_id": w["asset_num"],
        "event_group": "WORK_ORDER",
        "event_id": "EV" + w["wonum"][2:],
        "event_type": "workorder",
        "priority": w["priority"],
        "site_id": w["site_id"],
        "timestamp": w["reported_date"],
        "wonum": w["wonum"],
        "work_type": w["work_type"],
    }


def _patched_event(e: dict, w: dict | None) -> dict:
    if w is None:
        return e
    return {**e, "priority": w["priority"], "description": w["description"]}


def failure_codes(plant: Plant, code: str | None = None) -> list[dict]:
    """The failure-code catalog (``wo.get_failure_codes``), all or one code."""
    rows = L.failure_codes(plant)
    if code is None:
        return rows
    key = _failure_code(code)
    return [r for r in rows if r["failure_code"] == key]

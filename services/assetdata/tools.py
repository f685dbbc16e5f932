"""One implementation of every tool in ``contracts.tools.TOOL_ARGS``, shared
by the REST routers and the MCP servers.

``call_tool(plant, name, args, ctx=None)`` validates ``args`` with the
contract's pydantic model, runs the query through ``library`` and returns a
JSON-ready dict. ``ctx`` (a ``CallContext``) carries what belongs to the run
making the call: its hidden clarification (``utilities.ask_operator``) and its
work-order overlay (the WO write tools, and the WO reads that see the run's
writes); the tool reports back through it what the log records
(``clarification``, ``written``). Bad input raises
``ToolError(http_status, code, message, details)``: 404 for unknown names
(with the valid ones in ``details["valid"]``), 422 for bad values, 409 for a
work-order write the order's status does not allow. Response shapes are
documented in docs/tools.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from contracts import tools as T
from contracts.toollog import Clarification
from services.assetdata import catalog as C
from services.assetdata import evidence as EV
from services.assetdata import library as L
from services.assetdata import operator as O
from services.assetdata import workorder_writes as W
from services.assetdata.aliases import canonical_sensor
from services.assetdata.plant import Plant


class ToolError(Exception):
    def __init__(self, http_status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.details = details or {}

    def to_problem(self) -> dict:
        """RFC 9457 problem+json body."""
        return {
            "type": f"https://assetops.arena/problems/{self.code}",
            "title": self.code,
            "status": self.http_status,
            "code": self.code,
            "detail": self.message,
            **({"details": self.details} if self.details else {}),
        }


def canonical_tool(name: str) -> str:
    name = T.TOOL_ALIASES.get(name, name)
    if name not in T.TOOL_ARGS:
        raise ToolError(
            404, "unknown_tool", f"Unknown tool {name!r}.", {"valid": sorted(T.TOOL_ARGS)}
        )
    return name


# ---- datasets -------------------------------------------------------------------------
class DatasetStore:
    """dataset_id -> the history query that made it. Ids are deterministic
    (hash of the query) so re-running a query gives the same id; the data is
    recomputed from the plant on use, so the store only keeps small specs."""

    def __init__(self, capacity: int = 100_000):
        self._specs: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.capacity = capacity

    def register(self, spec: dict) -> str:
        blob = json.dumps(spec, sort_keys=True).encode()
        ds = "ds_" + hashlib.sha256(blob).hexdigest()[:16]
        with self._lock:
            self._specs[ds] = spec
            self._specs.move_to_end(ds)
            while len(self._specs) > self.capacity:
                self._specs.popitem(last=False)
        return ds

    def get(self, dataset_id: str) -> dict:
        with self._lock:
            spec = self._specs.get(dataset_id)
        if spec is None:
            raise ToolError(
                404,
                "unknown_dataset",
                f"Unknown dataset {dataset_id!r}; datasets come from iot.history "
                "(its dataset_id field) and live as long as the service runs.",
            )
        return spec


DATASETS = DatasetStore()


def _dataset_frame(plant: Plant, dataset_id: str) -> tuple[dict, L.History]:
    spec = DATASETS.get(dataset_id)
    asset = L.find_asset(plant, spec["asset_id"])
    h = L.history(plant, asset, spec["start"], spec["final"], spec["sensors"], spec["aggregation"])
    return spec, h


# ---- helpers ------------------------------------------------------------------------------
def _num(v: float, nd: int = 3) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), nd)


def _rows(plant: Plant, h: L.History, a: int, b: int) -> list[dict]:
    """Row dicts ``{timestamp, <sensor>: value|None}`` (vectorised: this is the
    hot path of iot.history)."""
    ts = L.history_timestamps(plant, h, a, b)
    vals = np.round(h.values[a:b], 4)
    cols = [[None if v != v else v for v in vals[:, j].tolist()] for j in range(vals.shape[1])]
    keys = ["timestamp", *h.columns]
    if len(cols) == 1:
        c = h.columns[0]
        return [{"timestamp": t, c: v} for t, v in zip(ts, cols[0], strict=True)]
    return [dict(zip(keys, row, strict=True)) for row in zip(ts, *cols, strict=True)]


def _page(total: int, page: int, size: int) -> tuple[int, int, int]:
    pages = max(1, math.ceil(total / size))
    a = (page - 1) * size
    return a, min(a + size, total), pages


def _resolve_columns(h: L.History, asset_name: str, names: list[str]) -> list[int]:
    if not names:
        raise ToolError(422, "invalid_argument", "target_columns must name at least one column")
    idx = []
    for n in names:
        key = n.strip().casefold() if isinstance(n, str) else ""
        # a column written with an asset alias ("CH-6 Tonnage") is the canonical one
        canon = canonical_sensor(n) if isinstance(n, str) else None
        alt = canon.casefold() if canon is not None else None
        hit = next(
            (
                j
                for j, c in enumerate(h.columns)
                if c.casefold() in (key, alt) or c[len(asset_name) + 1 :].casefold() == key
            ),
            None,
        )
        if hit is None:
            raise ToolError(
                404, "unknown_column", f"Column {n!r} is not in the dataset.", {"valid": h.columns}
            )
        idx.append(hit)
    return idx


# ---- tools ----------------------------------------------------------------------------------
def _iot_sites(plant: Plant, a: T.SitesArgs) -> dict:
    return {"sites": L.site_names(plant), "details": L.sites(plant)}


def _iot_assets(plant: Plant, a: T.AssetsArgs) -> dict:
    site = L.find_site(plant, a.site_name)
    rows = L.assets(plant, site, a.asset_type)
    return {"site_name": site, "total_assets": len(rows), "assets": rows}


def _iot_sensors(plant: Plant, a: T.SensorsArgs) -> dict:
    asset = L.find_asset(plant, a.asset_id, a.site_name)
    rows = L.sensors(plant, asset)
    return {
        "site_name": asset.site,
        "asset_id": asset.name,
        "equipment_id": asset.equipment_id,
        "total_sensors": len(rows),
        "sensors": rows,
    }


def _iot_get_asset(plant: Plant, a: T.GetAssetArgs) -> dict:
    return L.asset_info(plant, L.find_asset(plant, a.asset_id, a.site_name))


def _iot_history(plant: Plant, a: T.HistoryArgs) -> dict:
    asset = L.find_asset(plant, a.asset_id, a.site_name)
    s, e = L.check_window(a.start, a.final, a.aggregation)
    h = L.history(plant, asset, s, e, a.sensors, a.aggregation)
    spec = {
        "seed": plant.seed,
        "asset_id": asset.name,
        "sensors": h.columns,
        "start": L.iso(s),
        "final": L.iso(e),
        "aggregation": a.aggregation,
    }
    ds = DATASETS.register(spec)
    lo, hi, pages = _page(len(h.times), a.page, a.page_size)
    quality = EV.history_quality(plant, asset, s, e, h.columns, a.aggregation)
    out = {
        "site_name": asset.site,
        "asset_id": asset.name,
        "equipment_id": asset.equipment_id,
        "start": L.iso(s),
        "final": L.iso(e),
        "aggregation": a.aggregation,
        "cadence_minutes": h.cadence_minutes,
        "sensors": h.columns,
        "total_observations": len(h.times),
        **quality,
        "page": a.page,
        "page_size": a.page_size,
        "total_pages": pages,
        "dataset_id": ds,
        "observations": _rows(plant, h, lo, hi),
    }
    if not len(h.times):
        out["message"] = EV.empty_history_message(plant, asset, s, e, quality)
    return out


def _util_now(plant: Plant, a: T.CurrentDateTimeArgs) -> dict:
    return L.current_date_time(plant)


def _util_json_reader(plant: Plant, a: T.JsonReaderArgs) -> dict:
    spec, h = _dataset_frame(plant, a.file_name)
    page = getattr(a, "page", 1) or 1
    size = getattr(a, "page_size", 5000) or 5000
    lo, hi, pages = _page(len(h.times), page, size)
    return {
        "dataset_id": a.file_name,
        "asset_id": spec["asset_id"],
        "start": spec["start"],
        "final": spec["final"],
        "aggregation": spec["aggregation"],
        "columns": ["timestamp", *h.columns],
        "total_rows": len(h.times),
        "page": page,
        "page_size": size,
        "total_pages": pages,
        "rows": _rows(plant, h, lo, hi),
    }


def _fmsr_failure_modes(plant: Plant, a: T.GetFailureModesArgs) -> dict:
    atype, asset = L.resolve_asset_or_type(plant, a.asset_name)
    rows = L.failure_modes(plant, a.asset_name)
    return {
        "asset_name": asset.name if asset else atype,
        "asset_type": atype,
        "total_failure_modes": len(rows),
        "failure_modes": rows,
    }


def _fmsr_mapping(plant: Plant, a: T.FailureModeSensorMappingArgs) -> dict:
    atype, asset = L.resolve_asset_or_type(plant, a.asset_name)
    pairs = L.fm_sensor_relevance(plant, a.asset_name, a.failure_modes, a.sensors)
    fm_to: dict[str, list[dict]] = {}
    s_to: dict[str, list[dict]] = {}
    for p in pairs:
        fm_to.setdefault(p["failure_mode_name"], []).append(
            {"sensor": p["sensor"], "relevance": p["relevance"], "level": p["level"]}
        )
        s_to.setdefault(p["sensor"], []).append(
            {
                "failure_mode": p["failure_mode_name"],
                "code": p["failure_mode"],
                "relevance": p["relevance"],
                "level": p["level"],
            }
        )
    for v in s_to.values():
        v.sort(key=lambda x: (-x["relevance"], x["code"]))
    return {
        "asset_name": asset.name if asset else atype,
        "asset_type": atype,
        "fm_to_sensors": fm_to,
        "sensor_to_fms": dict(sorted(s_to.items())),
        "pairs": pairs,
    }


def _tsfm_tasks(plant: Plant, a: T.GetAiTasksArgs) -> dict:
    return {
        "tasks": [
            {
                "task_id": "forecasting",
                "tool": "run_tsfm_forecasting",
                "description": "Forecast columns of a dataset forecast_horizon steps ahead",
            },
            {
                "task_id": "anomaly_detection",
                "tool": "run_tsad",
                "description": "Flag anomalous windows in one or more columns of a dataset",
            },
        ]
    }


def _tsfm_models(plant: Plant, a: T.GetTsfmModelsArgs) -> dict:
    return {
        "models": [dict(m) for m in C.TSFM_MODELS],
        "anomaly_models": list(C.AD_MODELS),
        "note": "Upstream TTM checkpoint names (ttm_*) are accepted and served by "
        "holt_winters_additive.",
    }


def _model_name(name: str | None) -> tuple[str, str | None]:
    if not name:
        return "holt_winters_additive", None
    key = name.strip()
    if key in L.MODELS:
        return key, None
    if key.casefold().startswith("ttm"):
        return "holt_winters_additive", f"{key} is not available here; used holt_winters_additive"
    raise ToolError(404, "unknown_model", f"Unknown model {name!r}.", {"valid": list(L.MODELS)})


def _check_ts_column(name: str) -> None:
    if name != "timestamp":
        raise ToolError(
            422,
            "invalid_argument",
            f"timestamp_column {name!r} is not in the dataset; use 'timestamp'",
        )


def _tsfm_forecast(plant: Plant, a: T.ForecastingArgs) -> dict:
    _check_ts_column(a.timestamp_column)
    model, note = _model_name(a.model_checkpoint)
    spec, h = _dataset_frame(plant, a.dataset_id)
    cols = _resolve_columns(h, spec["asset_id"], a.target_columns)
    if not len(h.times):
        raise ToolError(422, "insufficient_data", "The dataset has no rows to forecast from.")
    times, vals = L.regular_grid(h.times, h.values, h.cadence_minutes)
    season = L.season_length(h.cadence_minutes)
    step = np.timedelta64(h.cadence_minutes, "m")
    f_times = L.iso_many(times[-1] + step * np.arange(1, a.forecast_horizon + 1))
    out: dict[str, Any] = {
        "dataset_id": a.dataset_id,
        "model": model,
        "forecast_horizon": a.forecast_horizon,
        "cadence_minutes": h.cadence_minutes,
        "history_start": L.iso(times[0]),
        "history_end": L.iso(times[-1]),
        "timestamps": f_times,
        "target_columns": [h.columns[j] for j in cols],
        "forecast": {},
        "lower_95": {},
        "upper_95": {},
        "params": {},
    }
    for j in cols:
        fc = L.forecast(vals[:, j], a.forecast_horizon, season, model)
        c = h.columns[j]
        out["forecast"][c] = [_num(v) for v in fc.mean]
        out["lower_95"][c] = [_num(v) for v in fc.lower]
        out["upper_95"][c] = [_num(v) for v in fc.upper]
        out["params"][c] = {
            k: (_num(v, 6) if isinstance(v, float) else v) for k, v in fc.params.items()
        }
    if note:
        out["note"] = note
    return out


MAX_WINDOWS = 200


def _tsfm_tsad(plant: Plant, a: T.TsadArgs) -> dict:
    _check_ts_column(a.timestamp_column)
    method = a.ad_model_type or "conformal_residual"
    if method not in C.AD_MODELS:
        raise ToolError(
            404, "unknown_model", f"Unknown anomaly model {method!r}.", {"valid": list(C.AD_MODELS)}
        )
    spec, h = _dataset_frame(plant, a.dataset_id)
    cols = _resolve_columns(h, spec["asset_id"], a.target_columns)
    if not len(h.times):
        raise ToolError(422, "insufficient_data", "The dataset has no rows to analyse.")
    times, vals = L.regular_grid(h.times, h.values, h.cadence_minutes)
    season = L.season_length(h.cadence_minutes)
    stamps = L.iso_many(times)
    results = []
    for j in cols:
        d = L.detect_anomalies(vals[:, j], season, a.false_alarm, method)
        wins = [
            {
                "start": stamps[w["start_index"]],
                "end": stamps[w["end_index"]],
                "points": w["points"],
                "max_score": _num(w["max_score"]),
                "peak_timestamp": stamps[w["peak_index"]],
                "peak_value": _num(vals[w["peak_index"], j]),
            }
            for w in d.windows
        ]
        results.append(
            {
                "target": h.columns[j],
                "threshold": _num(d.threshold),
                "anomalous_points": int(d.flags.sum()),
                "total_windows": len(wins),
                "windows": wins[:MAX_WINDOWS],
                "truncated": len(wins) > MAX_WINDOWS,
            }
        )
    return {
        "dataset_id": a.dataset_id,
        "model": method,
        "false_alarm": a.false_alarm,
        "cadence_minutes": h.cadence_minutes,
        "points": len(times),
        "results": results,
    }


def _wo_list(plant: Plant, a: T.ListWorkordersArgs) -> dict:
    rows = L.workorders(
        plant,
        a.site_id,
        a.asset_num,
        a.status,
        a.priority,
        a.work_type,
        a.failure_code,
        a.date_from,
        a.date_to,
    )
    lo, hi, pages = _page(len(rows), a.page_num, a.page_size)
    return {
        "total": len(rows),
        "page_num": a.page_num,
        "page_size": a.page_size,
        "total_pages": pages,
        "workorders": rows[lo:hi],
    }


def _wo_get(plant: Plant, a: T.GetWorkorderArgs) -> dict:
    w = L.workorder(plant, a.wonum)
    if a.site_id is not None and L.find_site(plant, a.site_id) != w["site_id"]:
        raise ToolError(
            404,
            "unknown_workorder",
            f"Work order {w['wonum']} is not at site {a.site_id}.",
            {"site_id": w["site_id"]},
        )
    return dict(w)


def _wo_events(plant: Plant, a: T.ListEventsArgs) -> dict:
    asset = L.find_equipment(plant, a.equipment_id)
    rows = L.events(plant, asset.equipment_id, a.date_from, a.date_to, a.event_type)
    counts = {t: 0 for t in L.EVENT_TYPES}
    for r in rows:
        counts[r["event_type"]] += 1
    lo, hi, pages = _page(len(rows), a.page_num, a.page_size)
    return {
        "equipment_id": asset.equipment_id,
        "asset_name": asset.name,
        "total": len(rows),
        "counts": counts,
        "page_num": a.page_num,
        "page_size": a.page_size,
        "total_pages": pages,
        "events": rows[lo:hi],
    }


def _wo_rules(plant: Plant, a: T.ListAlertRulesArgs) -> dict:
    rows = L.alert_rules(plant, a.equipment_id)
    return {"total": len(rows), "rules": rows}


def _wo_kpis(plant: Plant, a: T.WorkorderKpisArgs) -> dict:
    site = L.find_site(plant, a.site_id)
    date_from, date_to = a.date_from, a.date_to
    if a.period_months is not None:
        if date_from is not None or date_to is not None:
            raise ToolError(
                422,
                "invalid_arguments",
                "Give either period_months or date_from/date_to, not both.",
            )
        date_from, date_to = L.last_months_window(plant, a.period_months)
    k = L.workorder_kpis(plant, site, a.asset_num, date_from, date_to)
    return {
        "site_id": site,
        "asset_num": a.asset_num,
        "date_from": date_from,
        "date_to": date_to,
        **k,
    }


def _wo_distribution(plant: Plant, a: T.FailureCodeDistributionArgs) -> dict:
    rows = L.failure_code_distribution(plant, a.site_id, a.asset_num, a.date_from, a.date_to)
    return {
        "site_id": a.site_id,
        "asset_num": a.asset_num,
        "date_from": a.date_from,
        "date_to": a.date_to,
        "total": sum(r["count"] for r in rows),
        "distribution": rows,
    }


def _wo_failure_codes(plant: Plant, a: T.GetFailureCodesArgs) -> dict:
    rows = W.failure_codes(plant, a.code)
    code = a.code.strip().upper() if a.code is not None else None
    return {"code": code, "total": len(rows), "failure_codes": rows}


# ---- run-scoped tools (issue 17) ------------------------------------------------------
@dataclass
class CallContext:
    """The run a call belongs to, and what the call reports for its log record."""

    clarification: Clarification | None = None
    store: W.WriteStore | None = None  # None: writes go to a throwaway overlay
    key: str = ""  # the run token ("" without one, in open mode)
    # set by the tool:
    clarification_kind: str | None = None
    written: dict | None = None

    def writes(self, create: bool) -> W.RunWrites | None:
        if self.store is None:
            return W.RunWrites() if create else None
        return self.store.get(self.key, create)


def _util_ask_operator(plant: Plant, a: T.AskOperatorArgs, ctx: CallContext) -> dict:
    question = a.question.strip()
    if not question or len(question) > T.MAX_QUESTION_CHARS:
        raise ToolError(
            422,
            "invalid_question",
            f"question must be 1..{T.MAX_QUESTION_CHARS} characters.",
            {"max_chars": T.MAX_QUESTION_CHARS},
        )
    answer, kind = O.answer(question, ctx.clarification)
    ctx.clarification_kind = kind
    return {"answer": answer, "clarified": kind == "specific"}


def _wo_write(name: str):
    verb = {
        "create": "created (WAPPR)",
        "update": "updated",
        "assign": "assigned",
        "approve": "approved (APPR)",
        "close": "closed (CLOSE)",
        "cancel": "cancelled (CAN)",
    }[name.split(".", 1)[1].split("_", 1)[0]]

    def handler(plant: Plant, a: Any, ctx: CallContext) -> dict:
        run = ctx.writes(create=True)
        assert run is not None
        order, ctx.written = run.apply(plant, name, a)
        return {
            "wonum": order["wonum"],
            "site_id": order["site_id"],
            "status": order["status"],
            "work_order": order,
            "message": f"Work order {order['wonum']} {verb}.",
        }

    handler.__name__ = name.replace(".", "_")
    return handler


CONTEXT_HANDLERS = {
    "utilities.ask_operator": _util_ask_operator,
    **{name: _wo_write(name) for name in sorted(T.WO_WRITE_TOOLS)},
}
# WO reads that see the run's own writes.
WO_READS = {
    "wo.list_workorders",
    "wo.get_workorder",
    "wo.list_events",
    "wo.get_workorder_kpis",
    "wo.get_failure_code_distribution",
}


HANDLERS = {
    "iot.sites": _iot_sites,
    "iot.assets": _iot_assets,
    "iot.sensors": _iot_sensors,
    "iot.get_asset": _iot_get_asset,
    "iot.history": _iot_history,
    "utilities.current_date_time": _util_now,
    "utilities.json_reader": _util_json_reader,
    "fmsr.get_failure_modes": _fmsr_failure_modes,
    "fmsr.get_failure_mode_sensor_mapping": _fmsr_mapping,
    "tsfm.get_ai_tasks": _tsfm_tasks,
    "tsfm.get_tsfm_models": _tsfm_models,
    "tsfm.run_tsfm_forecasting": _tsfm_forecast,
    "tsfm.run_tsad": _tsfm_tsad,
    "wo.list_workorders": _wo_list,
    "wo.get_workorder": _wo_get,
    "wo.list_events": _wo_events,
    "wo.list_alert_rules": _wo_rules,
    "wo.get_workorder_kpis": _wo_kpis,
    "wo.get_failure_code_distribution": _wo_distribution,
    "wo.get_failure_codes": _wo_failure_codes,
}
assert not set(HANDLERS) & set(CONTEXT_HANDLERS)
assert set(HANDLERS) | set(CONTEXT_HANDLERS) == set(T.TOOL_ARGS)


def argument_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """A validation error's problems as the problem document lists them."""
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_context=False)
    ]


def validate_args(name: str, args: dict | BaseModel | None) -> BaseModel:
    model = T.TOOL_ARGS[name]
    if isinstance(args, model):
        return args
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ToolError(
            422,
            "invalid_arguments",
            "Arguments must be a JSON object (send {} for a tool without arguments).",
        )
    try:
        # strict: JSON types must match the schema (no true -> 1, "2" -> 2)
        return model.model_validate(args, strict=True)
    except ValidationError as exc:
        raise ToolError(
            422,
            "invalid_arguments",
            f"Invalid arguments for {name}.",
            {"errors": argument_errors(exc)},
        ) from None


def call_tool(
    plant: Plant, name: str, args: dict | BaseModel | None, ctx: CallContext | None = None
) -> dict:
    """Run one tool. Raises ToolError on bad input."""
    name = canonical_tool(name)
    parsed = validate_args(name, args)
    try:
        if name in CONTEXT_HANDLERS:
            return CONTEXT_HANDLERS[name](plant, parsed, ctx or CallContext())
        if name in WO_READS and ctx is not None:
            run = ctx.writes(create=False)
            if run is not None:
                plant = run.view(plant)
        return HANDLERS[name](plant, parsed)
    except L.LibraryError as exc:
        raise ToolError(exc.status, exc.code, exc.message, exc.details) from None


def empty_like(result: Any, tool: str | None = None) -> Any:
    """The 'empty result' an injected empty fault returns: same keys, lists and
    mappings emptied, counts zeroed (the operator's answer: blank)."""
    if tool == "utilities.ask_operator" and isinstance(result, dict):
        return {**result, "answer": "", "clarified": False}
    if isinstance(result, dict):
        out: dict[str, Any] = {}
        for k, v in result.items():
            if k in ("has_more", "next_cursor"):  # upstream paging (issue 20): nothing more
                out[k] = False if k == "has_more" else None
            elif isinstance(v, list | dict):
                out[k] = type(v)()
            elif (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and (k.startswith("total") or k in ("points", "anomalous_points", "returned"))
            ):
                out[k] = 0
            else:
                out[k] = v
        return out
    return {}

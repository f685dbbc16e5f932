"""AssetOpsBench's current tool names and argument shapes over the same
plant (issue 20; the catalog is ``contracts.upstream``).

``translate(plant, name, args)`` turns one call as an upstream agent makes
it into the canonical call this service logs and runs (``Translation.tool``
and ``.args``: what the tool log records, so scoring is unchanged) plus a
``shape`` that turns the canonical result into the upstream reply. Calls
already in the canonical shape pass through unchanged, except that
``iot.history`` replies always carry the upstream paging fields
(``returned``, ``has_more``, ``next_cursor``).

Derived upstream IoT tools (``stream_extent``, ``sensor_coverage``,
``sensor_stats``, ``latest_reading``) log the ``iot.history`` call that
reads the data they summarise; their reply is computed from the plant over
that window.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from contracts import tools as T
from contracts import upstream as U
from services.assetdata import library as L
from services.assetdata.plant import Plant
from services.assetdata.tools import argument_errors

Shape = Callable[[dict[str, Any]], dict[str, Any]]


class TranslationError(Exception):
    """An upstream-style call that cannot be translated (logged under ``tool``)."""

    def __init__(
        self, tool: str, status: int, code: str, message: str, details: dict | None = None
    ):
        super().__init__(message)
        self.tool = tool
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


@dataclass
class Translation:
    tool: str  # canonical tool (logged)
    args: Any  # canonical arguments (logged, validated by the tool)
    shape: Shape | None = None  # canonical result -> the reply
    ignored: list[str] = field(default_factory=list)  # accepted, ignored upstream arguments


def translate(plant: Plant, name: str, args: Any) -> Translation:
    """The canonical call behind ``name(args)``. Raises TranslationError."""
    canonical = T.TOOL_ALIASES.get(name, name)
    if not isinstance(args, dict):
        return Translation(canonical, args)
    if name in U.UPSTREAM_TOOLS:
        target, model = U.UPSTREAM_TOOLS[name]
        parsed = _parse(target, model, name, args)
        return _BUILDERS[name](plant, parsed)
    renames = U.UPSTREAM_ARGUMENTS.get(canonical, {})
    if canonical == "iot.history":
        return _history(plant, name, args)
    if not (set(args) & set(renames)) and not _missing_optional(name, canonical, args):
        return Translation(canonical, args)
    out: dict[str, Any] = {}
    ignored: list[str] = []
    for key, value in args.items():
        if key in renames:
            target_key = renames[key]
            if target_key is None:
                ignored.append(key)
                continue
            if target_key in args:
                raise TranslationError(
                    canonical,
                    422,
                    "invalid_arguments",
                    f"Give {target_key!r} or its upstream name {key!r}, not both.",
                )
            out[target_key] = value
        else:
            out[key] = value
    if canonical == "iot.assets" and isinstance(out.get("asset_type"), str):
        out["asset_type"] = out["asset_type"].strip().casefold()
    if name == "wo.generate_work_order" and "priority" not in out:
        out["priority"] = U.UPSTREAM_GENERATE_PRIORITY
    shape = _UPSTREAM_SHAPES.get(canonical) if any(renames.get(k) for k in args) else None
    return Translation(canonical, out, shape, ignored)


def _missing_optional(name: str, canonical: str, args: dict) -> bool:
    return any(k not in args for k in U.UPSTREAM_OPTIONAL.get(name, ()))


def _parse(tool: str, model: type[BaseModel], name: str, args: dict) -> Any:
    try:
        return model.model_validate(args, strict=True)
    except ValidationError as exc:
        raise TranslationError(
            tool,
            422,
            "invalid_arguments",
            f"Invalid arguments for {name}.",
            {"errors": argument_errors(exc)},
        ) from None


def _library(tool: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except L.LibraryError as exc:
        raise TranslationError(tool, exc.status, exc.code, exc.message, exc.details) from None


def _iso(t: np.datetime64) -> str:
    return L.iso(t)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


# ---- iot.history: upstream paging (end, limit, cursor; has_more, next_cursor) ----------
def _query_key(args: dict) -> str:
    """What a cursor is bound to: the query as the agent sends it again."""
    q = [
        args.get("site_name"),
        args.get("asset_id"),
        args.get("start"),
        args.get("end", args.get("final")),
        args.get("sensors"),
        args.get("aggregation"),
    ]
    return hashlib.sha256(json.dumps(q, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _encode_cursor(start: str, page: int, size: int, end: str, key: str) -> str:
    raw = json.dumps({"s": start, "p": page, "z": size, "e": end, "q": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: Any, key: str) -> tuple[str, int, int, str]:
    bad = TranslationError(
        "iot.history",
        422,
        "invalid_cursor",
        "cursor is not a next_cursor of this query; repeat the same query with the "
        "next_cursor of its previous page (or leave cursor out for the first page).",
    )
    if not isinstance(cursor, str) or len(cursor) > 400:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        start, page, size, end, q = data["s"], data["p"], data["z"], data["e"], data["q"]
    except (ValueError, KeyError, TypeError):
        raise bad from None
    if q != key or not (isinstance(page, int) and isinstance(size, int) and page >= 1):
        raise bad
    return str(start), page, size, str(end)


def _history(plant: Plant, name: str, args: dict) -> Translation:
    tool = "iot.history"
    for a, b in (("end", "final"), ("limit", "page_size"), ("cursor", "page")):
        if a in args and b in args:
            raise TranslationError(
                tool, 422, "invalid_arguments", f"Give {b!r} or its upstream name {a!r}, not both."
            )
    upstream = any(k in args for k in ("end", "limit", "cursor")) or "start" not in args
    if not upstream:
        return Translation(tool, args, _history_paging(args, None))
    limit = args.get("limit", U.UPSTREAM_PAGE_LIMIT)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= U.UPSTREAM_PAGE_LIMIT
    ):
        raise TranslationError(
            tool,
            422,
            "invalid_arguments",
            f"limit must be an integer between 1 and {U.UPSTREAM_PAGE_LIMIT}.",
        )
    aggregation = args.get("aggregation", "none")
    if aggregation not in L.MAX_RANGE_DAYS:
        aggregation = "none"  # the canonical tool rejects it with the valid values
    key = _query_key(args)
    end_raw = args.get("end", args.get("final"))
    if args.get("cursor") is not None:
        start, page, size, end = _decode_cursor(args["cursor"], key)
        s = _library(tool, lambda: L.parse_time(start, "start"))
        e = _library(tool, lambda: L.parse_time(end, "end"))
    else:
        page, size = 1, limit
        start_raw = args.get("start")
        s = (
            _library(tool, lambda: L.parse_time(start_raw, "start"))
            if start_raw is not None
            else np.datetime64(plant.start, "m")
        )
        if end_raw is not None:
            e = _library(tool, lambda: L.parse_time(end_raw, "end"))
        elif start_raw is not None:
            e = s + np.timedelta64(1440, "m")  # the canonical default: one day
        else:
            e = np.datetime64(plant.end, "m")
    chunk = min(e, s + np.timedelta64(L.MAX_RANGE_DAYS[aggregation] * 1440, "m"))
    out: dict[str, Any] = {
        k: v
        for k, v in args.items()
        if k not in ("start", "end", "final", "limit", "cursor", "page", "page_size")
    }
    out.update(start=_iso(s), final=_iso(chunk if chunk > s else e), page=page, page_size=size)
    window = {"end": _iso(e), "chunk_end": _iso(chunk), "key": key}
    return Translation(tool, out, _history_paging(out, window))


def _history_paging(args: dict, window: dict | None) -> Shape:
    """Adds ``returned``, ``has_more``, ``next_cursor`` (and ``end``) to a history reply."""

    def shape(result: dict[str, Any]) -> dict[str, Any]:
        page = int(result.get("page") or 1)
        size = int(result.get("page_size") or 1)
        total = int(result.get("total_observations") or 0)
        more_here = page * size < total
        start = str(result.get("start"))
        final = str(result.get("final"))
        key = window["key"] if window else _query_key(args)
        end = window["end"] if window else final
        more_later = window is not None and window["chunk_end"] < window["end"]
        cursor = None
        if more_here:
            cursor = _encode_cursor(start, page + 1, size, end, key)
        elif more_later:
            cursor = _encode_cursor(final, 1, size, end, key)
        returned = len(result.get("observations") or [])
        out = {
            **result,
            "end": end,
            "returned": returned,
            "has_more": cursor is not None,
            "next_cursor": cursor,
        }
        if window is not None:
            out["message"] = (
                f"returned {returned} observation(s) for asset_id {result.get('asset_id')}; "
                f"has_more={cursor is not None}."
                + (f" {result['message']}" if result.get("message") else "")
            )
        return out

    return shape


# ---- derived iot tools -------------------------------------------------------------------
def _window(plant: Plant, tool: str, start: str | None, end: str | None) -> tuple[Any, Any]:
    s = (
        _library(tool, lambda: L.parse_time(start, "start"))
        if start is not None
        else np.datetime64(plant.start, "m")
    )
    e = (
        _library(tool, lambda: L.parse_time(end, "end"))
        if end is not None
        else np.datetime64(plant.end, "m")
    )
    if e <= s:
        raise TranslationError(
            tool, 422, "invalid_range", f"end ({_iso(e)}) must be after start ({_iso(s)})"
        )
    return s, e


def _coarsest_needed(s: Any, e: Any) -> str | None:
    """The finest aggregation whose range bound admits [s, e) (None: raw)."""
    days = (e - s) / np.timedelta64(1, "D")
    for agg in ("none", "hourly", "daily"):
        if days <= L.MAX_RANGE_DAYS[agg]:
            return None if agg == "none" else agg
    return "daily"


def _history_args(
    site: str, asset: str, s: Any, e: Any, sensor: str | None, page_size: int = 1
) -> dict[str, Any]:
    agg = _coarsest_needed(s, e)
    return _drop_none(
        {
            "site_name": site,
            "asset_id": asset,
            "start": _iso(s),
            "final": _iso(e),
            "sensors": [sensor] if sensor is not None else None,
            "aggregation": agg,
            "page_size": page_size,
        }
    )


def _raw(plant: Plant, asset_name: str, site: str, s: Any, e: Any, sensor: str | None) -> L.History:
    """Raw telemetry of [s, e), read in chunks the library's range bound admits."""
    asset = L.find_asset(plant, asset_name, site)
    s = max(s, np.datetime64(plant.start, "m"))
    e = min(e, np.datetime64(plant.end, "m"))
    sensors = [sensor] if sensor is not None else None
    cols = L.resolve_sensors(plant, asset, sensors)
    times: list[np.ndarray] = []
    values: list[np.ndarray] = []
    step = np.timedelta64(90 * 1440, "m")
    t = s
    while t < e:
        h = L.history(plant, asset, t, min(e, t + step), cols, "none")
        times.append(h.times)
        values.append(h.values)
        t = t + step
    if not times:
        return L.History(np.empty(0, "datetime64[m]"), cols, np.empty((0, len(cols))), 15)
    return L.History(np.concatenate(times), cols, np.vstack(values), plant.step_minutes)


def _num(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 4)


def _asset_ids(plant: Plant, a: U.AssetIdsArgs) -> Translation:
    def shape(r: dict[str, Any]) -> dict[str, Any]:
        names = sorted(x["asset_id"] for x in r.get("assets", []))
        return {
            "site_name": r.get("site_name"),
            "total_assets": len(names),
            "assets": names,
            "message": f"found {len(names)} assets at site {r.get('site_name')}: "
            f"{', '.join(names)}.",
        }

    return Translation("iot.assets", {"site_name": a.site_name}, shape)


def _sensor_names(sort: bool) -> Callable[[Plant, U.SensorNamesArgs], Translation]:
    def build(plant: Plant, a: U.SensorNamesArgs) -> Translation:
        def shape(r: dict[str, Any]) -> dict[str, Any]:
            names = [x["name"] for x in r.get("sensors", [])]
            names = sorted(names) if sort else names
            return {
                "site_name": r.get("site_name"),
                "asset_id": r.get("asset_id"),
                "equipment_id": r.get("equipment_id"),
                "total_sensors": len(names),
                "sensors": names,
                "message": f"{len(names)} sensors of {r.get('asset_id')}: {', '.join(names)}.",
            }

        return Translation("iot.sensors", {"site_name": a.site_name, "asset_id": a.asset_id}, shape)

    return build


def _asset_detail(plant: Plant, a: U.AssetDetailArgs) -> Translation:
    def shape(r: dict[str, Any]) -> dict[str, Any]:
        return {
            **r,
            "site_name": r.get("site"),
            "assettype": r.get("asset_type"),
            "installdate": r.get("install_date"),
            "n_installed_sensors": r.get("sensor_count"),
            "description": f"{r.get('manufacturer')} {r.get('model')} {r.get('asset_type')}",
        }

    return Translation("iot.get_asset", {"site_name": a.site_name, "asset_id": a.asset_id}, shape)


def _find_assets(plant: Plant, a: U.FindAssetsBySensorsArgs) -> Translation:
    queries = list(dict.fromkeys(a.sensors))

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        matches = []
        for row in r.get("assets", []):
            asset = L.find_asset(plant, row["asset_id"])
            names = [s["name"] for s in L.sensors(plant, asset)]
            hits: dict[str, list[str]] = {}
            for q in queries:
                key = q.strip().casefold()
                if a.substring:
                    found = [n for n in names if key in n.casefold()]
                else:
                    found = [
                        n
                        for n in names
                        if n == q.strip() or n[len(asset.name) + 1 :].casefold() == key
                    ]
                hits[q] = found
            ok = all(hits.values()) if a.match == "all" else any(hits.values())
            if ok:
                matched = sorted({n for v in hits.values() for n in v})
                matches.append({"asset_id": asset.name, "matched_sensors": matched})
        return {
            "site_name": r.get("site_name"),
            "query_sensors": queries,
            "match": a.match,
            "source": a.source,
            "total_assets": len(matches),
            "assets": matches,
            "message": f"{len(matches)} asset(s) at {r.get('site_name')} match {queries} "
            f"(match={a.match}, substring={a.substring}).",
        }

    return Translation("iot.assets", {"site_name": a.site_name}, shape)


def _stream_extent(plant: Plant, a: U.StreamExtentArgs) -> Translation:
    tool = "iot.stream_extent"
    s, e = _window(plant, tool, a.start, a.end)

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        h = _raw(plant, a.asset_id, a.site_name, s, e, a.sensor)
        keep = np.isfinite(h.values).any(axis=1) if len(h.times) else np.zeros(0, bool)
        times = h.times[keep]
        n = int(len(times))
        first = _iso(times[0]) if n else None
        last = _iso(times[-1]) if n else None
        interval = (
            float((times[-1] - times[0]) / np.timedelta64(1, "s")) / (n - 1) if n > 1 else None
        )
        return {
            "site_name": r.get("site_name"),
            "asset_id": r.get("asset_id"),
            "sensor": h.columns[0] if a.sensor is not None else None,
            "start_time": first,
            "end_time": last,
            "total_records": n,
            "exceeds_page_limit": n > U.UPSTREAM_PAGE_LIMIT,
            "approx_interval_seconds": interval,
            "message": f"{n} record(s) for asset_id {r.get('asset_id')}"
            + (f" (sensor {h.columns[0]})" if a.sensor is not None else "")
            + (f" from {first} to {last}." if n else "."),
        }

    return Translation("iot.history", _history_args(a.site_name, a.asset_id, s, e, a.sensor), shape)


def _sensor_coverage(plant: Plant, a: U.SensorCoverageArgs) -> Translation:
    s, e = np.datetime64(plant.start, "m"), np.datetime64(plant.end, "m")

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        h = _raw(plant, a.asset_id, a.site_name, s, e, None)
        rows = []
        for j, col in enumerate(h.columns):
            ok = np.isfinite(h.values[:, j])
            t = h.times[ok]
            rows.append(
                {
                    "sensor": col,
                    "non_null_count": int(ok.sum()),
                    "first_timestamp": _iso(t[0]) if len(t) else None,
                    "last_timestamp": _iso(t[-1]) if len(t) else None,
                }
            )
        return {
            "site_name": r.get("site_name"),
            "asset_id": r.get("asset_id"),
            "docs_scanned": int(len(h.times)),
            "sensors": sorted(rows, key=lambda x: x["sensor"]),
            "message": f"coverage for {len(rows)} sensor(s) on asset_id {r.get('asset_id')} "
            f"across {len(h.times)} timestamped record(s).",
        }

    return Translation("iot.history", _history_args(a.site_name, a.asset_id, s, e, None), shape)


def _sensor_stats(plant: Plant, a: U.SensorStatsArgs) -> Translation:
    tool = "iot.sensor_stats"
    s, e = _window(plant, tool, a.start, a.end)

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        h = _raw(plant, a.asset_id, a.site_name, s, e, a.sensor)
        stats = []
        for j, col in enumerate(h.columns):
            v = h.values[:, j]
            ok = np.isfinite(v)
            x = v[ok]
            t = h.times[ok]
            stats.append(
                {
                    "sensor": col,
                    "count": int(ok.sum()),
                    "null_count": int((~ok).sum()),
                    "min": _num(float(x.min())) if len(x) else None,
                    "max": _num(float(x.max())) if len(x) else None,
                    "mean": _num(float(x.mean())) if len(x) else None,
                    "stddev": _num(float(x.std())) if len(x) else None,
                    "first_timestamp": _iso(t[0]) if len(t) else None,
                    "last_timestamp": _iso(t[-1]) if len(t) else None,
                }
            )
        return {
            "site_name": r.get("site_name"),
            "asset_id": r.get("asset_id"),
            "start": _iso(s),
            "end": _iso(e),
            "stats": stats,
            "message": f"numeric stats for {len(stats)} sensor(s) on asset_id "
            f"{r.get('asset_id')} in [{_iso(s)}, {_iso(e)}).",
        }

    return Translation("iot.history", _history_args(a.site_name, a.asset_id, s, e, a.sensor), shape)


def _latest_reading(plant: Plant, a: U.LatestReadingArgs) -> Translation:
    s, e = np.datetime64(plant.start, "m"), np.datetime64(plant.end, "m")
    try:
        latest = _latest(plant, a.asset_id, a.site_name, a.sensor)
    except L.LibraryError:
        latest = None  # the canonical call reports the unknown asset or sensor
    if latest is None:

        def none(r: dict[str, Any]) -> dict[str, Any]:
            return {
                "site_name": r.get("site_name"),
                "asset_id": r.get("asset_id"),
                "timestamp": None,
                "values": {},
                "message": f"no records for asset_id {r.get('asset_id')}",
            }

        return Translation(
            "iot.history", _history_args(a.site_name, a.asset_id, s, e, a.sensor), none
        )
    t, values = latest
    step = np.timedelta64(plant.step_minutes, "m")
    args = _history_args(a.site_name, a.asset_id, t, t + step, a.sensor)
    args.pop("page_size")

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        now = np.datetime64(plant.now, "s")
        return {
            "site_name": r.get("site_name"),
            "asset_id": r.get("asset_id"),
            "timestamp": _iso(t),
            "values": values,
            "age_seconds": float((now - t.astype("datetime64[s]")) / np.timedelta64(1, "s")),
            "message": f"latest reading for asset_id {r.get('asset_id')} at {_iso(t)}.",
        }

    return Translation("iot.history", args, shape)


def _latest(
    plant: Plant, asset_name: str, site: str, sensor: str | None
) -> tuple[Any, dict[str, float | None]] | None:
    """(timestamp, values) of the newest row with a reading (of ``sensor``)."""
    end = np.datetime64(plant.end, "m")
    start = np.datetime64(plant.start, "m")
    step = np.timedelta64(30 * 1440, "m")
    t = end
    while t > start:
        lo = max(start, t - step)
        h = _raw(plant, asset_name, site, lo, t, sensor)
        ok = np.isfinite(h.values).any(axis=1)
        if ok.any():
            i = int(np.flatnonzero(ok)[-1])
            return h.times[i], {c: _num(float(h.values[i, j])) for j, c in enumerate(h.columns)}
        t = lo
    return None


def _current_time_english(plant: Plant, a: U.CurrentTimeEnglishArgs) -> Translation:
    def shape(r: dict[str, Any]) -> dict[str, Any]:
        iso = str(r.get("current_date_time", ""))
        return {"english": iso.replace("T", " "), "iso": iso, "description": r.get("description")}

    return Translation("utilities.current_date_time", {}, shape)


def _assign_technician(plant: Plant, a: U.AssignTechnicianArgs) -> Translation:
    ignored = [k for k in ("craft", "start_date", "hours_planned") if getattr(a, k) is not None]
    args = _drop_none({"wonum": a.wonum, "assignee": a.labor_code, "site_id": a.site_id})
    return Translation("wo.assign_workorder", args, None, ignored)


_BUILDERS: dict[str, Callable[[Plant, Any], Translation]] = {
    "iot.asset_ids": _asset_ids,
    "iot.measured_sensors": _sensor_names(sort=True),
    "iot.installed_sensors": _sensor_names(sort=False),
    "iot.get_asset_detail": _asset_detail,
    "iot.asset_detail": _asset_detail,
    "iot.find_assets_by_sensors": _find_assets,
    "iot.stream_extent": _stream_extent,
    "iot.sensor_coverage": _sensor_coverage,
    "iot.sensor_stats": _sensor_stats,
    "iot.latest_reading": _latest_reading,
    "utilities.current_time_english": _current_time_english,
    "wo.assign_technician": _assign_technician,
}
assert set(_BUILDERS) == set(U.UPSTREAM_TOOLS)


# ---- same-name tools called with upstream arguments --------------------------------------
def _failure_modes_shape(r: dict[str, Any]) -> dict[str, Any]:
    return {
        **r,
        "asset_class": r.get("asset_type"),
        "exhaustive": True,
        "source": "plant failure-mode catalog",
    }


def _mapping_shape(r: dict[str, Any]) -> dict[str, Any]:
    fm2sensor: dict[str, list[str]] = {}
    sensor2fm: dict[str, list[str]] = {}
    for p in r.get("pairs", []):
        if p.get("level") in ("high", "medium"):
            fm2sensor.setdefault(p["failure_mode_name"], []).append(p["sensor"])
            sensor2fm.setdefault(p["sensor"], []).append(p["failure_mode_name"])
    return {**r, "asset_class": r.get("asset_type"), "fm2sensor": fm2sensor, "sensor2fm": sensor2fm}


_UPSTREAM_SHAPES: dict[str, Shape] = {
    "fmsr.get_failure_modes": _failure_modes_shape,
    "fmsr.get_failure_mode_sensor_mapping": _mapping_shape,
}


def input_schema(name: str) -> dict[str, Any]:
    """The JSON schema of what ``name`` accepts: the upstream model of an
    upstream tool; a canonical tool's model plus its upstream arguments."""
    if name in U.UPSTREAM_TOOLS:
        schema = U.UPSTREAM_TOOLS[name][1].model_json_schema()
        schema.pop("title", None)
        return schema
    canonical = T.TOOL_ALIASES.get(name, name)
    schema = T.TOOL_ARGS[canonical].model_json_schema()
    schema.pop("title", None)
    extra = U.UPSTREAM_ARGUMENTS.get(canonical, {})
    if extra:
        props = dict(schema.get("properties", {}))
        for key in extra:
            props[key] = U.UPSTREAM_ARGUMENT_SCHEMAS.get(key, {})
        schema["properties"] = props
    optional = U.UPSTREAM_OPTIONAL.get(name, frozenset())
    if optional and "required" in schema:
        schema["required"] = [k for k in schema["required"] if k not in optional]
    return schema

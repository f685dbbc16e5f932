"""Pure query functions over a ``Plant`` (no HTTP, no I/O). The tools call
these, and scenario templates call the same functions to compute ground
truth, so an expected answer is what a correct tool-using agent would see.

Errors: lookups raise ``NotFound(code, message, valid)`` (unknown_site,
unknown_asset, unknown_sensor, unknown_failure_mode, unknown_workorder);
bad values raise ``Invalid(message, code)`` (invalid_date, invalid_range,
range_too_large, invalid_argument). ``services.assetdata.tools`` maps them
to HTTP 404 / 422.

Time arguments are ISO 8601 strings (``2020-06-01``, ``2020-06-01T06:00``,
``2020-06-01T06:00:00``; a trailing ``Z``/offset is converted to naive plant
time) or ``numpy.datetime64``. Windows are half-open ``[start, end)``.

Plant structure
- ``site_names(plant)`` -> ["ANNEX", "MAIN"]; ``sites(plant)`` -> dicts with
  ``site``, ``description``, ``asset_count``.
- ``find_site(plant, name)`` canonical site name from the name or an alias
  ("the main campus"), case-insensitive.
- ``find_asset(plant, asset_id, site=None)`` -> ``AssetSpec`` by name
  ("Chiller 6"), equipment id ("CWC04006") or alias ("CH-6", "chiller no. 6";
  ``services.assetdata.aliases``), case-insensitive; the unknown-asset error
  lists canonical names.
- ``assets(plant, site, asset_type=None)`` -> asset summaries (with the
  asset's ``aliases``).
- ``asset_info(plant, asset)`` -> metadata (aliases, maker, model, capacity,
  install date, location, sensors, telemetry window, cadence).
- ``sensors(plant, asset)`` -> ``[{name, kind, unit, description}]``.
- ``resolve_sensors(plant, asset, names)`` -> full sensor names (accepts full
  names, kinds, or "<alias> <kind>" such as "CH-6 Tonnage"; case-insensitive).

Telemetry
- ``history(plant, asset, start, end, sensors=None, aggregation="none")`` ->
  ``History(times, columns, values)``: ``values`` float64 [rows, columns]
  with NaN for missing readings; rows where every selected sensor is missing
  are dropped; ``hourly``/``daily`` aggregation = mean of the readings in the
  bucket, stamped with the bucket start, empty buckets dropped.
- ``series(plant, asset, sensor, start, end, aggregation="none")`` ->
  ``(times, values)`` for one sensor (same rules).
- ``indicator(plant, asset, name, start, end)`` -> ``(times, values)`` of a
  derived indicator (``catalog.INDICATORS``; running-only indicators are
  NaN while the asset is off).

Failure modes
- ``failure_modes(plant, asset_or_type)`` -> the failure modes of an asset
  ("Chiller 6") or type ("chiller", "ahu"): ``code, name, asset_type,
  component, failure_code, failure_code_description, description``.
- ``fm_sensor_relevance(plant, asset_or_type, failure_modes=None,
  sensors=None)`` -> ``[{failure_mode, failure_mode_name, sensor, relevance,
  level}]`` (relevance 0..1; level high >= 0.8, medium >= 0.5, else low);
  sensor = full name for an asset, kind for a type.
- ``resolve_failure_modes(plant, asset_type, names)`` -> specs by code or
  name (case-insensitive).

Ground-truth records
- ``episodes(plant, asset=None, failure_mode=None, start=None, end=None,
  site=None)`` -> injected fault episodes overlapping the window: ``episode_id,
  asset, equipment_id, site, failure_mode, failure_mode_name, failure_code,
  indicator, signature, onset, start, full_severity_from, end, ongoing,
  first_alert, workorder``.
- ``signature_check(plant, episode)`` -> whether the episode shows in its
  failure mode's indicator (late-episode mean vs the week before, in units of
  the baseline std; std ratio for oscillation/stuck).
- ``events(plant, equipment_id, start=None, end=None, event_type=None)`` ->
  alert / anomaly / workorder events of one asset, by timestamp.
- ``workorders(plant, site=None, asset_num=None, status=None, priority=None,
  work_type=None, failure_code=None, date_from=None, date_to=None)`` -> work
  orders whose ``reported_date`` is in ``[date_from, date_to]`` (a date-only
  ``date_to`` includes that whole day), sorted by reported date.
- ``workorder(plant, wonum)`` -> one work order.
- ``workorder_kpis(plant, site, asset_num=None, date_from=None, date_to=None)``
  -> counts and KPIs (see the function); ``last_months_window(plant, n)`` is the
  window upstream's ``period_months=n`` means.
- ``failure_code_distribution(plant, site=None, asset_num=None, date_from=None,
  date_to=None)`` -> ``[{failure_code, description, count}]`` over corrective
  work orders (not cancelled), count desc then code.
- ``alert_rules(plant, equipment_id=None)``, ``failure_codes(plant)``,
  ``current_date_time(plant)``.

Analytics (what the TSFM tools run)
- ``season_length(cadence_minutes)`` -> 96 (15 min), 24 (hourly), 7 (daily).
- ``holt_winters_fit(values, season)`` -> ``HWFit`` (parameters chosen on a
  fixed grid by one-step-ahead SSE on at most the last ``FIT_WINDOW`` points).
- ``forecast(values, horizon, season, model="holt_winters_additive")`` ->
  ``Forecast(mean, lower, upper, params)`` (95 % bands).
- ``detect_anomalies(values, season, false_alarm=0.01,
  method="conformal_residual")`` -> ``Detection(scores, threshold, flags,
  windows)``: robust z-scores of one-step-ahead residuals; the threshold is
  the split-conformal (1 - false_alarm) quantile of the first half's scores
  (``robust_zscore``: the two-sided normal quantile). Windows are runs of
  flagged points (gaps of one step allowed) with index range and max score.
- ``forecast_series`` / ``detect_series``: the same on ``series(...)`` output,
  exactly as ``tsfm.run_tsfm_forecasting`` / ``tsfm.run_tsad`` compute it for
  a dataset made by ``iot.history``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import NormalDist

import numpy as np

from services.assetdata import aliases as A
from services.assetdata import catalog as C
from services.assetdata.indicators import column, indicator_values, running_mask
from services.assetdata.plant import Plant

# ---- errors ----------------------------------------------------------------------


class LibraryError(Exception):
    status = 422

    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


class NotFound(LibraryError):
    status = 404

    def __init__(
        self, code: str, message: str, valid: list[str] | None = None, details: dict | None = None
    ):
        d = dict(details or {})
        if valid is not None:
            d["valid"] = valid
        super().__init__(code, message, d)


class Invalid(LibraryError):
    status = 422

    def __init__(self, message: str, code: str = "invalid_argument", details: dict | None = None):
        super().__init__(code, message, details)


# ---- time parsing ----------------------------------------------------------------
def parse_time(value: str | np.datetime64 | datetime, field: str = "time") -> np.datetime64:
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[m]")
    if isinstance(value, datetime):
        dt = value
    else:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(
                f"{field}: expected an ISO 8601 date/time like 2020-06-01T00:00:00",
                "invalid_date",
                {"field": field},
            )
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(
                f"{field}: {value!r} is not an ISO 8601 date/time (e.g. 2020-06-01T00:00:00)",
                "invalid_date",
                {"field": field, "value": value},
            ) from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    if not 1900 <= dt.year <= 2100:
        raise Invalid(
            f"{field}: year {dt.year} out of range 1900..2100",
            "invalid_date",
            {"field": field, "value": str(value)},
        )
    return np.datetime64(dt.replace(second=0, microsecond=0), "m")


def _is_date_only(value: object) -> bool:
    return isinstance(value, str) and len(value.strip()) == 10


def iso(t: np.datetime64 | datetime) -> str:
    if isinstance(t, datetime):
        return t.strftime("%Y-%m-%dT%H:%M:%S")
    return str(t.astype("datetime64[s]"))


def iso_many(times: np.ndarray) -> list[str]:
    return np.datetime_as_string(times.astype("datetime64[s]")).tolist()


# ---- plant structure -----------------------------------------------------------------
def site_names(plant: Plant) -> list[str]:
    return sorted(C.SITES)


def sites(plant: Plant) -> list[dict]:
    return [
        {
            "site": s,
            "description": str(C.SITES[s]["description"]),
            "asset_count": sum(1 for a in plant.assets if a.site == s),
        }
        for s in site_names(plant)
    ]


def find_site(plant: Plant, name: str) -> str:
    """By name or alias ("MAIN", "the main campus"), case-insensitive."""
    for s in C.SITES:
        if isinstance(name, str) and s.casefold() == name.strip().casefold():
            return s
    alias_of = A.canonical_site(name) if isinstance(name, str) else None
    if alias_of in C.SITES:
        return alias_of
    raise NotFound("unknown_site", f"Unknown site {name!r}.", site_names(plant))


def _asset_names(plant: Plant, site: str | None = None) -> list[str]:
    return [a.name for a in plant.assets if site is None or a.site == site]


def find_asset(plant: Plant, asset_id: str, site: str | None = None) -> C.AssetSpec:
    """By name, equipment id or alias (case-insensitive); ``site`` restricts
    the search."""
    if site is not None:
        site = find_site(plant, site)
    key = asset_id.strip().casefold() if isinstance(asset_id, str) else ""
    a = plant.asset_by_name_ci.get(key) or plant.asset_by_equipment_ci.get(key)
    if a is None and isinstance(asset_id, str):
        alias_of = A.canonical_asset(asset_id)
        a = plant.asset_by_name.get(alias_of) if alias_of is not None else None
    if a is None or (site is not None and a.site != site):
        where = f" at site {site}" if site else ""
        raise NotFound(
            "unknown_asset", f"Unknown asset {asset_id!r}{where}.", _asset_names(plant, site)
        )
    return a


def find_equipment(plant: Plant, equipment_id: str) -> C.AssetSpec:
    """By equipment id (or name or alias, for convenience)."""
    try:
        return find_asset(plant, equipment_id)
    except NotFound:
        raise NotFound(
            "unknown_asset",
            f"Unknown equipment id {equipment_id!r}.",
            [a.equipment_id for a in plant.assets],
        ) from None


def asset_summary(a: C.AssetSpec) -> dict:
    return {
        "asset_id": a.name,
        "equipment_id": a.equipment_id,
        "asset_type": a.asset_type,
        "site": a.site,
        "aliases": list(A.asset_aliases(a.name)),
    }


def assets(plant: Plant, site: str, asset_type: str | None = None) -> list[dict]:
    site = find_site(plant, site)
    return [
        asset_summary(a)
        for a in plant.assets
        if a.site == site and (asset_type is None or a.asset_type == asset_type)
    ]


def sensors(plant: Plant, asset: C.AssetSpec) -> list[dict]:
    return [
        {
            "name": f"{asset.name} {k.kind}",
            "kind": k.kind,
            "unit": k.unit,
            "description": k.description,
        }
        for k in C.SENSOR_KINDS[asset.asset_type]
    ]


def asset_info(plant: Plant, a: C.AssetSpec) -> dict:
    unit = "tons" if a.asset_type == "chiller" else "cfm"
    info = {
        **asset_summary(a),
        "manufacturer": a.manufacturer,
        "model": a.model,
        "capacity": a.capacity,
        "capacity_unit": unit,
        "install_date": a.install_date,
        "location": a.location,
        "operating_schedule": "24/7"
        if (a.asset_type == "chiller" and a.always_on)
        else "weekdays 06:00-20:00"
        if a.asset_type == "chiller"
        else "weekdays 06:00-19:00",
        "sensor_count": len(C.SENSOR_KINDS[a.asset_type]),
        "sensors": [s["name"] for s in sensors(plant, a)],
        "telemetry_start": iso(plant.start),
        "telemetry_end": iso(plant.end),
        "cadence_minutes": plant.step_minutes,
    }
    if a.asset_type == "chiller":
        info["chilled_water_setpoint"] = a.setpoint
    return info


def resolve_sensors(plant: Plant, asset: C.AssetSpec, names: list[str] | None) -> list[str]:
    full = [s["name"] for s in sensors(plant, asset)]
    if not names:
        return full
    by_ci = {n.casefold(): n for n in full}
    by_kind = {
        k.kind.casefold(): f"{asset.name} {k.kind}" for k in C.SENSOR_KINDS[asset.asset_type]
    }
    out: list[str] = []
    for n in names:
        key = n.strip().casefold() if isinstance(n, str) else ""
        hit = by_ci.get(key) or by_kind.get(key)
        if hit is None and isinstance(n, str):
            # "<alias> <kind>" ("CH-6 Condenser Water Flow") -> the canonical name
            canon = A.canonical_sensor(n)
            hit = by_ci.get(canon.casefold()) if canon is not None else None
        if hit is None:
            raise NotFound("unknown_sensor", f"Unknown sensor {n!r} for asset {asset.name}.", full)
        if hit not in out:
            out.append(hit)
    return out


# ---- telemetry ---------------------------------------------------------------------
@dataclass
class History:
    times: np.ndarray  # datetime64[m]
    columns: list[str]
    values: np.ndarray  # float64 [rows, columns], NaN = missing
    cadence_minutes: int
    steps: np.ndarray | None = None  # telemetry grid index of each row (raw data only)


AGGREGATION_MINUTES = {"none": C.STEP_MINUTES, "hourly": 60, "daily": 1440}
MAX_RANGE_DAYS = {"none": 92, "hourly": 400, "daily": 4000}


def check_window(
    start: object, end: object, aggregation: str = "none", default_days: float = 1.0
) -> tuple[np.datetime64, np.datetime64]:
    if aggregation not in AGGREGATION_MINUTES:
        raise Invalid(
            f"aggregation must be one of {sorted(AGGREGATION_MINUTES)}",
            "invalid_argument",
            {"field": "aggregation"},
        )
    s = parse_time(start, "start")
    e = (
        (s + np.timedelta64(int(default_days * 1440), "m"))
        if end is None
        else parse_time(end, "final")
    )
    if e <= s:
        raise Invalid(
            f"final ({iso(e)}) must be after start ({iso(s)})",
            "invalid_range",
            {"start": iso(s), "final": iso(e)},
        )
    limit = MAX_RANGE_DAYS[aggregation]
    if (e - s) > np.timedelta64(limit * 1440, "m"):
        raise Invalid(
            f"window of {(e - s) / np.timedelta64(1, 'D'):.1f} days exceeds {limit} days for "
            f"aggregation={aggregation!r}; use a coarser aggregation or a shorter window",
            "range_too_large",
            {"max_days": limit, "aggregation": aggregation},
        )
    return s, e


def history(
    plant: Plant,
    asset: C.AssetSpec,
    start: object,
    end: object = None,
    sensors: list[str] | None = None,
    aggregation: str = "none",
) -> History:
    s, e = check_window(start, end, aggregation)
    cols = resolve_sensors(plant, asset, sensors)
    kinds = [c[len(asset.name) + 1 :] for c in cols]
    idx = [column(asset, k) for k in kinds]
    a, b = max(plant.step_of(s), 0), min(plant.step_of(e), plant.n_steps)
    cadence = AGGREGATION_MINUTES[aggregation]
    if b <= a:
        return History(np.empty(0, "datetime64[m]"), cols, np.empty((0, len(cols))), cadence)
    block = plant.telemetry[asset.equipment_id][a:b, idx].astype(np.float64)
    times = plant.times(a, b)
    if aggregation != "none":
        times, block = _aggregate(times, block, cadence)
    keep = np.isfinite(block).any(axis=1)
    steps = np.arange(a, b)[keep] if aggregation == "none" else None
    return History(times[keep], cols, block[keep], cadence, steps)


def history_timestamps(plant: Plant, h: History, a: int = 0, b: int | None = None) -> list[str]:
    """ISO strings of rows a..b of a History (raw rows use a per-plant cache of
    the grid's strings, the hot path of iot.history)."""
    if h.steps is None:
        return iso_many(h.times[a:b])
    grid = getattr(plant, "_iso_grid", None)
    if grid is None:
        grid = iso_many(plant.times(0, plant.n_steps))
        plant._iso_grid = grid  # type: ignore[attr-defined]
    return [grid[i] for i in h.steps[a:b].tolist()]


def _aggregate(times: np.ndarray, block: np.ndarray, minutes: int) -> tuple[np.ndarray, np.ndarray]:
    bucket = (times.astype(np.int64) // minutes) * minutes
    uniq, inv = np.unique(bucket, return_inverse=True)
    finite = np.isfinite(block)
    sums = np.zeros((uniq.size, block.shape[1]))
    counts = np.zeros((uniq.size, block.shape[1]))
    np.add.at(sums, inv, np.where(finite, block, 0.0))
    np.add.at(counts, inv, finite)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return uniq.astype("datetime64[m]"), means


def series(
    plant: Plant,
    asset: C.AssetSpec,
    sensor: str,
    start: object,
    end: object = None,
    aggregation: str = "none",
) -> tuple[np.ndarray, np.ndarray]:
    h = history(plant, asset, start, end, [sensor], aggregation)
    return h.times, h.values[:, 0]


def site_oat_reference(plant: Plant, asset: C.AssetSpec) -> np.ndarray | None:
    if asset.asset_type != "ahu":
        return None
    others = [
        o
        for o in plant.assets
        if o.asset_type == "ahu" and o.site == asset.site and o.name != asset.name
    ]
    col = column(asset, "Outside Air Temperature")
    stack = np.vstack([plant.telemetry[o.equipment_id][:, col] for o in others]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(stack, axis=0)


def indicator(
    plant: Plant, asset: C.AssetSpec, name: str, start: object = None, end: object = None
) -> tuple[np.ndarray, np.ndarray]:
    if name not in C.INDICATORS or C.INDICATORS[name].asset_type != asset.asset_type:
        valid = [k for k, v in C.INDICATORS.items() if v.asset_type == asset.asset_type]
        raise NotFound("unknown_indicator", f"Unknown indicator {name!r}", valid)
    data = plant.telemetry[asset.equipment_id]
    x = indicator_values(asset, data, name, site_oat_reference(plant, asset))
    if C.INDICATORS[name].running_only:
        x = np.where(running_mask(asset, data), x, np.nan)
    a = 0 if start is None else max(plant.step_of(parse_time(start, "start")), 0)
    b = plant.n_steps if end is None else min(plant.step_of(parse_time(end, "end")), plant.n_steps)
    b = max(a, b)
    return plant.times(a, b), x[a:b]


# ---- failure modes -------------------------------------------------------------------
ASSET_TYPES = ("chiller", "ahu")
_TYPE_ALIASES = {
    "chiller": "chiller",
    "chillers": "chiller",
    "ahu": "ahu",
    "ahus": "ahu",
    "air handling unit": "ahu",
    "air-handling unit": "ahu",
    "air handler": "ahu",
}


def resolve_asset_or_type(plant: Plant, name: str) -> tuple[str, C.AssetSpec | None]:
    key = name.strip().casefold() if isinstance(name, str) else ""
    if key in _TYPE_ALIASES:
        return _TYPE_ALIASES[key], None
    try:
        a = find_asset(plant, name)
    except NotFound:
        raise NotFound(
            "unknown_asset",
            f"Unknown asset or asset type {name!r}.",
            [*ASSET_TYPES, *_asset_names(plant)],
        ) from None
    return a.asset_type, a


def fm_record(fm: C.FailureModeSpec) -> dict:
    return {
        "code": fm.code,
        "name": fm.name,
        "asset_type": fm.asset_type,
        "component": fm.component,
        "failure_code": fm.failure_code,
        "failure_code_description": C.FAILURE_CODES[fm.failure_code],
        "description": fm.description,
    }


def failure_modes(plant: Plant, asset_or_type: str) -> list[dict]:
    atype, _ = resolve_asset_or_type(plant, asset_or_type)
    return [fm_record(f) for f in C.FAILURE_MODES if f.asset_type == atype]


def resolve_failure_modes(
    plant: Plant, asset_type: str, names: list[str] | None
) -> list[C.FailureModeSpec]:
    fms = [f for f in C.FAILURE_MODES if f.asset_type == asset_type]
    if not names:
        return fms
    by = {f.code.casefold(): f for f in fms} | {f.name.casefold(): f for f in fms}
    out: list[C.FailureModeSpec] = []
    for n in names:
        f = by.get(n.strip().casefold()) if isinstance(n, str) else None
        if f is None:
            raise NotFound(
                "unknown_failure_mode",
                f"Unknown failure mode {n!r} for asset type {asset_type}.",
                [x.name for x in fms],
                {"codes": [x.code for x in fms]},
            )
        if f not in out:
            out.append(f)
    return out


def relevance_level(r: float) -> str:
    return "high" if r >= 0.8 else "medium" if r >= 0.5 else "low"


def fm_sensor_relevance(
    plant: Plant,
    asset_or_type: str,
    failure_modes: list[str] | None = None,
    sensors: list[str] | None = None,
) -> list[dict]:
    atype, asset = resolve_asset_or_type(plant, asset_or_type)
    fms = resolve_failure_modes(plant, atype, failure_modes)
    kinds = [k.kind for k in C.SENSOR_KINDS[atype]]
    if sensors:
        if asset is not None:
            wanted = [n[len(asset.name) + 1 :] for n in resolve_sensors(plant, asset, sensors)]
        else:
            ci = {k.casefold(): k for k in kinds}
            wanted = []
            for s in sensors:
                k = ci.get(s.strip().casefold()) if isinstance(s, str) else None
                if k is None:
                    raise NotFound(
                        "unknown_sensor", f"Unknown sensor {s!r} for type {atype}.", kinds
                    )
                wanted.append(k)
    else:
        wanted = kinds
    out: list[dict] = []
    for f in fms:
        for kind, rel in f.relevance:
            if kind in wanted:
                out.append(
                    {
                        "failure_mode": f.code,
                        "failure_mode_name": f.name,
                        "sensor": f"{asset.name} {kind}" if asset is not None else kind,
                        "relevance": rel,
                        "level": relevance_level(rel),
                    }
                )
    return out


def failure_codes(plant: Plant) -> list[dict]:
    return [
        {
            "failure_code": c,
            "description": d,
            "failure_modes": [f.code for f in C.FAILURE_MODES if f.failure_code == c],
        }
        for c, d in C.FAILURE_CODES.items()
    ]


def alert_rules(plant: Plant, equipment_id: str | None = None) -> list[dict]:
    asset = find_equipment(plant, equipment_id) if equipment_id is not None else None
    out = []
    for r in C.ALERT_RULES:
        if asset is not None and r.asset_type != asset.asset_type:
            continue
        ind = C.INDICATORS[r.indicator]
        rec = {
            "rule_id": r.rule_id,
            "name": r.name,
            "asset_type": r.asset_type,
            "indicator": r.indicator,
            "indicator_description": ind.description or ind.plus,
            "sensors": [s for s in (ind.plus, ind.minus, ind.ratio_of) if s],
            "condition": r.condition,
            "threshold": r.threshold,
            "duration_minutes": r.duration_minutes,
            "severity": r.severity,
            "failure_codes": list(r.failure_codes),
            "failure_modes": [
                f.code
                for f in C.FAILURE_MODES
                if f.asset_type == r.asset_type
                and (f.indicator == r.indicator or f.failure_code in r.failure_codes)
            ],
        }
        if asset is not None:
            rec["equipment_id"] = asset.equipment_id
            rec["sensors"] = [f"{asset.name} {s}" for s in rec["sensors"]]
        out.append(rec)
    return out


# ---- records -----------------------------------------------------------------------
def _window(date_from: object, date_to: object) -> tuple[str | None, str | None]:
    """Inclusive ISO string bounds for comparing against record timestamps."""
    lo = iso(parse_time(date_from, "date_from")) if date_from is not None else None
    hi = None
    if date_to is not None:
        t = parse_time(date_to, "date_to")
        if _is_date_only(date_to):
            t = t + np.timedelta64(1440 - 1, "m")
        hi = iso(t)[:16] + ":59"
    if lo and hi and hi < lo:
        raise Invalid(f"date_to ({date_to}) is before date_from ({date_from})", "invalid_range")
    return lo, hi


def episodes(
    plant: Plant,
    asset: str | None = None,
    failure_mode: str | None = None,
    start: object = None,
    end: object = None,
    site: str | None = None,
) -> list[dict]:
    a = find_asset(plant, asset) if asset is not None else None
    s = iso(parse_time(start, "start")) if start is not None else None
    e = iso(parse_time(end, "end")) if end is not None else None
    site = find_site(plant, site) if site is not None else None
    out = []
    for ep in plant.episodes:
        if a is not None and ep["asset"] != a.name:
            continue
        if site is not None and ep["site"] != site:
            continue
        if failure_mode and failure_mode.casefold() not in (
            ep["failure_mode"].casefold(),
            ep["failure_mode_name"].casefold(),
        ):
            continue
        if s is not None and ep["end"] <= s:
            continue
        if e is not None and ep["start"] >= e:
            continue
        out.append(ep)
    return out


def signature_check(plant: Plant, episode: dict, z_min: float = 2.0) -> dict:
    """Does the episode show in its failure mode's indicator?

    baseline = the 7 days before the start; late = from full severity to the
    end. up/down: (mean_late - mean_base) / max(std_base, min_change) beyond
    +-z_min (binary status indicators: divided by min_change only);
    oscillation: std_late >= 2 * max(std_base, min_change / 2);
    stuck: std_late <= 5 % of std_base."""
    asset = find_asset(plant, episode["asset"])
    ind = C.INDICATORS[episode["indicator"]]
    start = parse_time(episode["start"])
    base_t, base = indicator(plant, asset, ind.name, start - np.timedelta64(7 * 1440, "m"), start)
    late_t, late = indicator(plant, asset, ind.name, episode["full_severity_from"], episode["end"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mb, sb = float(np.nanmean(base)), float(np.nanstd(base))
        ml, sl = float(np.nanmean(late)), float(np.nanstd(late))
    scale = max(sb, ind.min_change) if ind.baseline else ind.min_change
    z = (ml - mb) / scale
    sig = episode["signature"]
    if sig == "up":
        ok = z >= z_min
    elif sig == "down":
        ok = z <= -z_min
    elif sig == "oscillation":
        ok = sl >= 2 * max(sb, ind.min_change / 2)
    else:
        ok = sl <= 0.05 * max(sb, 1e-9)
    return {
        "episode_id": episode["episode_id"],
        "indicator": ind.name,
        "signature": sig,
        "baseline_mean": mb,
        "baseline_std": sb,
        "late_mean": ml,
        "late_std": sl,
        "z": z,
        "base_points": int(np.isfinite(base).sum()),
        "late_points": int(np.isfinite(late).sum()),
        "detected": bool(ok and np.isfinite(base).sum() >= 8 and np.isfinite(late).sum() >= 4),
    }


EVENT_TYPES = ("alert", "anomaly", "workorder")


def events(
    plant: Plant,
    equipment_id: str,
    start: object = None,
    end: object = None,
    event_type: str | None = None,
) -> list[dict]:
    a = find_equipment(plant, equipment_id)
    if event_type is not None and event_type not in EVENT_TYPES:
        raise Invalid(f"event_type must be one of {list(EVENT_TYPES)}", "invalid_argument")
    lo, hi = _window(start, end)
    return [
        e
        for e in plant.events_by_equipment.get(a.equipment_id, [])
        if (event_type is None or e["event_type"] == event_type)
        and (lo is None or e["timestamp"] >= lo)
        and (hi is None or e["timestamp"] <= hi)
    ]


def alerts(plant: Plant, equipment_id: str, start: object = None, end: object = None) -> list[dict]:
    return events(plant, equipment_id, start, end, "alert")


def anomaly_events(
    plant: Plant, equipment_id: str, start: object = None, end: object = None
) -> list[dict]:
    return events(plant, equipment_id, start, end, "anomaly")


WO_STATUSES = ("WAPPR", "APPR", "INPRG", "COMP", "CLOSE", "CAN")


def workorders(
    plant: Plant,
    site: str | None = None,
    asset_num: str | None = None,
    status: str | None = None,
    priority: int | None = None,
    work_type: str | None = None,
    failure_code: str | None = None,
    date_from: object = None,
    date_to: object = None,
) -> list[dict]:
    site = find_site(plant, site) if site is not None else None
    eq = find_equipment(plant, asset_num).equipment_id if asset_num is not None else None
    st = status.strip().upper() if status is not None else None
    if st is not None and st not in WO_STATUSES:
        raise Invalid(
            f"status must be one of {list(WO_STATUSES)}",
            "invalid_argument",
            {"valid": list(WO_STATUSES)},
        )
    fc = failure_code.strip().upper() if failure_code is not None else None
    if fc is not None and fc not in C.FAILURE_CODES:
        raise NotFound(
            "unknown_failure_code",
            f"Unknown failure code {failure_code!r}.",
            sorted(C.FAILURE_CODES),
        )
    wt = work_type.strip().upper() if work_type is not None else None
    lo, hi = _window(date_from, date_to)
    return [
        w
        for w in plant.workorders
        if (site is None or w["site_id"] == site)
        and (eq is None or w["asset_num"] == eq)
        and (st is None or w["status"] == st)
        and (priority is None or w["priority"] == priority)
        and (wt is None or w["work_type"] == wt)
        and (fc is None or w["failure_code"] == fc)
        and (lo is None or w["reported_date"] >= lo)
        and (hi is None or w["reported_date"] <= hi)
    ]


def workorder(plant: Plant, wonum: str) -> dict:
    key = wonum.strip().upper() if isinstance(wonum, str) else ""
    w = plant.workorder_by_num.get(key)
    if w is None:
        first, last = plant.workorders[0]["wonum"], plant.workorders[-1]["wonum"]
        raise NotFound(
            "unknown_workorder",
            f"Unknown work order {wonum!r}; numbers run {first}..{last}.",
            None,
            {"first": first, "last": last},
        )
    return w


def _hours(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)) / timedelta(hours=1)


def workorder_kpis(
    plant: Plant,
    site: str,
    asset_num: str | None = None,
    date_from: object = None,
    date_to: object = None,
) -> dict:
    """KPIs over work orders reported in the window (not cancelled unless counted):
    total, by status / type / priority, pm_ratio = PM / (PM + CM),
    mttr_hours = mean(actual_finish - actual_start) of finished CMs,
    mean_response_hours = mean(actual_start - reported_date) of started CMs,
    pm_on_time_rate = finished PMs started within 48 h of target_start / finished PMs,
    backlog = open (WAPPR/APPR/INPRG), costs = sums over finished work orders,
    mtbf_days = observed days / CM count per asset (window clipped to the WO history)."""
    rows = workorders(plant, site=site, asset_num=asset_num, date_from=date_from, date_to=date_to)
    live = [w for w in rows if w["status"] != "CAN"]
    cm = [w for w in live if w["work_type"] == "CM"]
    pm = [w for w in live if w["work_type"] == "PM"]
    done_cm = [w for w in cm if w["actual_finish"]]
    started_cm = [w for w in cm if w["actual_start"]]
    done_pm = [w for w in pm if w["actual_finish"]]
    on_time = [w for w in done_pm if _hours(w["target_start"], w["actual_start"]) <= 48]
    by_status: dict[str, int] = {}
    for w in rows:
        by_status[w["status"]] = by_status.get(w["status"], 0) + 1
    by_priority: dict[str, int] = {}
    for w in live:
        by_priority[str(w["priority"])] = by_priority.get(str(w["priority"]), 0) + 1
    lo = parse_time(date_from, "date_from") if date_from else np.datetime64(C.WORKORDER_START, "m")
    hi = parse_time(date_to, "date_to") if date_to else np.datetime64(C.NOW, "m")
    lo = max(lo, np.datetime64(C.WORKORDER_START, "m"))
    hi = min(hi, np.datetime64(C.NOW, "m"))
    days = max(float((hi - lo) / np.timedelta64(1, "D")), 0.0)
    n_assets = (
        1
        if asset_num is not None
        else sum(1 for a in plant.assets if a.site == find_site(plant, site))
    )

    def mean(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 2) if xs else None

    return {
        "total": len(rows),
        "cancelled": by_status.get("CAN", 0),
        "by_status": dict(sorted(by_status.items())),
        "by_priority": dict(sorted(by_priority.items())),
        "corrective": len(cm),
        "preventive": len(pm),
        "pm_ratio": round(len(pm) / (len(pm) + len(cm)), 4) if (pm or cm) else None,
        "backlog": sum(1 for w in live if w["status"] in ("WAPPR", "APPR", "INPRG")),
        "mttr_hours": mean([_hours(w["actual_start"], w["actual_finish"]) for w in done_cm]),
        "mean_response_hours": mean(
            [_hours(w["reported_date"], w["actual_start"]) for w in started_cm]
        ),
        "pm_on_time_rate": round(len(on_time) / len(done_pm), 4) if done_pm else None,
        "mtbf_days": round(days * n_assets / len(cm), 2) if cm else None,
        "labor_hours": round(sum(w["labor_hours"] for w in live), 1),
        "labor_cost": round(sum(w["labor_cost"] for w in live), 2),
        "material_cost": round(sum(w["material_cost"] for w in live), 2),
        "total_cost": round(sum(w["total_cost"] for w in live), 2),
    }


def last_months_window(plant: Plant, months: int) -> tuple[str, str]:
    """(date_from, date_to) of the last ``months`` calendar months before
    "now", as upstream's ``period_months``: from the same day ``months`` months
    earlier up to (excluding) now."""
    now = plant.now
    y, m = divmod(now.month - 1 - months, 12)
    start = now.replace(year=now.year + y, month=m + 1, day=min(now.day, 28))
    return iso(start), iso(now - timedelta(minutes=1))


def failure_code_distribution(
    plant: Plant,
    site: str | None = None,
    asset_num: str | None = None,
    date_from: object = None,
    date_to: object = None,
) -> list[dict]:
    rows = workorders(
        plant, site=site, asset_num=asset_num, work_type="CM", date_from=date_from, date_to=date_to
    )
    counts: dict[str, int] = {}
    for w in rows:
        if w["status"] != "CAN" and w["failure_code"]:
            counts[w["failure_code"]] = counts.get(w["failure_code"], 0) + 1
    return [
        {"failure_code": c, "description": C.FAILURE_CODES[c], "count": n}
        for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def current_date_time(plant: Plant) -> dict:
    now = plant.now
    return {
        "current_date_time": iso(now),
        "timezone": "plant local time (naive ISO 8601)",
        "weekday": now.strftime("%A"),
        "description": now.strftime("%A, %B %-d, %Y %H:%M"),
    }


# ---- analytics -----------------------------------------------------------------------
FIT_WINDOW = 2880  # parameters are chosen on at most this many trailing points
_GRID = [(a, b, g) for a in (0.05, 0.2, 0.5) for b in (0.0, 0.01) for g in (0.05, 0.2)]
PHI = 0.98  # trend damping


def season_length(cadence_minutes: int) -> int:
    return {15: 96, 60: 24, 1440: 7}.get(cadence_minutes, max(1, 1440 // max(cadence_minutes, 1)))


@dataclass
class HWFit:
    alpha: float
    beta: float
    gamma: float
    season: int
    level: float
    trend: float
    seasonal: list[float]  # indexed by position modulo season, aligned to len(values)
    sse: float
    sigma: float
    predictions: np.ndarray  # one-step-ahead predictions for every input point
    n: int


def _hw_init(y: list[float], m: int) -> tuple[float, float, list[float]]:
    first = [v for v in y[:m] if v == v]
    level = sum(first) / len(first) if first else 0.0
    second = [v for v in y[m : 2 * m] if v == v]
    trend = ((sum(second) / len(second)) - level) / m if second and first else 0.0
    seasonal = [(v - level) if v == v else 0.0 for v in y[:m]]
    seasonal += [0.0] * (m - len(seasonal))
    return level, trend, seasonal


def _hw_run(
    y: list[float], m: int, a: float, b: float, g: float
) -> tuple[float, float, list[float], float, int, list[float]]:
    level, trend, seasonal = _hw_init(y, m)
    seasonal = seasonal[:]
    sse, count = 0.0, 0
    preds: list[float] = []
    for t, v in enumerate(y):
        i = t % m
        s = seasonal[i]
        pred = level + PHI * trend + s
        preds.append(pred)
        if v != v:  # missing: carry the model forward on its own prediction
            new_level = level + PHI * trend
            trend = PHI * trend
            level = new_level
            continue
        if t >= m:
            err = v - pred
            sse += err * err
            count += 1
        new_level = a * (v - s) + (1 - a) * (level + PHI * trend)
        trend = b * (new_level - level) + (1 - b) * PHI * trend
        seasonal[i] = g * (v - new_level) + (1 - g) * s
        level = new_level
    return level, trend, seasonal, sse, count, preds


def holt_winters_fit(values: np.ndarray, season: int) -> HWFit:
    y_all = [float(v) for v in np.asarray(values, dtype=np.float64)]
    finite = sum(1 for v in y_all if v == v)
    if finite < 3:
        raise Invalid(
            "need at least 3 non-missing points to fit a model",
            "insufficient_data",
            {"points": finite},
        )
    m = season if len(y_all) >= 2 * season else 1
    fit_y = y_all[-FIT_WINDOW:]
    best = None
    for a, b, g in _GRID:
        *_rest, sse, count, _p = _hw_run(fit_y, m, a, b, g)
        score = sse / max(count, 1)
        if best is None or score < best[0] - 1e-12:
            best = (score, a, b, g)
    assert best is not None
    _, a, b, g = best
    level, trend, seasonal, sse, count, preds = _hw_run(y_all, m, a, b, g)
    sigma = math.sqrt(sse / count) if count else 0.0
    return HWFit(a, b, g, m, level, trend, seasonal, sse, sigma, np.array(preds), len(y_all))


@dataclass
class Forecast:
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    params: dict


MODELS = tuple(str(m["model_id"]) for m in C.TSFM_MODELS)


def forecast(
    values: np.ndarray, horizon: int, season: int, model: str = "holt_winters_additive"
) -> Forecast:
    if horizon < 1:
        raise Invalid("forecast_horizon must be >= 1")
    if model not in MODELS:
        raise NotFound("unknown_model", f"Unknown model {model!r}.", list(MODELS))
    y = np.asarray(values, dtype=np.float64)
    n = y.size
    if model == "seasonal_naive":
        m = season if n >= season else 1
        last = y[-m:]
        if not np.isfinite(last).any():
            raise Invalid("the last season has no data", "insufficient_data")
        fill = np.where(np.isfinite(last), last, np.nanmean(last))
        mean = np.array([fill[(h % m)] for h in range(horizon)])
        resid = y[m:] - y[:-m] if n > m else np.array([0.0])
        sigma = float(np.nanstd(resid)) if np.isfinite(resid).any() else 0.0
        k = np.sqrt(np.floor(np.arange(horizon) / m) + 1)
        return Forecast(
            mean,
            mean - 1.96 * sigma * k,
            mean + 1.96 * sigma * k,
            {"model": model, "season": m, "sigma": sigma},
        )
    fit = holt_winters_fit(y, season)
    m = fit.season
    hs = np.arange(1, horizon + 1)
    damp = np.cumsum(PHI**hs)
    seas = np.array([fit.seasonal[(n + h - 1) % m] for h in hs])
    mean = fit.level + damp * fit.trend + seas
    width = 1.96 * fit.sigma * np.sqrt(1 + (hs - 1) * fit.alpha**2)
    return Forecast(
        mean,
        mean - width,
        mean + width,
        {
            "model": model,
            "alpha": fit.alpha,
            "beta": fit.beta,
            "gamma": fit.gamma,
            "phi": PHI,
            "season": m,
            "sigma": fit.sigma,
        },
    )


@dataclass
class Detection:
    scores: np.ndarray  # robust z of residuals (NaN where undefined)
    threshold: float
    flags: np.ndarray  # bool
    windows: list[dict]  # {start_index, end_index, points, max_score, peak_index}
    params: dict


def detect_anomalies(
    values: np.ndarray, season: int, false_alarm: float = 0.01, method: str = "conformal_residual"
) -> Detection:
    if not 0 < false_alarm < 0.5:
        raise Invalid("false_alarm must be in (0, 0.5)")
    if method not in C.AD_MODELS:
        raise NotFound("unknown_model", f"Unknown anomaly model {method!r}.", list(C.AD_MODELS))
    y = np.asarray(values, dtype=np.float64)
    fit = holt_winters_fit(y, season)
    resid = y - fit.predictions
    resid[: fit.season] = np.nan  # the first season only initialises the model
    ok = np.isfinite(resid)
    if ok.sum() < 10:
        raise Invalid(
            "need at least 10 residuals (more data than one season)",
            "insufficient_data",
            {"points": int(ok.sum())},
        )
    med = float(np.median(resid[ok]))
    mad = float(np.median(np.abs(resid[ok] - med)))
    scale = 1.4826 * mad if mad > 0 else (float(np.std(resid[ok])) or 1.0)
    scores = np.abs(resid - med) / scale
    if method == "robust_zscore":
        threshold = NormalDist().inv_cdf(1 - false_alarm / 2)
    else:
        valid_idx = np.flatnonzero(ok)
        cal = np.sort(scores[valid_idx[: max(valid_idx.size // 2, 1)]])
        rank = math.ceil((cal.size + 1) * (1 - false_alarm))
        threshold = float(cal[rank - 1]) if rank <= cal.size else float(cal[-1]) * 1.5
    flags = ok & (scores > threshold)
    windows: list[dict] = []
    idx = np.flatnonzero(flags)
    if idx.size:
        groups = np.split(idx, np.flatnonzero(np.diff(idx) > 2) + 1)
        for gidx in groups:
            peak = int(gidx[np.argmax(scores[gidx])])
            windows.append(
                {
                    "start_index": int(gidx[0]),
                    "end_index": int(gidx[-1]),
                    "points": int(gidx.size),
                    "max_score": float(scores[peak]),
                    "peak_index": peak,
                }
            )
    return Detection(
        scores,
        threshold,
        flags,
        windows,
        {
            "model": method,
            "alpha": fit.alpha,
            "beta": fit.beta,
            "gamma": fit.gamma,
            "season": fit.season,
            "residual_median": med,
            "residual_scale": scale,
        },
    )


def regular_grid(
    times: np.ndarray, values: np.ndarray, cadence_minutes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Re-insert dropped (all-missing) rows as NaN so the series has a fixed
    cadence from its first to its last timestamp; the TSFM functions need it."""
    if times.size == 0:
        return times, values
    step = np.timedelta64(cadence_minutes, "m")
    n = int((times[-1] - times[0]) // step) + 1
    grid = times[0] + step * np.arange(n)
    out = np.full((n,) + values.shape[1:], np.nan)
    out[((times - times[0]) // step).astype(np.int64)] = values
    return grid, out


def forecast_series(
    plant: Plant,
    asset: C.AssetSpec,
    sensor: str,
    start: object,
    end: object,
    horizon: int,
    aggregation: str = "none",
    model: str = "holt_winters_additive",
) -> tuple[np.ndarray, Forecast]:
    """Forecast exactly as tsfm.run_tsfm_forecasting does on an iot.history dataset
    (before the tool rounds to 3 decimals). Returns (forecast timestamps, Forecast)."""
    times, values = series(plant, asset, sensor, start, end, aggregation)
    if times.size == 0:
        raise Invalid("no data in the window", "insufficient_data")
    cadence = AGGREGATION_MINUTES[aggregation]
    times, values = regular_grid(times, values, cadence)
    fc = forecast(values, horizon, season_length(cadence), model)
    step = np.timedelta64(cadence, "m")
    return times[-1] + step * np.arange(1, horizon + 1), fc


def detect_series(
    plant: Plant,
    asset: C.AssetSpec,
    sensor: str,
    start: object,
    end: object,
    aggregation: str = "none",
    false_alarm: float = 0.01,
    method: str = "conformal_residual",
) -> tuple[np.ndarray, np.ndarray, Detection]:
    """Anomaly detection exactly as tsfm.run_tsad does on an iot.history dataset.
    Returns (times on the regular grid, values, Detection)."""
    times, values = series(plant, asset, sensor, start, end, aggregation)
    if times.size == 0:
        raise Invalid("no data in the window", "insufficient_data")
    cadence = AGGREGATION_MINUTES[aggregation]
    times, values = regular_grid(times, values, cadence)
    return times, values, detect_anomalies(values, season_length(cadence), false_alarm, method)

"""Insufficient and conflicting evidence (issue 17): pure queries over the
plant's ``data_quality`` and ``evidence_conflicts`` records and over the
telemetry itself, for the tools (what ``iot.history`` reports about missing
data) and for scenario kinds (ground truth).

``services.assetdata.situations`` (called by the generator)
injects the situations and records them; docs/plant.md
describes each kind. Times are ISO strings, windows half-open ``[start, end)``;
a record matches a window when the two overlap.

Records
- ``data_quality(plant, asset=None, kind=None, sensor=None, start=None,
  end=None, clean=None, origin=None)`` -> ``data_quality`` records (kinds
  ``gap``, ``stuck``, ``drift``, ``delayed``, ``missing``): ``id, kind, asset,
  equipment_id, site, asset_type, sensor (full name, None = every sensor of
  the asset), sensors, start, end, alerts, anomalies (event ids in the window,
  6 h either side), details, explanation, clean``; ``clean`` = no fault
  episode within 2 days and no other record within a day. ``sensor`` filters on the sensors a
  record affects (an asset-wide gap affects every sensor).
- ``evidence_conflicts(plant, asset=None, kind=None, subkind=None,
  start=None, end=None, clean=None, workorder=None, episode=None)`` ->
  ``evidence_conflicts`` records (kinds ``explained_anomaly`` with subkinds
  ``calibration`` / ``sensor_replaced`` / ``planned_shutdown`` /
  ``filter_replaced``, ``alert_without_telemetry`` (``false_alarm``),
  ``closed_but_persisting`` (``reopened`` / ``unresolved``)): the same keys
  plus ``subkind, workorders, episode_id, explanation``.
- ``record(plant, record_id)`` -> one record of either list (``DQ-0001``,
  ``EC-0001``).
- ``affecting(plant, asset, start, end, sensors=None, kinds=None)`` ->
  the data-quality records that touch the window and any of the sensors.
- ``clean_window(plant, asset, start, end, sensors=None, margin_hours=24)``
  -> True when no data-quality record, evidence conflict or fault episode of
  the asset lies within ``margin_hours`` of the window and every requested
  sensor has a reading at every step of it.

Telemetry facts (computed from the readings, whatever their cause)
- ``coverage(plant, asset, start, end, sensors=None, aggregation="none")``
  -> ``{expected, observed: {sensor: n}, missing: {sensor: n},
  longest_gap_steps: {sensor: n}, available_until: {sensor: iso}}``.
- ``data_available_until(plant, asset, sensor=None)`` -> the end (exclusive)
  of the asset's (or one sensor's) latest reading.
- ``stuck_runs(plant, asset, sensor, start, end, min_steps=16)`` -> runs of
  one repeated reading (sensors with measurement noise only; exact zeros,
  i.e. a stopped asset, are not runs): ``[{start, end, steps, value}]``.
- ``history_quality(plant, asset, start, end, columns, aggregation)`` ->
  the keys ``iot.history`` adds: ``expected_observations``,
  ``missing_observations`` and, when a sensor's data ends before the
  window does, ``data_available_until``; ``empty_history_message`` words the
  ``message`` of a window without readings.
"""

from __future__ import annotations

import numpy as np

from services.assetdata import catalog as C
from services.assetdata import library as L
from services.assetdata.indicators import column
from services.assetdata.plant import Plant

DQ_KINDS = ("gap", "stuck", "drift", "delayed", "missing")
EC_KINDS = ("explained_anomaly", "alert_without_telemetry", "closed_but_persisting")
EC_SUBKINDS = {
    "explained_anomaly": ("calibration", "sensor_replaced", "planned_shutdown", "filter_replaced"),
    "alert_without_telemetry": ("false_alarm",),
    "closed_but_persisting": ("reopened", "unresolved"),
}


# ---- helpers ----------------------------------------------------------------------
def _bounds(start: object, end: object) -> tuple[str | None, str | None]:
    s = L.iso(L.parse_time(start, "start")) if start is not None else None
    e = L.iso(L.parse_time(end, "end")) if end is not None else None
    return s, e


def _overlaps(r: dict, s: str | None, e: str | None) -> bool:
    return (s is None or r["end"] > s) and (e is None or r["start"] < e)


def _sensor_names(plant: Plant, asset: C.AssetSpec, sensors: object) -> list[str] | None:
    if sensors is None:
        return None
    names = [sensors] if isinstance(sensors, str) else list(sensors)  # type: ignore[arg-type]
    return L.resolve_sensors(plant, asset, names)


def _touches(r: dict, names: list[str] | None) -> bool:
    return names is None or r["sensor"] is None or any(n in r["sensors"] for n in names)


# ---- records ----------------------------------------------------------------------
def data_quality(
    plant: Plant,
    asset: str | None = None,
    kind: str | None = None,
    sensor: str | list[str] | None = None,
    start: object = None,
    end: object = None,
    clean: bool | None = None,
    origin: str | None = None,
) -> list[dict]:
    a = L.find_asset(plant, asset) if asset is not None else None
    if kind is not None and kind not in DQ_KINDS:
        raise L.Invalid(f"kind must be one of {list(DQ_KINDS)}")
    names = _sensor_names(plant, a, sensor) if a is not None else None
    if sensor is not None and a is None:
        raise L.Invalid("sensor needs asset")
    s, e = _bounds(start, end)
    return [
        r
        for r in plant.data_quality
        if (a is None or r["asset"] == a.name)
        and (kind is None or r["kind"] == kind)
        and (clean is None or r["clean"] == clean)
        and (origin is None or r["details"].get("origin") == origin)
        and _touches(r, names)
        and _overlaps(r, s, e)
    ]


def evidence_conflicts(
    plant: Plant,
    asset: str | None = None,
    kind: str | None = None,
    subkind: str | None = None,
    start: object = None,
    end: object = None,
    clean: bool | None = None,
    workorder: str | None = None,
    episode: str | None = None,
) -> list[dict]:
    a = L.find_asset(plant, asset) if asset is not None else None
    if kind is not None and kind not in EC_KINDS:
        raise L.Invalid(f"kind must be one of {list(EC_KINDS)}")
    s, e = _bounds(start, end)
    return [
        r
        for r in plant.evidence_conflicts
        if (a is None or r["asset"] == a.name)
        and (kind is None or r["kind"] == kind)
        and (subkind is None or r["subkind"] == subkind)
        and (clean is None or r["clean"] == clean)
        and (workorder is None or workorder in r["workorders"])
        and (episode is None or r["episode_id"] == episode)
        and _overlaps(r, s, e)
    ]


def record(plant: Plant, record_id: str) -> dict:
    for r in (*plant.data_quality, *plant.evidence_conflicts):
        if r["id"] == record_id:
            return r
    raise L.NotFound("unknown_record", f"Unknown evidence record {record_id!r}.")


def affecting(
    plant: Plant,
    asset: str,
    start: object,
    end: object,
    sensors: str | list[str] | None = None,
    kinds: tuple[str, ...] | list[str] | None = None,
) -> list[dict]:
    """Data-quality records touching the window and any of the sensors."""
    rows = data_quality(plant, asset, sensor=sensors, start=start, end=end)
    return [r for r in rows if kinds is None or r["kind"] in kinds]


def clean_window(
    plant: Plant,
    asset: str,
    start: object,
    end: object,
    sensors: str | list[str] | None = None,
    margin_hours: float = 24.0,
) -> bool:
    a = L.find_asset(plant, asset)
    s, e = L.parse_time(start, "start"), L.parse_time(end, "end")
    pad = np.timedelta64(int(margin_hours * 60), "m")
    lo, hi = s - pad, e + pad
    if data_quality(plant, a.name, start=lo, end=hi):
        return False
    if evidence_conflicts(plant, a.name, start=lo, end=hi):
        return False
    if L.episodes(plant, asset=a.name, start=lo, end=hi):
        return False
    cov = coverage(plant, a.name, s, e, sensors)
    return cov["expected"] > 0 and not any(cov["missing"].values())


# ---- telemetry facts --------------------------------------------------------------
def _last_steps(plant: Plant, equipment_id: str) -> np.ndarray:
    """Per column, the index of the last step with a reading (-1: none)."""
    memo = plant.__dict__.setdefault("_last_reading_steps", {})
    if equipment_id not in memo:
        fin = np.isfinite(plant.telemetry[equipment_id])
        n = fin.shape[0]
        last = n - 1 - np.argmax(fin[::-1], axis=0)
        memo[equipment_id] = np.where(fin.any(axis=0), last, -1)
    return memo[equipment_id]


def _columns(plant: Plant, asset: C.AssetSpec, sensors: object) -> tuple[list[str], list[int]]:
    names = _sensor_names(plant, asset, sensors) or L.resolve_sensors(plant, asset, None)
    idx = [column(asset, n[len(asset.name) + 1 :]) for n in names]
    return names, idx


def data_available_until(plant: Plant, asset: str, sensor: str | None = None) -> str:
    a = L.find_asset(plant, asset)
    last = _last_steps(plant, a.equipment_id)
    if sensor is not None:
        _, idx = _columns(plant, a, sensor)
        step = int(last[idx[0]])
    else:
        step = int(last.max())
    return L.iso(plant.times(step + 1, step + 2)[0]) if step >= 0 else L.iso(plant.start)


def _grid(plant: Plant, s: np.datetime64, e: np.datetime64) -> tuple[int, int]:
    return max(plant.step_of(s), 0), min(plant.step_of(e), plant.n_steps)


def _bucket_starts(plant: Plant, a: int, b: int, minutes: int) -> np.ndarray:
    """Offsets (from a) where a new aggregation bucket begins."""
    t = plant.times(a, b).astype(np.int64) // minutes
    return np.flatnonzero(np.concatenate(([True], t[1:] != t[:-1])))


def _present(
    plant: Plant, asset: C.AssetSpec, a: int, b: int, idx: list[int], agg: str
) -> tuple[int, np.ndarray]:
    """(expected rows, rows with a reading per column) for the window."""
    fin = np.isfinite(plant.telemetry[asset.equipment_id][a:b, idx])
    minutes = L.AGGREGATION_MINUTES[agg]
    if agg == "none" or minutes == plant.step_minutes:
        return b - a, fin.sum(axis=0)
    starts = _bucket_starts(plant, a, b, minutes)
    per_bucket = np.add.reduceat(fin.astype(np.int32), starts, axis=0)
    return starts.size, (per_bucket > 0).sum(axis=0)


def coverage(
    plant: Plant,
    asset: str,
    start: object,
    end: object,
    sensors: str | list[str] | None = None,
    aggregation: str = "none",
) -> dict:
    a = L.find_asset(plant, asset)
    s, e = L.parse_time(start, "start"), L.parse_time(end, "end")
    names, idx = _columns(plant, a, sensors)
    lo, hi = _grid(plant, s, e)
    last = _last_steps(plant, a.equipment_id)
    until = {
        n: L.iso(plant.start + np.timedelta64(int(last[j] + 1) * plant.step_minutes, "m"))
        for n, j in zip(names, idx, strict=True)
    }
    if hi <= lo:
        zero = {n: 0 for n in names}
        return {
            "expected": 0,
            "observed": zero,
            "missing": dict(zero),
            "longest_gap_steps": dict(zero),
            "available_until": until,
        }
    expected, present = _present(plant, a, lo, hi, idx, aggregation)
    fin = np.isfinite(plant.telemetry[a.equipment_id][lo:hi, idx])
    longest = {}
    for k, n in enumerate(names):
        d = np.diff(np.concatenate(([0], (~fin[:, k]).astype(np.int8), [0])))
        runs = np.flatnonzero(d == -1) - np.flatnonzero(d == 1)
        longest[n] = int(runs.max()) if runs.size else 0
    return {
        "expected": int(expected),
        "observed": {n: int(present[k]) for k, n in enumerate(names)},
        "missing": {n: int(expected - present[k]) for k, n in enumerate(names)},
        "longest_gap_steps": longest,
        "available_until": until,
    }


def stuck_runs(
    plant: Plant,
    asset: str,
    sensor: str,
    start: object,
    end: object,
    min_steps: int = 16,
) -> list[dict]:
    a = L.find_asset(plant, asset)
    names, idx = _columns(plant, a, sensor)
    kind = C.SENSOR_KINDS[a.asset_type][idx[0]]
    if kind.noise <= 0:
        return []  # setpoints and status flags repeat by design
    s, e = L.parse_time(start, "start"), L.parse_time(end, "end")
    lo, hi = _grid(plant, s, e)
    x = plant.telemetry[a.equipment_id][lo:hi, idx[0]].astype(np.float64)
    ok = np.flatnonzero(np.isfinite(x))
    out: list[dict] = []
    if ok.size < min_steps:
        return out
    v = x[ok]
    brk = np.flatnonzero(v[1:] != v[:-1]) + 1
    starts = np.concatenate(([0], brk))
    ends = np.concatenate((brk, [v.size]))
    for i, j in zip(starts.tolist(), ends.tolist(), strict=True):
        if j - i >= min_steps and v[i] != 0.0:
            first, last = int(ok[i]) + lo, int(ok[j - 1]) + lo
            out.append(
                {
                    "start": L.iso(plant.times(first, first + 1)[0]),
                    "end": L.iso(plant.times(last + 1, last + 2)[0]),
                    "steps": j - i,
                    "value": round(float(v[i]), 4),
                }
            )
    return out


def history_quality(
    plant: Plant,
    asset: C.AssetSpec,
    start: np.datetime64,
    end: np.datetime64,
    columns: list[str],
    aggregation: str,
) -> dict:
    """What ``iot.history`` reports beside the rows: ``expected_observations``
    (rows a complete window has at this cadence), ``missing_observations``
    (per sensor, rows without a reading; a row missing for every requested
    sensor is not listed) and, only when a sensor's data ends before the
    window does, ``data_available_until`` (per such sensor, the end of its
    latest reading)."""
    idx = [column(asset, c[len(asset.name) + 1 :]) for c in columns]
    lo, hi = _grid(plant, start, end)
    out: dict = {"expected_observations": 0, "missing_observations": {c: 0 for c in columns}}
    if hi > lo:
        expected, present = _present(plant, asset, lo, hi, idx, aggregation)
        out["expected_observations"] = int(expected)
        out["missing_observations"] = {c: int(expected - present[k]) for k, c in enumerate(columns)}
    last = _last_steps(plant, asset.equipment_id)
    limit = min(plant.step_of(end), plant.n_steps)
    late = {
        c: L.iso(plant.start + np.timedelta64(int(last[j] + 1) * plant.step_minutes, "m"))
        for c, j in zip(columns, idx, strict=True)
        if last[j] + 1 < limit
    }
    if late and hi > lo:
        out["data_available_until"] = late
    return out


def empty_history_message(
    plant: Plant, asset: C.AssetSpec, start: np.datetime64, end: np.datetime64, quality: dict
) -> str:
    if quality["expected_observations"] == 0:
        return (
            f"No telemetry in this window; telemetry covers {L.iso(plant.start)} "
            f"to {L.iso(plant.end)} (exclusive)."
        )
    msg = (
        f"No readings for the requested sensors of {asset.name} in this window "
        f"({quality['expected_observations']} rows expected)."
    )
    late = quality.get("data_available_until")
    if late:
        until = min(late.values())
        msg += f" Data is not available after {until} (see data_available_until)."
    return msg

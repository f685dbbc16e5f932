"""Readers for tool responses (the shapes of ``services.assetdata.tools``,
documented in docs/tools.md). Used only by the oracle's ``compose`` step,
so every oracle answer is derived from what the service actually returned."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

Resp = dict[str, Any]


def plus_minutes(ts: str, minutes: int) -> str:
    return (datetime.fromisoformat(ts) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def ref_value(resp: Resp, field: str) -> Any:
    return resp.get(field)


def is_degraded(resp: Any) -> bool:
    """A response worth retrying: flagged with a warning, or emptied (every
    list/mapping at the top level empty, counts zero) as the injected
    'empty' fault does. A legitimately empty answer survives the retries."""
    if not isinstance(resp, dict):
        return True
    if resp.get("warning") or resp.get("warnings") or resp.get("injected_fault"):
        return True
    containers = [v for v in resp.values() if isinstance(v, list | dict)]
    return bool(containers) and all(len(v) == 0 for v in containers)


# ---- iot -----------------------------------------------------------------------
def assets(resp: Resp) -> list[dict[str, Any]]:
    return [
        {"name": a["asset_id"], "equipment_id": a["equipment_id"], "asset_type": a["asset_type"]}
        for a in resp["assets"]
    ]


def sensor_names(resp: Resp) -> list[str]:
    return [s["name"] for s in resp["sensors"]]


def asset_record(resp: Resp) -> Resp:
    return resp


def series(resp: Resp, sensor: str) -> list[tuple[str, float]]:
    """(timestamp, value) of one column of an iot.history page, gaps skipped."""
    col = next((c for c in resp["sensors"] if c.casefold() == sensor.casefold()), sensor)
    return [
        (row["timestamp"], float(row[col]))
        for row in resp["observations"]
        if row.get(col) is not None
    ]


# ---- fmsr ----------------------------------------------------------------------
def failure_modes(resp: Resp) -> list[dict[str, Any]]:
    return list(resp["failure_modes"])


def modes_for_sensor(resp: Resp, sensor: str) -> list[str]:
    rows = resp["sensor_to_fms"].get(sensor) or next(
        (v for k, v in resp["sensor_to_fms"].items() if k.casefold() == sensor.casefold()), []
    )
    return [r["failure_mode"] for r in rows]


def sensors_for_mode(resp: Resp, fm_name: str, with_relevance: bool = False) -> list[Any]:
    rows = resp["fm_to_sensors"].get(fm_name) or next(
        (v for k, v in resp["fm_to_sensors"].items() if k.casefold() == fm_name.casefold()), []
    )
    if with_relevance:
        return [(r["sensor"], float(r["relevance"])) for r in rows]
    return [r["sensor"] for r in rows]


# ---- tsfm ----------------------------------------------------------------------
def tsfm_models(resp: Resp) -> list[dict[str, Any]]:
    return list(resp["models"])


def forecast_values(resp: Resp, sensor: str) -> list[float]:
    return [float(v) for v in resp["forecast"][sensor] if v is not None]


def anomaly_result(resp: Resp, sensor: str) -> dict[str, Any]:
    return next(r for r in resp["results"] if r["target"] == sensor)


def anomaly_count(resp: Resp, sensor: str) -> int:
    return int(anomaly_result(resp, sensor)["total_windows"])


# ---- wo ------------------------------------------------------------------------
def total(resp: Resp) -> int:
    return int(resp["total"])


def workorders(resp: Resp) -> list[dict[str, Any]]:
    return list(resp["workorders"])


def workorder(resp: Resp) -> Resp:
    return resp


def by_priority(wos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most urgent first: priority 1 before 2, then the older report, then number."""
    return sorted(wos, key=lambda w: (w["priority"], w["reported_date"], w["wonum"]))


def distribution(resp: Resp) -> dict[str, int]:
    return {r["failure_code"]: int(r["count"]) for r in resp["distribution"]}


def event_counts(resp: Resp) -> dict[str, int]:
    return {k: int(v) for k, v in resp["counts"].items()}


def alert_rules(resp: Resp) -> list[dict[str, Any]]:
    return list(resp["rules"])


def kpi(resp: Resp, name: str) -> float:
    return float(resp[name])

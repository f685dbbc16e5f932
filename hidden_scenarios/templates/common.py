"""Shared vocabulary for templates: time windows, sensor choices, number
formatting, and small helpers to read tool responses in the oracle."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from hidden_scenarios.refs import step_ref
from hidden_scenarios.schema import ReferenceStep
from hidden_scenarios.templates.base import step

ISO = "%Y-%m-%dT%H:%M:%S"
STAT_WORDS: dict[str, tuple[str, ...]] = {
    "max": ("maximum", "highest", "peak"),
    "min": ("minimum", "lowest"),
    "mean": ("average", "mean"),
}
# Argument keys of an ``iot.history`` call that a retrieval check compares.
HISTORY_KEYS = ("site_name", "asset_id", "start", "final", "sensors")
# Sensors whose statistics are trivial or constant (binary states, setpoints).
NON_ANALOG_KINDS = ("Run Status", "Schedule", "Supply Fan Status", "Setpoint")


def iso(d: date | datetime) -> str:
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day)
    return d.strftime(ISO)


def day_window(d: date) -> tuple[str, str]:
    return iso(d), iso(d + timedelta(days=1))


def human_date(d: date) -> str:
    return d.strftime("%B %-d, %Y")


def is_analog(sensor: str) -> bool:
    return not any(k in sensor for k in NON_ANALOG_KINDS)


def fmt_number(x: float) -> str:
    """A number the way an answer states it: enough digits for a 0.1% check."""
    if x == 0 or not math.isfinite(x):
        return "0"
    if float(x).is_integer() and abs(x) < 1e12:
        return str(int(x))
    digits = max(0, 5 - int(math.floor(math.log10(abs(x)))) - 1)
    return f"{x:.{min(digits, 6)}f}".rstrip("0").rstrip(".")


def stat_of(stat: str, values: list[float]) -> float:
    if stat == "max":
        return max(values)
    if stat == "min":
        return min(values)
    return sum(values) / len(values)


def plural(asset_type: str) -> str:
    return {"chiller": "chillers", "ahu": "air-handling units"}[asset_type]


def singular(asset_type: str) -> str:
    return {"chiller": "chiller", "ahu": "air-handling unit"}[asset_type]


def sensor_kind(sensor: str, asset: str) -> str:
    """The sensor name without its ``<asset> `` prefix ("Chiller 6 Power" -> "Power")."""
    return sensor[len(asset) + 1 :]


def analog_sensors(ctx: Any) -> list[tuple[Any, str]]:
    """Every (asset, sensor) pair whose statistics are worth asking about, in
    asset order then sensor order."""
    return [(a, s) for a in ctx.assets() for s in ctx.sensors(a.name) if is_analog(s)]


def history_step(
    site: str, asset: str, start: str, final: str, sensor: str, **extra: Any
) -> ReferenceStep:
    """The ``iot.history`` call for one sensor over [start, final)."""
    return step(
        "iot.history",
        site_name=site,
        asset_id=asset,
        start=start,
        final=final,
        sensors=[sensor],
        page_size=5000,
        **extra,
    )


def forecast_step(sensor: str, horizon: int, **extra: Any) -> ReferenceStep:
    """A TSFM forecast over the dataset returned by plan step 0 (an ``iot.history``)."""
    return step(
        "tsfm.run_tsfm_forecasting",
        dataset_id=step_ref(0, "dataset_id"),
        target_columns=[sensor],
        forecast_horizon=horizon,
        **extra,
    )


def tsad_step(sensor: str, **extra: Any) -> ReferenceStep:
    """A TSFM anomaly detection over the dataset returned by plan step 0."""
    return step(
        "tsfm.run_tsad",
        dataset_id=step_ref(0, "dataset_id"),
        target_columns=[sensor],
        **extra,
    )


def forbidden_alternatives(required: list[str], candidates: list[str]) -> list[str]:
    """The other candidates of a pool as a facts check's forbidden list,
    minus any that overlap a required alternative (a sensor name that is a
    prefix of the right one's cannot be forbidden)."""
    req = [r.casefold() for r in required]
    return [
        c
        for c in dict.fromkeys(candidates)
        if not any(c.casefold() in r or r in c.casefold() for r in req)
    ]

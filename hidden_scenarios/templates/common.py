"""Shared vocabulary for templates: time windows, sensor choices, number
formatting, and small helpers to read tool responses in the oracle."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

ISO = "%Y-%m-%dT%H:%M:%S"
STAT_WORDS: dict[str, tuple[str, ...]] = {
    "max": ("maximum", "highest", "peak"),
    "min": ("minimum", "lowest"),
    "mean": ("average", "mean"),
}
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

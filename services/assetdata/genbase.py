"""What the two stages of the plant generator share: the seeded random
streams (one per purpose and asset, so adding an asset does not reshuffle the
others), the telemetry clock and calendar, and the corrective work-order
record with its priority rule. ``generator`` builds the plant's story;
``situations`` injects the insufficient and conflicting evidence into it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from services.assetdata import catalog as C

STEP = np.timedelta64(C.STEP_MINUTES, "m")


def seeded_rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def step_count() -> int:
    return int((C.NOW - C.TELEMETRY_START) / timedelta(minutes=C.STEP_MINUTES))


def step_of(t: datetime) -> int:
    return int((t - C.TELEMETRY_START) / timedelta(minutes=C.STEP_MINUTES))


def time_of(step: int) -> datetime:
    return C.TELEMETRY_START + timedelta(minutes=C.STEP_MINUTES * step)


@dataclass
class Calendar:
    """Vectorised calendar features of the telemetry grid."""

    n: int
    hour: np.ndarray  # fractional hour of day
    weekday: np.ndarray  # 0 = Monday
    doy: np.ndarray  # fractional day of year
    month: np.ndarray
    minute_of_day: np.ndarray


def make_calendar() -> Calendar:
    n = step_count()
    times = np.datetime64(C.TELEMETRY_START, "m") + np.arange(n) * STEP
    days = times.astype("datetime64[D]")
    minute_of_day = (times - days).astype(np.int64)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    years = times.astype("datetime64[Y]")
    doy = (times - years).astype(np.int64) / 1440.0
    month = (times.astype("datetime64[M]").astype(np.int64) % 12) + 1
    return Calendar(n, minute_of_day / 60.0, weekday, doy, month, minute_of_day)


FM_BY_CODE = {f.code: f for f in C.FAILURE_MODES}


def episode_record(
    asset: C.AssetSpec, fm: C.FailureModeSpec, start: int, end: int, ramp: int, n: int
) -> dict:
    """A failure episode on the telemetry grid (steps ``start``..``end``)."""
    return {
        "asset": asset.name,
        "equipment_id": asset.equipment_id,
        "site": asset.site,
        "failure_mode": fm.code,
        "start_step": start,
        "end_step": end,
        "ramp_steps": ramp,
        "ongoing": end >= n,
    }


def corrective_record(
    asset: C.AssetSpec,
    *,
    description: str,
    priority: int,
    reported: datetime,
    start: datetime,
    finish: datetime,
    labor_hours: float,
    material_cost: float,
    failure_code: str,
    failure_mode: str | None,
    episode_id: str | None,
) -> dict:
    """A completed corrective (CM) work order; targets follow the priority rule."""
    return {
        "work_type": "CM",
        "pm_task": None,
        "description": description,
        "asset": asset,
        "priority": priority,
        "reported": reported,
        "target_start": reported + timedelta(hours=4),
        "target_finish": reported + timedelta(days=3),
        "actual_start": start,
        "actual_finish": finish,
        "cancelled": False,
        "labor_hours": labor_hours,
        "material_cost": material_cost,
        "failure_code": failure_code,
        "failure_mode": failure_mode,
        "episode_id": episode_id,
        "shutdown_hours": 0.0,
    }


def cm_record(
    rng: np.random.Generator,
    asset: C.AssetSpec,
    fm: C.FailureModeSpec,
    reported: datetime,
    start: datetime,
    finish: datetime,
    priority: int,
    episode_id: str | None,
) -> dict:
    """The corrective work order of a failure mode (labour, then material drawn)."""
    hours = round(float(rng.uniform(3, 36)), 1)
    material = round(float(rng.lognormal(6.3, 0.9)), 2)
    return corrective_record(
        asset,
        description=f"{fm.name} - {asset.name}",
        priority=priority,
        reported=reported,
        start=start,
        finish=finish,
        labor_hours=hours,
        material_cost=material,
        failure_code=fm.failure_code,
        failure_mode=fm.code,
        episode_id=episode_id,
    )


SEVERITY_PRIORITY = {"critical": 1, "major": 2, "minor": 3}


LABOR_RATE = 95.0  # USD per hour


def alert_matches(al: dict, fm: C.FailureModeSpec) -> bool:
    rule: C.AlertRuleSpec = al["rule"]
    return rule.indicator == fm.indicator or fm.failure_code in rule.failure_codes

"""Static definition of the simulated plant: sites, assets, sensors, failure
modes (exactly 53), failure codes, alert rules and preventive-maintenance
tasks. The data lives in ``data/plant/*.yaml``; this module gives it types,
checks that its cross-references hold, and exposes it as module constants
(``ASSETS``, ``FAILURE_MODES`` ...) loaded once at import. The generator
turns it into telemetry and records.

Names follow the AssetOpsBench plant (site ``MAIN``, ``Chiller 6``,
``CQPA AHU 1``, sensors ``Chiller 6 Tonnage`` ...). Sensor *kinds* are the
asset-independent part of a sensor name (``Tonnage``); a sensor's full name
is ``f"{asset} {kind}"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "plant"

# ---- simulated world clock (code, not data: every module's arithmetic rests on it)
TELEMETRY_START = datetime(2019, 7, 1)  # first 15-minute step
NOW = datetime(2020, 7, 1)  # the fixed "now"; telemetry ends here (exclusive)
WORKORDER_START = datetime(2017, 1, 1)  # work-order history starts here
STEP_MINUTES = 15
DEFAULT_SEED = 20200601


@dataclass(frozen=True)
class SensorKind:
    kind: str  # e.g. "Tonnage"
    unit: str
    decimals: int  # telemetry is rounded to this many decimals
    noise: float  # measurement noise (std, in unit)
    description: str


@dataclass(frozen=True)
class AssetSpec:
    name: str
    equipment_id: str
    site: str
    asset_type: str  # "chiller" | "ahu"
    capacity: float  # tons (chiller) or design cfm (ahu)
    manufacturer: str
    model: str
    install_date: str
    location: str
    always_on: bool = True  # chillers serving 24/7 process load
    setpoint: float = 44.0


# ---- indicators: derived features a failure mode moves -----------------------
@dataclass(frozen=True)
class Indicator:
    name: str
    asset_type: str
    plus: str  # sensor kind
    minus: str | None = None  # optional sensor kind subtracted
    ratio_of: str | None = None  # optional sensor kind divided by: plus / ratio_of**power
    power: float = 1.0
    running_only: bool = True
    baseline: bool = True  # False: binary status, change judged against min_change alone
    min_change: float = 0.1  # smallest change that matters (also the noise floor)
    design: str | None = None  # normalise by a design value of the asset (see indicators.py)
    description: str = ""


# ---- failure modes --------------------------------------------------------------
# An effect acts on a latent physical quantity of the simulator ("latent:<name>")
# or on a measured sensor ("sensor:<kind>"): op "add" / "mul" (scaled by the
# episode severity 0..1), "set" (replace by the value once severity > 0),
# "stuck" (hold the value of the onset step), "osc" (add a sine of the given
# amplitude, 2-hour period).
EFFECT_OPS = frozenset({"add", "mul", "set", "stuck", "osc"})


@dataclass(frozen=True)
class Effect:
    target: str
    op: str
    value: float = 0.0


@dataclass(frozen=True)
class FailureModeSpec:
    code: str
    name: str
    asset_type: str
    component: str
    failure_code: str
    description: str
    effects: tuple[Effect, ...]
    relevance: tuple[tuple[str, float], ...]  # (sensor kind, relevance 0..1), best first
    indicator: str  # INDICATORS key whose change reveals the episode
    signature: str  # "up" | "down" | "stuck" | "oscillation"
    months: tuple[int, ...] = ()  # months the fault is visible in; () = any
    onset: str = "ramp"  # "ramp" | "step"
    extra: dict[str, float] = field(default_factory=dict)


# ---- alert rules -----------------------------------------------------------------
@dataclass(frozen=True)
class AlertRuleSpec:
    rule_id: str
    name: str
    asset_type: str
    indicator: str
    condition: str  # ">" | "<"
    threshold: float
    duration_minutes: int
    severity: str  # "critical" | "major" | "minor"
    failure_codes: tuple[str, ...]
    relative: bool = False  # documentation: the indicator is a fraction of design


# ---- preventive maintenance tasks -------------------------------------------------
@dataclass(frozen=True)
class PmTask:
    key: str
    description: str
    asset_type: str
    every_days: int
    hours: float
    material: float  # typical material cost, USD
    priority: int
    shutdown_hours: float = 0.0  # asset offline while the work is done


class CatalogError(ValueError):
    """The plant data files contradict themselves (an unknown sensor kind,
    indicator, failure code or season): caught at import, never at run time."""


def _read(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(data, dict):
        raise CatalogError(f"{name}.yaml: expected a mapping at the top")
    return data


def _months(value: object, seasons: dict[str, tuple[int, ...]], code: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        if value not in seasons:
            raise CatalogError(f"failure mode {code}: unknown season {value!r}")
        return seasons[value]
    return tuple(value)  # type: ignore[arg-type]


def _failure_mode(raw: dict[str, Any], seasons: dict[str, tuple[int, ...]]) -> FailureModeSpec:
    raw = dict(raw)
    code = raw["code"]
    raw["effects"] = tuple(Effect(*e) for e in raw["effects"])
    raw["relevance"] = tuple((kind, rel) for kind, rel in raw["relevance"])
    raw["months"] = _months(raw.get("months"), seasons, code)
    return FailureModeSpec(**raw)


def _check(
    sensor_kinds: dict[str, tuple[SensorKind, ...]],
    failure_codes: dict[str, str],
    indicators: dict[str, Indicator],
    failure_modes: tuple[FailureModeSpec, ...],
    alert_rules: tuple[AlertRuleSpec, ...],
    assets: tuple[AssetSpec, ...],
    sites: dict[str, dict[str, object]],
) -> None:
    kinds = {t: {k.kind for k in ks} for t, ks in sensor_kinds.items()}
    problems: list[str] = []
    for a in assets:
        if a.site not in sites or a.asset_type not in kinds:
            problems.append(f"asset {a.name}: unknown site or asset type")
    for ind in indicators.values():
        for kind in (ind.plus, ind.minus, ind.ratio_of):
            if kind is not None and kind not in kinds.get(ind.asset_type, ()):
                problems.append(f"indicator {ind.name}: unknown sensor kind {kind!r}")
    for fm in failure_modes:
        if fm.failure_code not in failure_codes:
            problems.append(f"failure mode {fm.code}: unknown failure code {fm.failure_code}")
        if fm.indicator not in indicators:
            problems.append(f"failure mode {fm.code}: unknown indicator {fm.indicator}")
        for kind, _ in fm.relevance:
            if kind not in kinds.get(fm.asset_type, ()):
                problems.append(f"failure mode {fm.code}: unknown sensor kind {kind!r}")
        problems += [
            f"failure mode {fm.code}: unknown op {e.op}"
            for e in fm.effects
            if e.op not in EFFECT_OPS
        ]
    for rule in alert_rules:
        if rule.indicator not in indicators:
            problems.append(f"alert rule {rule.rule_id}: unknown indicator {rule.indicator}")
        problems += [
            f"alert rule {rule.rule_id}: unknown failure code {c}"
            for c in rule.failure_codes
            if c not in failure_codes
        ]
    if len(failure_modes) != 53:
        problems.append(f"expected 53 failure modes, found {len(failure_modes)}")
    if problems:
        raise CatalogError("; ".join(problems))


_sensors = _read("sensors")
SENSOR_KINDS: dict[str, tuple[SensorKind, ...]] = {
    asset_type: tuple(SensorKind(**k) for k in kinds) for asset_type, kinds in _sensors.items()
}
CHILLER_SENSORS = SENSOR_KINDS["chiller"]
AHU_SENSORS = SENSOR_KINDS["ahu"]

_assets = _read("assets")
SITES: dict[str, dict[str, object]] = _assets["sites"]
FAILURE_CODES: dict[str, str] = _assets["failure_codes"]  # primary codes, Maximo style
ASSETS: tuple[AssetSpec, ...] = tuple(AssetSpec(**a) for a in _assets["assets"])

INDICATORS: dict[str, Indicator] = {
    i["name"]: Indicator(**i) for i in _read("indicators")["indicators"]
}

_fm_file = _read("failure_modes")
SEASONS: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in _fm_file["seasons"].items()}
SUMMER = SEASONS["summer"]
COOL_SEASON = SEASONS["cool_season"]
ECONOMIZER_SEASON = SEASONS["economizer_season"]
FAILURE_MODES: tuple[FailureModeSpec, ...] = tuple(
    _failure_mode(fm, SEASONS) for fm in _fm_file["failure_modes"]
)

ALERT_RULES: tuple[AlertRuleSpec, ...] = tuple(
    AlertRuleSpec(**{**r, "failure_codes": tuple(r["failure_codes"])})
    for r in _read("alert_rules")["alert_rules"]
)

_maintenance = _read("maintenance")
PM_TASKS: tuple[PmTask, ...] = tuple(PmTask(**p) for p in _maintenance["pm_tasks"])
TSFM_MODELS: tuple[dict[str, object], ...] = tuple(_maintenance["tsfm_models"])
AD_MODELS: tuple[str, ...] = tuple(_maintenance["ad_models"])

_check(SENSOR_KINDS, FAILURE_CODES, INDICATORS, FAILURE_MODES, ALERT_RULES, ASSETS, SITES)

# Short names for the sensor kinds that code (generator, indicators, templates)
# refers to by hand; the data files spell them out.
S_SUP, S_RET, S_SP = "Supply Temperature", "Return Temperature", "Setpoint Temperature"
S_TON, S_LOAD, S_PWR = "Tonnage", "Chiller % Loaded", "Power Input"
S_EFF, S_CHWF, S_CWF = "Chiller Efficiency", "Chilled Water Flow", "Condenser Water Flow"
S_CWS = "Condenser Water Supply To Chiller Temperature"
S_CWR = "Condenser Water Return To Tower Temperature"
S_EVR, S_CDR = (
    "Liquid Refrigerant Evaporator Temperature",
    "Liquid Refrigerant Condenser Temperature",
)
S_DIS, S_RUN, S_SCH = "Compressor Discharge Temperature", "Run Status", "Schedule"

A_SAT, A_SATSP, A_RAT = (
    "Supply Air Temperature",
    "Supply Air Temperature Setpoint",
    "Return Air Temperature",
)
A_MAT, A_OAT, A_DMP = (
    "Mixed Air Temperature",
    "Outside Air Temperature",
    "Outside Air Damper Position",
)
A_VLV, A_SPD, A_PWR = "Chilled Water Valve Position", "Supply Fan Speed", "Supply Fan Power"
A_STP, A_FLW, A_FDP = (
    "Supply Air Static Pressure",
    "Supply Air Flow",
    "Filter Differential Pressure",
)
A_STS = "Supply Fan Status"
_short_names = {
    v for k, v in dict(globals()).items() if k[:2] in ("S_", "A_") and isinstance(v, str)
}
if not _short_names <= {k.kind for ks in SENSOR_KINDS.values() for k in ks}:
    raise CatalogError("a short sensor-kind name is not a sensor kind of the data files")

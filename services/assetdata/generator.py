"""Deterministic plant generator.

Order matters because later steps read earlier ones, which is what makes the
data tell one story:
1. weather per site;
2. preventive-maintenance schedule (annual chiller shutdowns and filter
   changes shape the telemetry);
3. fault episodes per asset (failure mode, start, end, onset), placed in
   months where their signature is visible and away from shutdowns;
4. telemetry from a small physical model per asset, with each episode's
   effects applied, then sensor noise, gaps and glitches;
5. alerts (alert rules evaluated on the generated telemetry) and anomaly
   events (a trailing robust monitor on the same indicators, plus glitches);
6. corrective work orders for every episode (reported when the first alert
   or anomaly fires, finished when the fault ends) and historic ones before
   the telemetry starts; work-order numbers and work-order events.

Every random draw comes from a generator keyed by (seed, purpose, asset), so
adding an asset does not reshuffle the others.
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from services.assetdata import catalog as C
from services.assetdata.indicators import indicator_values, running_mask

STEP = np.timedelta64(C.STEP_MINUTES, "m")


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def _steps() -> int:
    return int((C.NOW - C.TELEMETRY_START) / timedelta(minutes=C.STEP_MINUTES))


def _step_of(t: datetime) -> int:
    return int((t - C.TELEMETRY_START) / timedelta(minutes=C.STEP_MINUTES))


def _time_of(step: int) -> datetime:
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


def _calendar() -> Calendar:
    n = _steps()
    times = np.datetime64(C.TELEMETRY_START, "m") + np.arange(n) * STEP
    days = times.astype("datetime64[D]")
    minute_of_day = (times - days).astype(np.int64)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    years = times.astype("datetime64[Y]")
    doy = (times - years).astype(np.int64) / 1440.0
    month = (times.astype("datetime64[M]").astype(np.int64) % 12) + 1
    return Calendar(n, minute_of_day / 60.0, weekday, doy, month, minute_of_day)


def _ar1(rng: np.random.Generator, n: int, std: float, tau_steps: float) -> np.ndarray:
    """Stationary AR(1) noise with the given std and correlation time."""
    phi = float(np.exp(-1.0 / tau_steps))
    eps = rng.normal(0.0, std * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    acc = rng.normal(0.0, std)
    for i in range(n):  # n is at most a few thousand (hourly grid)
        acc = phi * acc + eps[i]
        out[i] = acc
    return out


def _smooth_noise(rng: np.random.Generator, n: int, std: float, tau_hours: float) -> np.ndarray:
    """AR(1) on an hourly grid, linearly interpolated to the 15-minute grid."""
    per_hour = 60 // C.STEP_MINUTES
    hours = n // per_hour + 2
    coarse = _ar1(rng, hours, std, tau_hours)
    return np.interp(np.arange(n) / per_hour, np.arange(hours), coarse)


def weather(seed: int, site: str, cal: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Outside dry-bulb and wet-bulb temperature (degF) for a site."""
    spec = C.SITES[site]
    rng = _rng(seed, "weather", site)
    seasonal = float(spec["mean_temp"]) - float(spec["amplitude"]) * np.cos(
        2 * np.pi * (cal.doy - 20) / 365.25
    )
    daily = -7.0 * np.cos(2 * np.pi * (cal.hour - 3) / 24)  # warmest ~15:00
    oat = seasonal + daily + _smooth_noise(rng, cal.n, 6.0, 40.0)
    wet_bulb = oat - np.clip(2.0 + 0.18 * (oat - 40.0), 1.0, 12.0)
    return oat, wet_bulb


# ---- preventive maintenance ---------------------------------------------------
def pm_workorders(seed: int, asset: C.AssetSpec) -> list[dict]:
    rng = _rng(seed, "pm", asset.name)
    out: list[dict] = []
    horizon = C.NOW + timedelta(days=30)
    for task in C.PM_TASKS:
        if task.asset_type != asset.asset_type:
            continue
        t = C.WORKORDER_START + timedelta(days=int(rng.integers(0, min(task.every_days, 60))))
        while t < horizon:
            day = t.replace(hour=8, minute=0)
            if task.every_days > 7 and day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
            out.append(_pm_record(rng, asset, task, day))
            t += timedelta(days=task.every_days)
    return out


def _pm_record(
    rng: np.random.Generator, asset: C.AssetSpec, task: C.PmTask, target: datetime
) -> dict:
    late = rng.random() < 0.08
    delay_h = float(rng.integers(72, 14 * 24)) if late else float(rng.integers(0, 48))
    start = target + timedelta(hours=delay_h)
    hours = round(task.hours * float(rng.uniform(0.8, 1.3)), 1)
    finish = start + timedelta(hours=max(hours, task.shutdown_hours))
    cancelled = rng.random() < 0.015
    material = round(task.material * float(rng.uniform(0.85, 1.2)), 2) if task.material else 0.0
    return {
        "work_type": "PM",
        "pm_task": task.key,
        "description": f"{task.description} - {asset.name}",
        "asset": asset,
        "priority": task.priority,
        "reported": target - timedelta(days=14),
        "target_start": target,
        "target_finish": target + timedelta(hours=task.hours + 48),
        "actual_start": None if cancelled else start,
        "actual_finish": None if cancelled else finish,
        "cancelled": cancelled,
        "labor_hours": 0.0 if cancelled else hours,
        "material_cost": 0.0 if cancelled else material,
        "failure_code": None,
        "failure_mode": None,
        "episode_id": None,
        "shutdown_hours": task.shutdown_hours,
    }


# ---- fault episodes -------------------------------------------------------------
def place_episodes(seed: int, cal: Calendar, pms: dict[str, list[dict]]) -> list[dict]:
    """Assign every failure mode to at least one asset of its type and place
    non-overlapping episodes (with a clean week before each) in the months
    where the failure mode is visible."""
    episodes: list[dict] = []
    n = cal.n
    for atype in ("chiller", "ahu"):
        assets = [a for a in C.ASSETS if a.asset_type == atype]
        fms = [f for f in C.FAILURE_MODES if f.asset_type == atype]
        rng = _rng(seed, "episodes", atype)
        order = list(rng.permutation(len(fms)))
        per_asset = int(np.ceil(len(fms) * 1.25 / len(assets)))
        assignment: dict[str, list[C.FailureModeSpec]] = {a.name: [] for a in assets}
        k = 0
        for _round in range(per_asset):
            for a in assets:
                assignment[a.name].append(fms[order[k % len(order)]])
                k += 1
        for a in assets:
            busy = np.zeros(n, dtype=bool)
            for wo in pms[a.name]:
                if wo["shutdown_hours"] >= 8 and wo["actual_start"] is not None:
                    s = _step_of(wo["actual_start"]) - 4 * 96
                    e = _step_of(wo["actual_finish"]) + 2 * 96
                    busy[max(s, 0) : max(min(e, n), 0)] = True
            arng = _rng(seed, "episodes", a.name)
            for fm in assignment[a.name]:
                ep = _place_one(arng, cal, busy, a, fm)
                if ep is not None:
                    episodes.append(ep)
    episodes.sort(key=lambda e: (e["start_step"], e["asset"]))
    for i, ep in enumerate(episodes):
        ep["episode_id"] = f"EP-{i + 1:04d}"
    return episodes


def _place_one(
    rng: np.random.Generator,
    cal: Calendar,
    busy: np.ndarray,
    asset: C.AssetSpec,
    fm: C.FailureModeSpec,
) -> dict | None:
    n = cal.n
    per_day = 96
    for _attempt in range(200):
        days = int(rng.integers(2, 11)) if fm.code != "AH20" else int(rng.integers(1, 3))
        length = days * per_day + int(rng.integers(0, per_day))
        start = int(rng.integers(8 * per_day, n - per_day))
        end = min(start + length, n)
        if end - start < per_day:
            continue
        if fm.months and not np.all(np.isin(cal.month[[start, end - 1]], fm.months)):
            continue
        if busy[start - 8 * per_day : end + per_day].any():
            continue
        # Onset on a working day keeps schedule-driven assets observable.
        if not asset.always_on or asset.asset_type == "ahu":
            wd = cal.weekday[start]
            if wd >= 5:
                continue
        busy[start - 8 * per_day : end + per_day] = True
        ramp = 0 if fm.onset == "step" else int((end - start) * float(rng.uniform(0.3, 0.5)))
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
    return None


def severity(ep: dict, n: int) -> np.ndarray:
    """Episode severity 0..1 on the telemetry grid (ramp, then full)."""
    s = np.zeros(n)
    a, b, r = ep["start_step"], ep["end_step"], ep["ramp_steps"]
    if r > 0:
        s[a : a + r] = np.linspace(1.0 / r, 1.0, r)
        s[a + r : b] = 1.0
    else:
        s[a:b] = 1.0
    return s


class Latents(dict):
    """Latent physical modifiers of one asset (default 0), filled from episodes."""

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def get_arr(self, key: str) -> np.ndarray:
        if key not in self:
            self[key] = np.zeros(self.n)
        return self[key]


def _osc(cal: Calendar) -> np.ndarray:
    return np.sin(2 * np.pi * cal.minute_of_day / 120.0)  # 2-hour period


def apply_latent_effects(lat: Latents, episodes: list[dict], cal: Calendar) -> None:
    for ep in episodes:
        fm = FM_BY_CODE[ep["failure_mode"]]
        s = severity(ep, cal.n)
        for eff in fm.effects:
            kind, name = eff.target.split(":", 1)
            if kind != "latent":
                continue
            arr = lat.get_arr(name)
            if eff.op in ("add", "mul"):
                arr += eff.value * s
            elif eff.op == "osc":
                arr += eff.value * s * _osc(cal)
            elif eff.op == "set":
                mask = lat.get_arr(name + "__mask")
                mask[s > 0] = 1.0
                arr[s > 0] = eff.value


FM_BY_CODE = {f.code: f for f in C.FAILURE_MODES}


def _set(lat: Latents, name: str, base: np.ndarray) -> np.ndarray:
    """Apply a 'set' latent override (value where its mask is on)."""
    if name + "__mask" not in lat:
        return base
    m = lat[name + "__mask"] > 0
    out = base.copy()
    out[m] = lat[name][m]
    return out


# ---- physics --------------------------------------------------------------------
def simulate_chiller(
    seed: int,
    asset: C.AssetSpec,
    cal: Calendar,
    oat: np.ndarray,
    wb: np.ndarray,
    shutdown: np.ndarray,
    lat: Latents,
) -> dict[str, np.ndarray]:
    rng = _rng(seed, "chiller", asset.name)
    n, cap_design = cal.n, float(asset.capacity)
    weekday_work = cal.weekday < 5
    if asset.always_on:
        schedule = np.ones(n)
    else:
        schedule = (weekday_work & (cal.hour >= 6) & (cal.hour < 20)).astype(float)
    run = (schedule > 0) & ~shutdown
    if "cycling__mask" in lat:
        cyc = lat["cycling__mask"] > 0
        run &= ~(cyc & ((cal.minute_of_day // C.STEP_MINUTES) % 8 < 2))
    occupied = weekday_work & (cal.hour >= 8) & (cal.hour < 18)
    demand = (
        0.28
        + 0.6 * np.clip((oat - 40.0) / 50.0, 0.0, 1.1)
        + 0.08 * occupied
        + _smooth_noise(rng, n, 0.04, 3.0)
    )
    demand = np.clip(demand, 0.15, 1.05)
    cap = cap_design * (1.0 + lat.get_arr("capacity"))
    setpoint = asset.setpoint + lat.get_arr("setpoint_offset")
    chw_flow = 2.4 * cap_design * (1.0 + lat.get_arr("chw_flow"))
    demand_tons = demand * cap_design
    delivered = np.minimum(demand_tons, 0.98 * cap)
    unmet = demand_tons - delivered
    supply = (
        setpoint
        + lat.get_arr("supply_offset")
        + lat.get_arr("supply_osc")
        + unmet * 24.0 / chw_flow
        + _smooth_noise(rng, n, 0.08, 1.0)
    )
    l_rel = delivered / cap_design
    ret = supply + delivered * 24.0 / chw_flow
    evap_ref = supply - (1.2 + 2.5 * l_rel) - lat.get_arr("evap_approach")
    cond_flow = 3.0 * cap_design * (1.0 + lat.get_arr("cond_flow") + lat.get_arr("cond_flow_osc"))
    cond_supply = (
        np.maximum(wb + 7.0, 70.0) + lat.get_arr("tower_offset") + _smooth_noise(rng, n, 0.3, 2.0)
    )
    e0 = 0.52 + 0.012 * (2020 - int(asset.install_date[:4])) / 2
    power = 0.6 * delivered
    for _ in range(3):  # heat rejected depends on power and power on lift
        heat = delivered + 0.2843 * power
        cond_ret = cond_supply + heat * 24.0 / cond_flow
        cond_ref = cond_ret + 1.0 + 1.5 * l_rel + lat.get_arr("cond_approach")
        lift = cond_ref - evap_ref
        kw_per_ton = (
            e0
            * (0.35 + 0.65 * lift / 48.0)
            * (1 + 0.4 * (1 - l_rel) ** 2)
            * (1.0 + lat.get_arr("comp_eff"))
        )
        power = kw_per_ton * delivered
    discharge = cond_ref + 22.0 + 12.0 * l_rel + lat.get_arr("discharge_add")
    loaded = 100.0 * delivered / cap
    # Off: pumps stop, loops drift towards plant-room temperature.
    off = ~run
    room = 56.0 + 0.08 * (oat - 55.0)
    supply = np.where(off, room, supply)
    ret = np.where(off, room + 0.3, ret)
    evap_ref = np.where(off, room - 1.0, evap_ref)
    croom = 66.0 + 0.12 * (oat - 60.0)
    cond_supply = np.where(off, croom, cond_supply)
    cond_ret = np.where(off, croom + 0.2, cond_ret)
    cond_ref = np.where(off, croom + 1.0, cond_ref)
    discharge = np.where(off, croom + 5.0, discharge)
    zero = np.zeros(n)
    return {
        "Supply Temperature": supply,
        "Return Temperature": ret,
        "Setpoint Temperature": setpoint,
        "Tonnage": np.where(off, zero, delivered),
        "Chiller % Loaded": np.where(off, zero, loaded),
        "Power Input": np.where(off, 0.003 * cap_design, power),
        "Chilled Water Flow": np.where(off, zero, chw_flow),
        "Condenser Water Flow": np.where(off, zero, cond_flow),
        "Condenser Water Supply To Chiller Temperature": cond_supply,
        "Condenser Water Return To Tower Temperature": cond_ret,
        "Liquid Refrigerant Evaporator Temperature": evap_ref,
        "Liquid Refrigerant Condenser Temperature": cond_ref,
        "Compressor Discharge Temperature": discharge,
        "Run Status": run.astype(float),
        "Schedule": schedule,
    }


def simulate_ahu(
    seed: int,
    asset: C.AssetSpec,
    cal: Calendar,
    oat: np.ndarray,
    shutdown: np.ndarray,
    filter_age_days: np.ndarray,
    lat: Latents,
) -> dict[str, np.ndarray]:
    rng = _rng(seed, "ahu", asset.name)
    n, cfm = cal.n, float(asset.capacity)
    occupied = (cal.weekday < 5) & (cal.hour >= 6) & (cal.hour < 19)
    on = occupied & ~shutdown
    if "force_on__mask" in lat:
        on |= lat["force_on__mask"] > 0
    if "force_off__mask" in lat:
        on &= ~(lat["force_off__mask"] > 0)
    zone = np.clip(
        0.35 + 0.5 * np.clip((oat - 50.0) / 40.0, 0, 1) + _smooth_noise(rng, n, 0.05, 2.0), 0.2, 1
    )
    rat = 71.5 + 2.5 * zone + _smooth_noise(rng, n, 0.3, 2.0)
    # seasonal supply-air reset: 58 degF from mid-November to mid-March
    winter = (cal.doy < 74) | (cal.doy >= 319)
    satsp = np.where(winter, 58.0, 55.0) + lat.get_arr("satsp_offset")
    target = satsp - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        econ = np.clip((rat - target) / np.maximum(rat - oat, 1e-3), 0.2, 1.0)
    damper = np.where(oat < 55.0, econ, np.where(oat < 65.0, 1.0, 0.2))
    if "economizer_off__mask" in lat:
        damper = np.where(lat["economizer_off__mask"] > 0, 0.2, damper)
    damper = _set(lat, "damper_set", damper * 100.0) / 100.0
    mat = damper * oat + (1 - damper) * rat
    speed = np.clip(
        40.0 + 50.0 * zone + lat.get_arr("speed_add") + lat.get_arr("speed_osc"), 25.0, 100.0
    )
    flow_frac = speed / 100.0 * (1.0 + lat.get_arr("air_flow"))
    dt_max = 30.0 * (1.0 + lat.get_arr("coil_ua"))
    need = mat + 0.8 - satsp
    valve = 100.0 * np.clip(need / dt_max, 0.0, 1.0) ** 0.8
    valve = _set(lat, "valve_set", valve)
    dt = dt_max * (valve / 100.0) ** (1 / 0.8)
    sat = np.maximum(mat + 0.8 - dt, 47.0) + lat.get_arr("sat_osc")
    valve = np.clip(valve - 8.0 * lat.get_arr("sat_osc"), 0.0, 100.0)
    static = (0.3 + 1.4 * (speed / 100.0) ** 2) * (1.0 + lat.get_arr("static"))
    loading = 0.35 + 0.55 * np.clip(filter_age_days / 91.0, 0, 1.4) + lat.get_arr("filter_add")
    if "filter_torn__mask" in lat:
        loading = np.where(lat["filter_torn__mask"] > 0, 0.07, loading)
    filter_dp = loading * (0.5 + 0.5 * flow_frac)
    fan_kw = cfm / 1000.0 * (speed / 100.0) ** 3 * (1.0 + lat.get_arr("fan_power"))
    off = ~on
    zero = np.zeros(n)
    drift = np.clip(68.0 + 0.15 * (oat - 65.0), 60.0, 82.0)
    return {
        "Supply Air Temperature": np.where(off, drift, sat),
        "Supply Air Temperature Setpoint": satsp,
        "Return Air Temperature": np.where(off, drift + 0.5, rat),
        "Mixed Air Temperature": np.where(off, drift + 0.3, mat),
        "Outside Air Temperature": oat.copy(),
        "Outside Air Damper Position": np.where(off, zero, damper * 100.0),
        "Chilled Water Valve Position": np.where(off, zero, valve),
        "Supply Fan Speed": np.where(off, zero, speed),
        "Supply Fan Power": np.where(off, zero, fan_kw),
        "Supply Air Static Pressure": np.where(off, 0.02, static),
        "Supply Air Flow": np.where(off, zero, cfm * flow_frac),
        "Filter Differential Pressure": np.where(off, 0.02, filter_dp),
        "Supply Fan Status": on.astype(float),
    }


def measure(
    seed: int, asset: C.AssetSpec, truth: dict[str, np.ndarray], episodes: list[dict], cal: Calendar
) -> np.ndarray:
    """Sensor readings: truth + noise, sensor-level fault effects, derived
    efficiency, rounding. Returns float32 [n, n_sensors] in catalog order."""
    rng = _rng(seed, "noise", asset.name)
    kinds = C.SENSOR_KINDS[asset.asset_type]
    n = cal.n
    meas: dict[str, np.ndarray] = {}
    for k in kinds:
        if k.kind == "Chiller Efficiency":
            continue
        v = truth[k.kind].astype(np.float64)
        if k.noise > 0:
            v = v + rng.normal(0.0, k.noise, n)
        meas[k.kind] = v
    for ep in episodes:
        fm = FM_BY_CODE[ep["failure_mode"]]
        s = severity(ep, n)
        active = s > 0
        for eff in fm.effects:
            kind, name = eff.target.split(":", 1)
            if kind != "sensor":
                continue
            v = meas[name]
            if eff.op == "add":
                v += eff.value * s
            elif eff.op == "mul":
                v *= 1.0 + eff.value * s
            elif eff.op == "set":
                v[active] = eff.value
            elif eff.op == "stuck":
                v[active] = v[ep["start_step"]]
    if asset.asset_type == "chiller":
        ton = meas["Tonnage"]
        with np.errstate(divide="ignore", invalid="ignore"):
            eff_ = np.where(ton > 1.0, meas["Power Input"] / np.maximum(ton, 1e-9), 0.0)
        meas["Chiller Efficiency"] = eff_
        # Off-state readings of load-like sensors are exact zeros on a real BMS.
        idle = truth["Run Status"] == 0
        for name in (
            "Tonnage",
            "Chiller % Loaded",
            "Chilled Water Flow",
            "Condenser Water Flow",
            "Chiller Efficiency",
        ):
            meas[name] = np.where(idle & (meas[name] == meas[name]), 0.0, meas[name])
        meas["Tonnage"] = np.maximum(meas["Tonnage"], 0.0)
    else:
        idle = truth["Supply Fan Status"] == 0
        for name in (
            "Supply Fan Speed",
            "Supply Fan Power",
            "Supply Air Flow",
            "Chilled Water Valve Position",
            "Outside Air Damper Position",
        ):
            meas[name] = np.where(idle, 0.0, meas[name])
        for name in (
            "Chilled Water Valve Position",
            "Outside Air Damper Position",
            "Supply Fan Speed",
        ):
            meas[name] = np.clip(meas[name], 0.0, 100.0)
    out = np.empty((n, len(kinds)), dtype=np.float32)
    for j, k in enumerate(kinds):
        out[:, j] = np.round(meas[k.kind], k.decimals)
    return out


def add_gaps_and_glitches(
    seed: int, asset: C.AssetSpec, data: np.ndarray, episodes: list[dict]
) -> list[dict]:
    """Communication outages (all sensors NaN), single-sensor dropouts and
    single-step spikes. Returns the spikes (ground truth for anomaly events)."""
    rng = _rng(seed, "gaps", asset.name)
    n, k = data.shape
    kinds = C.SENSOR_KINDS[asset.asset_type]
    protected = np.zeros(n, dtype=bool)
    for ep in episodes:
        protected[max(ep["start_step"] - 7 * 96, 0) : ep["end_step"]] = True
    for _ in range(int(rng.poisson(10))):
        s = int(rng.integers(0, n))
        length = int(min(4 + rng.geometric(1 / 24.0), 120))
        if protected[s : s + length].any():
            continue
        data[s : s + length, :] = np.nan
    for _ in range(int(rng.poisson(20))):
        s, j = int(rng.integers(0, n)), int(rng.integers(0, k))
        data[s : s + int(rng.integers(4, 48)), j] = np.nan
    spikes: list[dict] = []
    analog = [j for j, kd in enumerate(kinds) if kd.unit != "binary" and kd.noise > 0]
    for _ in range(int(rng.poisson(24))):
        s, j = int(rng.integers(1, n - 1)), int(analog[int(rng.integers(0, len(analog)))])
        v = float(data[s, j])
        if not np.isfinite(v) or v == 0.0:
            continue
        jump = max(14.0 * kinds[j].noise, 0.12 * abs(v)) * (1 if rng.random() < 0.5 else -1)
        data[s, j] = np.float32(round(v + jump, kinds[j].decimals))
        spikes.append(
            {"step": s, "sensor": kinds[j].kind, "score": round(abs(jump) / kinds[j].noise, 1)}
        )
    return spikes


# ---- alerts and anomaly events ----------------------------------------------------
def evaluate_rules(
    asset: C.AssetSpec, data: np.ndarray, site_oat_ref: np.ndarray | None
) -> list[dict]:
    alerts: list[dict] = []
    per_hour = 60 // C.STEP_MINUTES
    run = running_mask(asset, data)
    for rule in C.ALERT_RULES:
        if rule.asset_type != asset.asset_type:
            continue
        ind = C.INDICATORS[rule.indicator]
        x = indicator_values(asset, data, rule.indicator, site_oat_ref)
        with np.errstate(invalid="ignore"):
            hit = (x > rule.threshold) if rule.condition == ">" else (x < rule.threshold)
        hit &= np.isfinite(x)
        if ind.running_only:
            hit &= run
        need = max(rule.duration_minutes // C.STEP_MINUTES, 1)
        # run length of consecutive hits ending at each step
        idx = np.flatnonzero(hit)
        if idx.size == 0:
            continue
        breaks = np.flatnonzero(np.diff(idx) != 1)
        starts = np.concatenate(([idx[0]], idx[breaks + 1]))
        ends = np.concatenate((idx[breaks], [idx[-1]]))
        last = -(10**9)
        for s, e in zip(starts, ends, strict=True):
            t = s + need - 1
            while t <= e:
                if t - last >= 24 * per_hour:
                    alerts.append(
                        {
                            "step": int(t),
                            "rule": rule,
                            "value": float(x[t]),
                            "sensor": f"{asset.name} {ind.plus}",
                        }
                    )
                    last = t
                    t += 24 * per_hour
                else:
                    t = last + 24 * per_hour
    return alerts


ANOMALY_SCORE = 4.0
ANOMALY_WORDS = {
    "shift": "Sustained shift",
    "status": "Unusual status pattern",
    "flatline": "Flatlined reading",
    "oscillation": "Oscillation",
    "spike": "Spike",
}


def _nanmedian(a: np.ndarray, axis: int = 1) -> np.ndarray:
    """``np.nanmedian(a, axis=1)`` of a 2-D array, the same numbers without
    numpy's masked-array path for short rows (the monitor's hot spot)."""
    assert axis == 1 and a.ndim == 2
    s = np.sort(a, axis=1)  # NaN sort last
    k = a.shape[1] - np.isnan(a).sum(axis=1)
    lo = np.take_along_axis(s, np.maximum((k - 1) // 2, 0)[:, None], axis=1)[:, 0]
    hi = np.take_along_axis(s, np.maximum(k // 2, 0)[:, None], axis=1)[:, 0]
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(k > 0, (lo + hi) / 2.0, np.nan)


def _blocks(x: np.ndarray, block: int, fn) -> np.ndarray:
    nb = x.size // block
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(x[: nb * block].reshape(nb, block), axis=1)


def anomaly_monitor(
    asset: C.AssetSpec, data: np.ndarray, site_oat_ref: np.ndarray | None
) -> list[dict]:
    """A trailing monitor over 6-hour blocks of every indicator a failure mode
    of this asset type uses (at most one event per indicator per day):
    - level: |block median - median of the previous 14 days of blocks| /
      (1.4826 MAD + min_change) > ANOMALY_SCORE ("shift");
    - binary status indicators: |block mean - same block a week earlier| >=
      0.5 ("status");
    - flatline: a block of >= 12 identical readings where the previous 14 days'
      blocks varied ("flatline");
    - oscillation: the block's step-to-step roughness (std of differences) above
      3x the median of the previous 14 days and above min_change / 2 ("oscillation")."""
    block = 6 * 60 // C.STEP_MINUTES
    window = 14 * 4
    used = sorted({f.indicator for f in C.FAILURE_MODES if f.asset_type == asset.asset_type})
    run = running_mask(asset, data)
    out: list[dict] = []
    for name in used:
        ind = C.INDICATORS[name]
        x = indicator_values(asset, data, name, site_oat_ref).astype(np.float64)
        if ind.running_only:
            x = np.where(run, x, np.nan)
        hits: dict[int, tuple[str, float, float, float]] = {}  # block -> (kind, score, value, base)
        if not ind.baseline:
            mean = _blocks(x, block, np.nanmean)
            week = 28
            diff = mean[week:] - mean[:-week]
            for i in np.flatnonzero(np.nan_to_num(np.abs(diff)) >= 0.5):
                b = i + week
                hits[b] = ("status", abs(diff[i]) / ind.min_change, mean[b], mean[i])
        else:
            med = _blocks(x, block, _nanmedian)
            std = _blocks(x, block, np.nanstd)
            # roughness: std of step-to-step changes (oscillation, not slow drift)
            rough = _blocks(np.concatenate(([np.nan], np.diff(x))), block, np.nanstd)
            count = _blocks(np.isfinite(x).astype(float), block, np.sum)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                win = np.lib.stride_tricks.sliding_window_view(med, window)[:-1]
                base = _nanmedian(win, axis=1)
                mad = _nanmedian(np.abs(win - base[:, None]), axis=1)
                base_std = _nanmedian(
                    np.lib.stride_tricks.sliding_window_view(std, window)[:-1], axis=1
                )
                base_rough = _nanmedian(
                    np.lib.stride_tricks.sliding_window_view(rough, window)[:-1], axis=1
                )
            cur, cur_std, n_cur = med[window:], std[window:], count[window:]
            cur_rough = rough[window:]
            shift = np.nan_to_num(
                np.abs(cur - base) / (1.4826 * np.nan_to_num(mad) + ind.min_change), nan=0.0
            )
            osc = np.nan_to_num(cur_rough / np.maximum(base_rough, 1e-9), nan=0.0)
            flat = (
                (n_cur >= 12)
                & (np.nan_to_num(cur_std, nan=1.0) == 0)
                & (np.nan_to_num(base_std) > 0.05)
            )
            for i in range(cur.size):
                b = i + window
                if flat[i]:
                    hits[b] = ("flatline", 10.0, cur[i], base[i])
                elif osc[i] > 3.0 and cur_rough[i] > ind.min_change / 2:
                    hits[b] = ("oscillation", float(osc[i]), cur[i], base[i])
                elif shift[i] > ANOMALY_SCORE:
                    hits[b] = ("shift", float(shift[i]), cur[i], base[i])
        last = -(10**9)
        for b in sorted(hits):
            if b - last < 4:
                continue
            last = b
            kind, score, value, baseline = hits[b]
            out.append(
                {
                    "step": int(b * block),
                    "indicator": name,
                    "kind": kind,
                    "score": round(float(score), 2),
                    "sensor": f"{asset.name} {ind.plus}",
                    "value": round(float(value), 3),
                    "baseline": round(float(baseline), 3),
                }
            )
    return out


# ---- assembly ----------------------------------------------------------------------
def _shutdown_mask(n: int, pms: list[dict]) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for wo in pms:
        if wo["shutdown_hours"] <= 0 or wo["actual_start"] is None:
            continue
        s = _step_of(wo["actual_start"])
        e = _step_of(wo["actual_start"] + timedelta(hours=wo["shutdown_hours"]))
        if e > 0 and s < n:
            mask[max(s, 0) : min(e, n)] = True
    return mask


def _filter_age_days(n: int, pms: list[dict]) -> np.ndarray:
    changes = sorted(
        _step_of(wo["actual_finish"])
        for wo in pms
        if wo["pm_task"] == "AH-Q1" and wo["actual_finish"] is not None
    )
    steps = np.arange(n)
    last = np.full(n, -91 * 96, dtype=np.int64)
    for c in changes:
        last = np.where(steps >= c, c, last)
    return (steps - last) / 96.0


def _cm_record(
    rng: np.random.Generator,
    asset: C.AssetSpec,
    fm: C.FailureModeSpec,
    reported: datetime,
    start: datetime,
    finish: datetime,
    priority: int,
    episode_id: str | None,
) -> dict:
    hours = round(float(rng.uniform(3, 36)), 1)
    return {
        "work_type": "CM",
        "pm_task": None,
        "description": f"{fm.name} - {asset.name}",
        "asset": asset,
        "priority": priority,
        "reported": reported,
        "target_start": reported + timedelta(hours=4),
        "target_finish": reported + timedelta(days=3),
        "actual_start": start,
        "actual_finish": finish,
        "cancelled": False,
        "labor_hours": hours,
        "material_cost": round(float(rng.lognormal(6.3, 0.9)), 2),
        "failure_code": fm.failure_code,
        "failure_mode": fm.code,
        "episode_id": episode_id,
        "shutdown_hours": 0.0,
    }


SEVERITY_PRIORITY = {"critical": 1, "major": 2, "minor": 3}
LABOR_RATE = 95.0  # USD per hour


def build(seed: int) -> tuple[dict[str, np.ndarray], dict]:
    """Generate the whole plant: telemetry per equipment id and the records."""
    cal = _calendar()
    n = cal.n
    wx = {site: weather(seed, site, cal) for site in C.SITES}
    pms = {a.name: pm_workorders(seed, a) for a in C.ASSETS}
    base_episodes = place_episodes(seed, cal, pms)
    # Episodes whose first work order is closed while the fault goes on
    # (issue 17), placed in the room the others leave, from their own streams.
    episodes = base_episodes + place_persisting_episodes(seed, cal, pms, base_episodes)
    episodes.sort(key=lambda e: (e["start_step"], e["asset"]))
    for i, ep in enumerate(episodes):
        ep["episode_id"] = f"EP-{i + 1:04d}"
    ep_by_asset: dict[str, list[dict]] = {a.name: [] for a in C.ASSETS}
    base_by_asset: dict[str, list[dict]] = {a.name: [] for a in C.ASSETS}
    for ep in episodes:
        ep_by_asset[ep["asset"]].append(ep)
        if not ep.get("persist"):
            base_by_asset[ep["asset"]].append(ep)

    telemetry: dict[str, np.ndarray] = {}
    spikes: dict[str, list[dict]] = {}
    for a in C.ASSETS:
        lat = Latents(n)
        apply_latent_effects(lat, ep_by_asset[a.name], cal)
        oat, wb = wx[a.site]
        shutdown = _shutdown_mask(n, pms[a.name])
        if a.asset_type == "chiller":
            truth = simulate_chiller(seed, a, cal, oat, wb, shutdown, lat)
        else:
            truth = simulate_ahu(seed, a, cal, oat, shutdown, _filter_age_days(n, pms[a.name]), lat)
        data = measure(seed, a, truth, ep_by_asset[a.name], cal)
        # outages skip the original episodes only, so the glitch stream is unchanged
        spikes[a.name] = add_gaps_and_glitches(seed, a, data, base_by_asset[a.name])
        telemetry[a.equipment_id] = data

    # Insufficient evidence (issue 17): gaps, stuck and drifting sensors,
    # missing sensors, delayed data, failed-sensor readings, away from faults.
    busy = {a.name: evidence_busy(cal, a, ep_by_asset[a.name], pms[a.name]) for a in C.ASSETS}
    plan = plan_quality(seed, cal, telemetry, busy, ep_by_asset)
    for a in C.ASSETS:
        spikes[a.name] = apply_quality(a, telemetry[a.equipment_id], plan[a.name], spikes[a.name])

    site_ref = site_oat_references(telemetry)
    alerts: dict[str, list[dict]] = {}
    anomalies: dict[str, list[dict]] = {}
    for a in C.ASSETS:
        data = telemetry[a.equipment_id]
        ref = site_ref.get(a.equipment_id)
        alerts[a.name] = evaluate_rules(a, data, ref)
        anomalies[a.name] = anomaly_monitor(a, data, ref)
    false_alarms = plan_false_alarms(seed, cal, telemetry, site_ref, alerts, busy)

    raw_wos: list[dict] = [wo for a in C.ASSETS for wo in pms[a.name]]
    for a in C.ASSETS:
        rng = _rng(seed, "cm", a.name)
        for ep in base_by_asset[a.name]:
            raw_wos.append(_episode_workorder(rng, a, ep, alerts[a.name], anomalies[a.name]))
        # History before telemetry: corrective work without telemetry.
        fms = [f for f in C.FAILURE_MODES if f.asset_type == a.asset_type]
        span = (C.TELEMETRY_START - C.WORKORDER_START).total_seconds()
        for _ in range(int(rng.poisson(10 * span / (365.25 * 86400)))):
            fm = fms[int(rng.integers(0, len(fms)))]
            rep = C.WORKORDER_START + timedelta(seconds=float(rng.uniform(0, span)))
            rep = rep.replace(second=0, microsecond=0)
            st = rep + timedelta(hours=float(rng.uniform(2, 48)))
            fin = st + timedelta(hours=float(rng.uniform(3, 120)))
            raw_wos.append(_cm_record(rng, a, fm, rep, st, fin, int(rng.integers(1, 4)), None))
        prng = _rng(seed, "quality", "cm", a.name)
        for ep in ep_by_asset[a.name]:
            if ep.get("persist"):
                raw_wos.extend(
                    _persisting_workorders(prng, a, ep, alerts[a.name], anomalies[a.name])
                )
        raw_wos.extend(quality_workorders(prng, a, plan[a.name]))

    workorders = finalize_workorders(raw_wos)
    refs = {w.pop("_ref"): w["wonum"] for w in workorders if "_ref" in w}
    wos_by_episode: dict[str, list[str]] = {}
    for w in workorders:
        if w["episode_id"]:
            wos_by_episode.setdefault(w["episode_id"], []).append(w["wonum"])
    event_alerts = {
        name: items + [fa for fa in false_alarms if fa["asset"] == name]
        for name, items in alerts.items()
    }
    events = build_events(event_alerts, anomalies, spikes, workorders)
    first_alert = _first_alerts(alerts)
    ep_records = []
    for ep in episodes:
        fm = FM_BY_CODE[ep["failure_mode"]]
        wos = wos_by_episode.get(ep["episode_id"], [])
        ep_records.append(
            {
                "episode_id": ep["episode_id"],
                "asset": ep["asset"],
                "equipment_id": ep["equipment_id"],
                "site": ep["site"],
                "failure_mode": fm.code,
                "failure_mode_name": fm.name,
                "failure_code": fm.failure_code,
                "indicator": fm.indicator,
                "signature": fm.signature,
                "onset": "step" if ep["ramp_steps"] == 0 else "ramp",
                "start": _iso(_time_of(ep["start_step"])),
                "full_severity_from": _iso(_time_of(ep["start_step"] + ep["ramp_steps"])),
                "end": _iso(_time_of(ep["end_step"])),
                "ongoing": ep["ongoing"],
                "first_alert": first_alert(ep),
                "workorder": wos[0] if wos else None,
                "workorders": wos,
            }
        )
    data_quality, conflicts = evidence_records(
        cal,
        telemetry,
        site_ref,
        plan,
        false_alarms,
        episodes,
        ep_records,
        pms,
        workorders,
        refs,
        events,
    )
    records = {
        "episodes": ep_records,
        "workorders": workorders,
        "events": events,
        "data_quality": data_quality,
        "evidence_conflicts": conflicts,
    }
    return telemetry, records


def site_oat_references(telemetry: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """For each AHU, the mean outside-air reading of the other AHUs at its site."""
    from services.assetdata.indicators import column

    out: dict[str, np.ndarray] = {}
    ahus = [a for a in C.ASSETS if a.asset_type == "ahu"]
    for a in ahus:
        others = [o for o in ahus if o.site == a.site and o.name != a.name]
        cols = [telemetry[o.equipment_id][:, column(o, "Outside Air Temperature")] for o in others]
        stack = np.vstack(cols).astype(np.float64)
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[a.equipment_id] = np.nanmean(stack, axis=0)
    return out


def _first_alerts(alerts: dict[str, list[dict]]):
    def first(ep: dict) -> str | None:
        fm = FM_BY_CODE[ep["failure_mode"]]
        hits = [
            al["step"]
            for al in alerts[ep["asset"]]
            if ep["start_step"] <= al["step"] < ep["end_step"] and _alert_matches(al, fm)
        ]
        return _iso(_time_of(min(hits))) if hits else None

    return first


def _alert_matches(al: dict, fm: C.FailureModeSpec) -> bool:
    rule: C.AlertRuleSpec = al["rule"]
    return rule.indicator == fm.indicator or fm.failure_code in rule.failure_codes


def _episode_workorder(
    rng: np.random.Generator, a: C.AssetSpec, ep: dict, alerts: list[dict], anomalies: list[dict]
) -> dict:
    fm = FM_BY_CODE[ep["failure_mode"]]
    s, e = ep["start_step"], ep["end_step"]
    hits = [al for al in alerts if s <= al["step"] < e and _alert_matches(al, fm)]
    an = [x for x in anomalies if s <= x["step"] < e and x["indicator"] == fm.indicator]
    first = min([h["step"] for h in hits] + [x["step"] for x in an], default=s + (e - s) // 2)
    priority = min((SEVERITY_PRIORITY[h["rule"].severity] for h in hits), default=3)
    reported = _time_of(first) + timedelta(minutes=15 * int(rng.integers(4, 16)))
    end_t = _time_of(e)
    reported = min(reported, end_t - timedelta(hours=2))
    start = reported + timedelta(hours=float(rng.uniform(1, 20)))
    start = min(start, end_t - timedelta(hours=1)).replace(second=0, microsecond=0)
    finish = end_t if not ep["ongoing"] else None
    wo = _cm_record(rng, a, fm, reported, start, finish, priority, ep["episode_id"])
    return wo


def finalize_workorders(raw: list[dict]) -> list[dict]:
    now = C.NOW
    rows = [w for w in raw if w["reported"] <= now]
    rows.sort(
        key=lambda w: (w["reported"], w["asset"].equipment_id, w["work_type"], w["description"])
    )
    out: list[dict] = []
    for i, w in enumerate(rows):
        a: C.AssetSpec = w["asset"]
        start, finish = w["actual_start"], w["actual_finish"]
        if w["cancelled"]:
            status = "CAN"
        elif finish is not None and finish <= now:
            status = "CLOSE" if finish < now - timedelta(days=60) else "COMP"
        elif start is not None and start <= now:
            status, finish = "INPRG", None
        else:
            status, start, finish = (
                ("APPR" if w["reported"] <= now - timedelta(days=3) else "WAPPR"),
                None,
                None,
            )
        labor = w["labor_hours"] if finish is not None else 0.0
        material = w["material_cost"] if finish is not None else 0.0
        fm = FM_BY_CODE.get(w["failure_mode"] or "")
        out.append(
            {
                "wonum": f"WO{100001 + i}",
                "site_id": a.site,
                "asset_num": a.equipment_id,
                "asset_name": a.name,
                "asset_type": a.asset_type,
                "description": w["description"],
                "work_type": w["work_type"],
                "pm_task": w["pm_task"],
                "priority": int(w["priority"]),
                "status": status,
                "failure_code": w["failure_code"],
                "failure_code_description": C.FAILURE_CODES.get(w["failure_code"] or ""),
                "failure_mode": w["failure_mode"],
                "failure_mode_name": fm.name if fm else None,
                "episode_id": w["episode_id"],
                "reported_date": _iso(w["reported"]),
                "target_start": _iso(w["target_start"]),
                "target_finish": _iso(w["target_finish"]),
                "actual_start": _iso(start) if start else None,
                "actual_finish": _iso(finish) if finish else None,
                "estimated_hours": float(w["labor_hours"]) if w["labor_hours"] else None,
                "labor_hours": float(labor),
                "labor_cost": round(labor * LABOR_RATE, 2),
                "material_cost": float(material),
                "total_cost": round(labor * LABOR_RATE + material, 2),
            }
        )
        if "_ref" in w:  # ties injected work orders to their records (popped in build)
            out[-1]["_ref"] = w["_ref"]
    return out


def build_events(
    alerts: dict[str, list[dict]],
    anomalies: dict[str, list[dict]],
    spikes: dict[str, list[dict]],
    workorders: list[dict],
) -> list[dict]:
    by_name = {a.name: a for a in C.ASSETS}
    rows: list[dict] = []
    for name, items in alerts.items():
        a = by_name[name]
        for al in items:
            rule: C.AlertRuleSpec = al["rule"]
            rows.append(
                {
                    "event_type": "alert",
                    "event_group": "ALERT",
                    "equipment_id": a.equipment_id,
                    "asset_name": a.name,
                    "site_id": a.site,
                    "timestamp": _iso(_time_of(al["step"])),
                    "rule_id": rule.rule_id,
                    "severity": rule.severity,
                    "sensor": al["sensor"],
                    "value": round(al["value"], 3),
                    "threshold": rule.threshold,
                    "description": f"{rule.name} on {a.name}",
                    "failure_codes": list(rule.failure_codes),
                }
            )
    for name, items in anomalies.items():
        a = by_name[name]
        for x in items:
            rows.append(
                {
                    "event_type": "anomaly",
                    "event_group": "ANOMALY",
                    "equipment_id": a.equipment_id,
                    "asset_name": a.name,
                    "site_id": a.site,
                    "timestamp": _iso(_time_of(x["step"])),
                    "sensor": x["sensor"],
                    "indicator": x["indicator"],
                    "score": x["score"],
                    "value": x["value"],
                    "baseline": x["baseline"],
                    "anomaly_kind": x["kind"],
                    "description": f"{ANOMALY_WORDS[x['kind']]} in "
                    f"{x['indicator'].replace('_', ' ')} on {a.name}",
                }
            )
        for sp in spikes[name]:
            rows.append(
                {
                    "event_type": "anomaly",
                    "event_group": "ANOMALY",
                    "equipment_id": a.equipment_id,
                    "asset_name": a.name,
                    "site_id": a.site,
                    "timestamp": _iso(_time_of(sp["step"])),
                    "sensor": f"{a.name} {sp['sensor']}",
                    "indicator": None,
                    "anomaly_kind": "spike",
                    "score": sp["score"],
                    "description": f"Spike in {a.name} {sp['sensor']}",
                }
            )
    for w in workorders:
        rows.append(
            {
                "event_type": "workorder",
                "event_group": "WORK_ORDER",
                "equipment_id": w["asset_num"],
                "asset_name": w["asset_name"],
                "site_id": w["site_id"],
                "timestamp": w["reported_date"],
                "wonum": w["wonum"],
                "work_type": w["work_type"],
                "priority": w["priority"],
                "description": w["description"],
            }
        )
    rows.sort(key=lambda r: (r["timestamp"], r["equipment_id"], r["event_type"], r["description"]))
    for i, r in enumerate(rows):
        r["event_id"] = f"EV{200001 + i}"
    return rows


# ---- insufficient and conflicting evidence (issue 17) ------------------------------
# Each injected situation is recorded with its ground truth (``data_quality`` and
# ``evidence_conflicts`` records, queried through ``services.assetdata.evidence``).
# Everything comes from ``_rng(seed, "quality", ...)`` streams, and everything is
# placed away from the fault episodes (16 days before each: the anomaly monitor's
# baseline and the episode's clean week; 10 days after: the episode's work-order
# story) and from shutdowns, so neither makes the other ambiguous.
DAY = 24 * 60 // C.STEP_MINUTES
HOUR = 60 // C.STEP_MINUTES
EP_MARGIN_BEFORE = 16 * DAY
EP_MARGIN_AFTER = 10 * DAY
EVENT_MARGIN = 2 * DAY  # between two injected situations on one asset
WARMUP = 16 * DAY  # the anomaly monitor has no baseline in the first 14 days
QUALITY_SEVERITY_FALSE_ALARM = 2.0  # telemetry stays this many min_change from the threshold

# failure modes whose fix can plausibly fail (level shifts, never on/off)
PERSIST_FMS = {
    "chiller": ("CH03", "CH04", "CH05", "CH08", "CH10", "CH12"),
    "ahu": ("AH02", "AH03", "AH04", "AH17"),
}
PERSIST_PER_TYPE = 4
DELAYED_PER_TYPE = 3  # the first two cover the whole asset, the third one sensor
FALSE_ALARMS_PER_ASSET = 2
# Sensors per situation; sensors a catalogued sensor-fault failure mode acts on
# the same way are left out (a drifting supply temperature would be CH14), and so
# are the sensors that tell whether an asset runs and the AHUs' outside air (the
# site reference of the other AHUs).
STUCK_SENSORS = {
    "chiller": (
        C.S_SUP,
        C.S_RET,
        C.S_CWS,
        C.S_CDR,
        C.S_DIS,
        C.S_CHWF,
        C.S_CWF,
    ),
    "ahu": (C.A_SAT, C.A_MAT, C.A_STP, C.A_FDP, C.A_FLW),
}
DRIFT_SENSORS = {  # kind -> (smallest, largest) bias at the end of the drift
    "chiller": {C.S_RET: (2.5, 4.5), C.S_CWS: (2.5, 4.5), C.S_DIS: (5.0, 9.0)},
    "ahu": {C.A_RAT: (2.5, 4.5), C.A_MAT: (2.5, 4.5)},
}
MISSING_SENSORS = {
    "chiller": (C.S_SUP, C.S_RET, C.S_TON, C.S_LOAD, C.S_CHWF, C.S_CWF, C.S_CWS, C.S_CWR, C.S_DIS),
    "ahu": (C.A_SAT, C.A_RAT, C.A_MAT, C.A_DMP, C.A_VLV, C.A_PWR, C.A_STP, C.A_FLW, C.A_FDP),
}
FAILED_SENSOR_VALUE = -40.0  # what an open-circuit temperature input reads on the BMS
REPLACE_SENSORS = {  # kind -> reading of the failed sensor until it is replaced
    "chiller": {C.S_CHWF: 0.0, C.S_CWF: 0.0, C.S_RET: FAILED_SENSOR_VALUE, C.S_DIS: -40.0},
    "ahu": {C.A_FLW: 0.0, C.A_STP: 0.0, C.A_SAT: FAILED_SENSOR_VALUE, C.A_MAT: -40.0},
}
SENSOR_FAILURE_CODE = {"chiller": "MT005", "ahu": "MT014"}
# Example windows the docs, tests and benches use as plain data: kept clean.
RESERVED: dict[str, tuple[tuple[str, str], ...]] = {
    "Chiller 6": (("2020-05-08", "2020-06-10"),),
    "Chiller 9": (("2020-05-25", "2020-06-05"),),
}


def _running_truth(asset: C.AssetSpec, cal: Calendar) -> np.ndarray:
    """When the asset is scheduled to run (shutdowns aside)."""
    weekday = cal.weekday < 5
    if asset.asset_type == "chiller":
        if asset.always_on:
            return np.ones(cal.n, dtype=bool)
        return weekday & (cal.hour >= 6) & (cal.hour < 20)
    return weekday & (cal.hour >= 6) & (cal.hour < 19)


def place_persisting_episodes(
    seed: int, cal: Calendar, pms: dict[str, list[dict]], base: list[dict]
) -> list[dict]:
    """Fault episodes whose corrective work order gets closed while the fault
    goes on: per asset type ``PERSIST_PER_TYPE`` assets, the first one still
    faulty at "now" ("unresolved"), the others fixed by a second work order
    ("reopened")."""
    n, out = cal.n, []
    for atype in ("chiller", "ahu"):
        rng = _rng(seed, "quality", "persist", atype)
        assets = [a for a in C.ASSETS if a.asset_type == atype]
        order = [assets[int(i)] for i in rng.permutation(len(assets))]
        fms = list(PERSIST_FMS[atype])
        placed = unresolved = 0
        for a in order:
            if placed >= PERSIST_PER_TYPE:
                break
            busy = np.zeros(n, dtype=bool)
            for ep in base:
                if ep["asset"] == a.name:
                    s = max(ep["start_step"] - EP_MARGIN_BEFORE, 0)
                    busy[s : ep["end_step"] + EP_MARGIN_AFTER] = True
            for wo in pms[a.name]:
                if wo["shutdown_hours"] >= 8 and wo["actual_start"] is not None:
                    s = _step_of(wo["actual_start"]) - 4 * DAY
                    e = _step_of(wo["actual_finish"]) + 2 * DAY
                    busy[max(s, 0) : max(min(e, n), 0)] = True
            busy[:WARMUP] = True
            fm = FM_BY_CODE[fms[int(rng.integers(0, len(fms)))]]
            variants = ("unresolved", "reopened") if not unresolved else ("reopened",)
            for variant in variants:
                ep = _place_persisting(rng, cal, busy, a, fm, variant)
                if ep is not None:
                    out.append(ep)
                    placed += 1
                    unresolved += variant == "unresolved"
                    break
    return out


def _place_persisting(
    rng: np.random.Generator,
    cal: Calendar,
    busy: np.ndarray,
    asset: C.AssetSpec,
    fm: C.FailureModeSpec,
    variant: str,
) -> dict | None:
    n = cal.n
    for _attempt in range(300):
        if variant == "unresolved":
            start = int(rng.integers(n - 12 * DAY, n - 6 * DAY))
            end = n
        else:
            start = int(rng.integers(WARMUP + 8 * DAY, n - 30 * DAY))
            end = start + int(rng.integers(8, 14)) * DAY + int(rng.integers(0, DAY))
        if busy[start - 8 * DAY : min(end + DAY, n)].any():
            continue
        if fm.months and not np.all(np.isin(cal.month[[start, end - 1]], fm.months)):
            continue
        if (not asset.always_on or asset.asset_type == "ahu") and cal.weekday[start] >= 5:
            continue
        busy[start - 8 * DAY : end + DAY] = True
        ramp = 0 if fm.onset == "step" else int((end - start) * float(rng.uniform(0.2, 0.35)))
        return {
            "asset": asset.name,
            "equipment_id": asset.equipment_id,
            "site": asset.site,
            "failure_mode": fm.code,
            "start_step": start,
            "end_step": end,
            "ramp_steps": ramp,
            "ongoing": end >= n,
            "persist": variant,
        }
    return None


def evidence_busy(
    cal: Calendar, asset: C.AssetSpec, episodes: list[dict], pms: list[dict]
) -> np.ndarray:
    """Steps where no injected situation may lie (their own spacing is checked
    with ``EVENT_MARGIN`` around each candidate)."""
    n = cal.n
    busy = np.zeros(n, dtype=bool)
    busy[:WARMUP] = True
    for ep in episodes:
        busy[max(ep["start_step"] - EP_MARGIN_BEFORE, 0) : ep["end_step"] + EP_MARGIN_AFTER] = True
    for wo in pms:
        if wo["shutdown_hours"] > 0 and wo["actual_start"] is not None:
            s = _step_of(wo["actual_start"])
            e = _step_of(wo["actual_finish"])
            if e > 0 and s < n:
                busy[max(s - DAY, 0) : min(e + DAY, n)] = True
    for lo, hi in RESERVED.get(asset.name, ()):
        busy[_step_of(datetime.fromisoformat(lo)) : _step_of(datetime.fromisoformat(hi))] = True
    return busy


def _free(busy: np.ndarray, s: int, e: int, margin: int = EVENT_MARGIN) -> bool:
    return 0 <= s < e <= busy.size and not busy[max(s - margin, 0) : e + margin].any()


def _place_span(
    rng: np.random.Generator,
    busy: np.ndarray,
    lengths: tuple[int, int],
    ok=None,
    tries: int = 300,
) -> tuple[int, int] | None:
    n = busy.size
    for _ in range(tries):
        length = int(rng.integers(*lengths))
        s = int(rng.integers(WARMUP, n - length - DAY))
        e = s + length
        if not _free(busy, s, e):
            continue
        if ok is not None:
            moved = ok(s, e)
            if moved is None:
                continue
            s, e = moved
            if not _free(busy, s, e):
                continue
        busy[s:e] = True
        return s, e
    return None


def _margins_only(busy: np.ndarray, hard: np.ndarray, episodes: list[dict]) -> np.ndarray:
    """The steps ``busy`` holds only for an episode's margins."""
    m = np.zeros(busy.size, dtype=bool)
    for ep in episodes:
        m[max(ep["start_step"] - EP_MARGIN_BEFORE, 0) : ep["end_step"] + EP_MARGIN_AFTER] = True
    return m & ~hard


def plan_quality(
    seed: int,
    cal: Calendar,
    telemetry: dict[str, np.ndarray],
    busy: dict[str, np.ndarray],
    episodes: dict[str, list[dict]],
) -> dict[str, list[dict]]:
    """Where each asset's data goes wrong. Items: ``kind`` (gap, stuck,
    drift, delayed, missing, replaced), ``sensor`` (kind or None for the whole
    asset), ``s``/``e`` steps, and per kind ``bias`` / ``value``."""
    n = cal.n
    plan: dict[str, list[dict]] = {a.name: [] for a in C.ASSETS}
    # delayed data first: it has to sit at the end of the telemetry
    for atype in ("chiller", "ahu"):
        rng = _rng(seed, "quality", "delayed", atype)
        assets = [a for a in C.ASSETS if a.asset_type == atype]
        done = 0
        for i in rng.permutation(len(assets)):
            if done >= DELAYED_PER_TYPE:
                break
            a = assets[int(i)]
            whole = done < DELAYED_PER_TYPE - 1
            if whole:
                length = int(rng.integers(6 * HOUR, 4 * DAY))
                sensor = None
            else:
                length = int(rng.integers(DAY, 8 * DAY))
                sensor = MISSING_SENSORS[atype][int(rng.integers(0, len(MISSING_SENSORS[atype])))]
            # the end of the data only has to stay clear of the faults themselves
            hard = np.zeros(n, dtype=bool)
            for ep in episodes[a.name]:
                hard[ep["start_step"] : ep["end_step"] + EVENT_MARGIN] = True
            late = busy[a.name] & ~_margins_only(busy[a.name], hard, episodes[a.name])
            taken = np.flatnonzero(hard | late)
            room = n - (int(taken[-1]) + 1 + EVENT_MARGIN if taken.size else 0)
            if room < 6 * HOUR:
                continue
            length = min(length, room)
            s = n - length
            busy[a.name][s:] = True
            plan[a.name].append({"kind": "delayed", "sensor": sensor, "s": s, "e": n})
            done += 1
    for a in C.ASSETS:
        rng = _rng(seed, "quality", "plan", a.name)
        plan[a.name] += _plan_asset(rng, cal, a, telemetry[a.equipment_id], busy[a.name])
        plan[a.name].sort(key=lambda q: (q["s"], q["kind"]))
    return plan


def _plan_asset(
    rng: np.random.Generator, cal: Calendar, a: C.AssetSpec, data: np.ndarray, b: np.ndarray
) -> list[dict]:
    """One asset's drift, missing sensor, gap, two stuck sensors and failed
    sensor, in that order (longest first), each in free time."""
    n = cal.n
    run = running_mask(a, data)
    sched = _running_truth(a, cal)
    kinds = C.SENSOR_KINDS[a.asset_type]
    out: list[dict] = []

    def col(kind: str) -> int:
        return next(j for j, k in enumerate(kinds) if k.kind == kind)

    def pick(options) -> str:
        options = list(options)
        return options[int(rng.integers(0, len(options)))]

    kind = pick(DRIFT_SENSORS[a.asset_type])
    lo, hi = DRIFT_SENSORS[a.asset_type][kind]
    bias = round(float(rng.uniform(lo, hi)), 1)

    def ends_at_work(s: int, e: int) -> tuple[int, int] | None:
        # the calibration happens on a working morning when the asset runs
        day_end = e - e % DAY
        for d in range(5):
            t = day_end + d * DAY + 10 * HOUR
            if t < n and sched[t - 2 * HOUR : t].all() and cal.weekday[t] < 5:
                return s, t
        return None

    span = _place_span(rng, b, (5 * DAY, 14 * DAY), ends_at_work)
    if span is not None:
        out.append({"kind": "drift", "sensor": kind, "s": span[0], "e": span[1], "bias": bias})
    kind = pick(MISSING_SENSORS[a.asset_type])
    span = _place_span(rng, b, (3 * DAY, 14 * DAY))
    if span is not None:
        out.append({"kind": "missing", "sensor": kind, "s": span[0], "e": span[1]})
    span = _place_span(rng, b, (DAY, 4 * DAY))
    if span is not None:
        out.append({"kind": "gap", "sensor": None, "s": span[0], "e": span[1]})
    for _ in range(2):
        kind = pick(STUCK_SENSORS[a.asset_type])
        j = col(kind)

        def onset_running(s: int, e: int, j: int = j) -> tuple[int, int] | None:
            # freeze at a reading taken while the asset runs
            for t in range(s, min(s + DAY, e - 1)):
                v = data[t, j]
                if run[t] and np.isfinite(v) and v != 0.0:
                    return t, e
            return None

        span = _place_span(rng, b, (12 * HOUR, 5 * DAY), onset_running)
        if span is not None:
            v = float(data[span[0], j])
            out.append({"kind": "stuck", "sensor": kind, "s": span[0], "e": span[1], "value": v})
    # a sensor that fails (reads its failure value) until it is replaced
    choices = REPLACE_SENSORS[a.asset_type]
    kind = pick(choices)
    j = col(kind)

    def failed_at_work(s: int, e: int) -> tuple[int, int] | None:
        # fails on a working morning while running, replaced the same day
        day = s - s % DAY
        for d in range(7):
            t = day + d * DAY + 7 * HOUR
            stop = t + (e - s)
            if stop + DAY >= n or cal.weekday[t] >= 5:
                continue
            if run[t:stop].mean() > 0.9 and np.isfinite(data[t:stop, j]).all():
                return t, stop
        return None

    span = _place_span(rng, b, (4 * HOUR, 10 * HOUR), failed_at_work)
    if span is not None:
        out.append(
            {"kind": "replaced", "sensor": kind, "s": span[0], "e": span[1], "value": choices[kind]}
        )
    return out


def apply_quality(
    asset: C.AssetSpec, data: np.ndarray, items: list[dict], spikes: list[dict]
) -> list[dict]:
    """Write the planned situations into the asset's readings; return the
    spikes that still show (a spike under a gap or a frozen reading is gone)."""
    kinds = C.SENSOR_KINDS[asset.asset_type]
    index = {k.kind: j for j, k in enumerate(kinds)}
    hidden: list[tuple[int, int, str | None]] = []
    for q in items:
        s, e = q["s"], q["e"]
        j = index[q["sensor"]] if q["sensor"] is not None else None
        if q["kind"] in ("gap", "delayed", "missing"):
            if j is None:
                data[s:e, :] = np.nan
            else:
                data[s:e, j] = np.nan
        elif q["kind"] in ("stuck", "replaced"):
            col = data[s:e, j]
            data[s:e, j] = np.where(np.isfinite(col), np.float32(q["value"]), np.nan)
        elif q["kind"] == "drift":
            ramp = q["bias"] * np.arange(1, e - s + 1) / (e - s)
            col = data[s:e, j].astype(np.float64) + ramp
            data[s:e, j] = np.round(col, kinds[j].decimals).astype(np.float32)
        if q["kind"] != "drift":
            hidden.append((s, e, q["sensor"]))
    return [
        sp
        for sp in spikes
        if not any(s <= sp["step"] < e and k in (None, sp["sensor"]) for s, e, k in hidden)
    ]


def plan_false_alarms(
    seed: int,
    cal: Calendar,
    telemetry: dict[str, np.ndarray],
    site_ref: dict[str, np.ndarray],
    alerts: dict[str, list[dict]],
    busy: dict[str, np.ndarray],
) -> list[dict]:
    """Alerts with nothing behind them: the rule's indicator stays at least
    ``QUALITY_SEVERITY_FALSE_ALARM`` x min_change on the safe side of the
    threshold for 12 hours either side, with data present, and no real alert
    on the asset within a day."""
    out: list[dict] = []
    n = cal.n
    for a in C.ASSETS:
        rng = _rng(seed, "quality", "false_alarm", a.name)
        data = telemetry[a.equipment_id]
        run = running_mask(a, data)
        rules = [r for r in C.ALERT_RULES if r.asset_type == a.asset_type]
        real = np.array(sorted(al["step"] for al in alerts[a.name]), dtype=np.int64)
        b = busy[a.name]
        placed = 0
        for _attempt in range(60):
            if placed >= FALSE_ALARMS_PER_ASSET:
                break
            rule = rules[int(rng.integers(0, len(rules)))]
            ind = C.INDICATORS[rule.indicator]
            t = int(rng.integers(WARMUP, n - 2 * DAY))
            t -= t % HOUR
            if not _free(b, t - 12 * HOUR, t + 12 * HOUR):
                continue
            if ind.running_only and not run[t - HOUR : t + HOUR].all():
                continue
            if real.size and np.abs(real - t).min() < DAY:
                continue
            x = indicator_values(a, data, rule.indicator, site_ref.get(a.equipment_id))
            w = x[t - 12 * HOUR : t + 12 * HOUR]
            if ind.running_only:
                w = w[run[t - 12 * HOUR : t + 12 * HOUR]]
            w = w[np.isfinite(w)]
            if w.size < 8 * HOUR:
                continue
            gap = QUALITY_SEVERITY_FALSE_ALARM * ind.min_change
            if rule.condition == ">":
                if w.max() > rule.threshold - gap:
                    continue
                value = rule.threshold + float(rng.uniform(0.2, 1.0)) * ind.min_change
            else:
                if w.min() < rule.threshold + gap:
                    continue
                value = rule.threshold - float(rng.uniform(0.2, 1.0)) * ind.min_change
            b[t - 12 * HOUR : t + 12 * HOUR] = True
            out.append(
                {
                    "asset": a.name,
                    "step": t,
                    "rule": rule,
                    "value": value,
                    "sensor": f"{a.name} {ind.plus}",
                    "observed": (float(w.min()), float(w.max()), float(w.mean())),
                }
            )
            placed += 1
    return out


def _service_record(
    rng: np.random.Generator,
    asset: C.AssetSpec,
    description: str,
    reported: datetime,
    start: datetime,
    finish: datetime,
    material: float,
    ref: tuple,
) -> dict:
    hours = round((finish - start).total_seconds() / 3600 + float(rng.uniform(0.0, 1.0)), 1)
    return {
        "work_type": "CM",
        "pm_task": None,
        "description": description,
        "asset": asset,
        "priority": 3,
        "reported": reported,
        "target_start": reported + timedelta(hours=4),
        "target_finish": reported + timedelta(days=3),
        "actual_start": start,
        "actual_finish": finish,
        "cancelled": False,
        "labor_hours": hours,
        "material_cost": material,
        "failure_code": SENSOR_FAILURE_CODE[asset.asset_type],
        "failure_mode": None,
        "episode_id": None,
        "shutdown_hours": 0.0,
        "_ref": ref,
    }


def quality_workorders(rng: np.random.Generator, a: C.AssetSpec, items: list[dict]) -> list[dict]:
    """The calibration that ends each drift and the replacement of each failed
    sensor (corrective work on the sensor, no failure mode)."""
    out = []
    for q in items:
        if q["kind"] == "drift":
            finish = _time_of(q["e"])
            start = finish - timedelta(minutes=15 * int(rng.integers(4, 12)))
            reported = start - timedelta(hours=float(rng.integers(4, 48)))
            out.append(
                _service_record(
                    rng,
                    a,
                    f"Recalibrate {q['sensor'].lower()} sensor (reading drifted) - {a.name}",
                    reported,
                    start,
                    finish,
                    0.0,
                    ("drift", q["s"]),
                )
            )
        elif q["kind"] == "replaced":
            failed, finish = _time_of(q["s"]), _time_of(q["e"])
            reported = failed + timedelta(minutes=15 * int(rng.integers(2, 8)))
            start = finish - timedelta(minutes=15 * int(rng.integers(3, 8)))
            start = max(start, reported + timedelta(minutes=30))
            out.append(
                _service_record(
                    rng,
                    a,
                    f"Replace failed {q['sensor'].lower()} sensor - {a.name}",
                    reported,
                    start,
                    finish,
                    round(float(rng.uniform(180, 650)), 2),
                    ("replaced", q["s"]),
                )
            )
    return out


def _persisting_workorders(
    rng: np.random.Generator, a: C.AssetSpec, ep: dict, alerts: list[dict], anomalies: list[dict]
) -> list[dict]:
    """The corrective work order of a persisting episode is reported like any
    other and completed while the fault goes on; "reopened" episodes get a
    second work order at the next alert or anomaly, finished when the fault
    ends."""
    fm = FM_BY_CODE[ep["failure_mode"]]
    s, e = ep["start_step"], ep["end_step"]
    full = s + ep["ramp_steps"]

    def signals(after: int) -> list[int]:
        hits = [al["step"] for al in alerts if after <= al["step"] < e and _alert_matches(al, fm)]
        hits += [
            x["step"]
            for x in anomalies
            if after <= x["step"] < e and x["indicator"] == fm.indicator
        ]
        return sorted(hits)

    hits = [al for al in alerts if s <= al["step"] < e and _alert_matches(al, fm)]
    priority = min((SEVERITY_PRIORITY[h["rule"].severity] for h in hits), default=3)
    first = (signals(s) or [s + DAY])[0]
    reported = _time_of(first) + timedelta(minutes=15 * int(rng.integers(4, 16)))
    start = (reported + timedelta(hours=float(rng.uniform(1, 20)))).replace(second=0, microsecond=0)
    closed = max(
        start + timedelta(hours=float(rng.uniform(4, 30))),
        _time_of(full) + timedelta(hours=12),
    ).replace(second=0, microsecond=0)
    closed = min(closed, _time_of(e) - timedelta(days=3))
    closed = _time_of(_step_of(max(closed, start + timedelta(hours=2))))
    ep["closed_step"] = _step_of(closed)
    first_wo = _cm_record(rng, a, fm, reported, start, closed, priority, ep["episode_id"])
    first_wo["_ref"] = ("persist", ep["episode_id"], 0)
    out = [first_wo]
    if ep["persist"] == "reopened":
        again = [h for h in signals(ep["closed_step"] + 12 * HOUR)]
        t = again[0] if again else (ep["closed_step"] + e) // 2
        rep2 = _time_of(t) + timedelta(minutes=15 * int(rng.integers(4, 16)))
        rep2 = min(rep2, _time_of(e) - timedelta(hours=6))
        st2 = min(
            rep2 + timedelta(hours=float(rng.uniform(1, 20))), _time_of(e) - timedelta(hours=1)
        )
        second = _cm_record(
            rng,
            a,
            fm,
            rep2,
            st2.replace(second=0, microsecond=0),
            _time_of(e),
            priority,
            ep["episode_id"],
        )
        second["_ref"] = ("persist", ep["episode_id"], 1)
        out.append(second)
    return out


def _nan_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs where ``mask`` is True."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _run_around(mask: np.ndarray, s: int, e: int) -> tuple[int, int]:
    """Grow [s, e) over the True steps of ``mask`` that touch it."""
    while s > 0 and mask[s - 1]:
        s -= 1
    while e < mask.size and mask[e]:
        e += 1
    return s, e


OUTAGE_MIN_STEPS = 8 * HOUR  # communication outages this long are recorded as gaps
RECORD_PAD = 6 * HOUR  # events of a record: within its window, 6 h either side


def evidence_records(
    cal: Calendar,
    telemetry: dict[str, np.ndarray],
    site_ref: dict[str, np.ndarray],
    plan: dict[str, list[dict]],
    false_alarms: list[dict],
    episodes: list[dict],
    ep_records: list[dict],
    pms: dict[str, list[dict]],
    workorders: list[dict],
    refs: dict[tuple, str],
    events: list[dict],
) -> tuple[list[dict], list[dict]]:
    """The ``data_quality`` and ``evidence_conflicts`` records (ground truth)."""
    n = cal.n
    wo_by_num = {w["wonum"]: w for w in workorders}
    wo_by_key = {(w["asset_num"], w["reported_date"], w["description"]): w for w in workorders}
    ev_by_eq: dict[str, list[dict]] = {}
    for ev in events:
        ev_by_eq.setdefault(ev["equipment_id"], []).append(ev)
    ep_by_id = {r["episode_id"]: r for r in ep_records}

    def window_events(a: C.AssetSpec, s: int, e: int, sensor: str | None = None) -> dict:
        lo, hi = _iso(_time_of(max(s - RECORD_PAD, 0))), _iso(_time_of(e + RECORD_PAD))
        rows = [
            ev
            for ev in ev_by_eq.get(a.equipment_id, [])
            if lo <= ev["timestamp"] < hi and ev["event_type"] in ("alert", "anomaly")
        ]
        return {
            "alerts": [ev["event_id"] for ev in rows if ev["event_type"] == "alert"],
            "anomalies": [ev["event_id"] for ev in rows if ev["event_type"] == "anomaly"],
        }

    def record(a: C.AssetSpec, kind: str, sensor: str | None, s: int, e: int) -> dict:
        full = [f"{a.name} {k.kind}" for k in C.SENSOR_KINDS[a.asset_type]]
        return {
            "id": None,
            "kind": kind,
            "asset": a.name,
            "equipment_id": a.equipment_id,
            "site": a.site,
            "asset_type": a.asset_type,
            "sensor": f"{a.name} {sensor}" if sensor else None,
            "sensors": [f"{a.name} {sensor}"] if sensor else full,
            "start": _iso(_time_of(s)),
            "end": _iso(_time_of(e)),
            **window_events(a, s, e),
            "_s": s,
            "_e": e,
            "_links": set(),
        }

    dq: list[dict] = []
    ec: list[dict] = []
    for a in C.ASSETS:
        data = telemetry[a.equipment_id]
        kinds = C.SENSOR_KINDS[a.asset_type]
        index = {k.kind: j for j, k in enumerate(kinds)}
        unit = {k.kind: k.unit for k in kinds}
        allnan = np.isnan(data).all(axis=1)
        items = plan[a.name]
        injected_gaps = [q for q in items if q["kind"] == "gap"]
        whole_delay = [q for q in items if q["kind"] == "delayed" and q["sensor"] is None]
        for s, e in _nan_runs(allnan):
            mine = [q for q in injected_gaps if s <= q["s"] and q["e"] <= e]
            if whole_delay and e == n:
                continue
            if not mine and e - s < OUTAGE_MIN_STEPS:
                continue
            r = record(a, "gap", None, s, e)
            r["details"] = {
                "origin": "injected" if mine else "outage",
                "missing_steps": e - s,
                "hours": round((e - s) / HOUR, 2),
                "data_resumes": _iso(_time_of(e)),
            }
            dq.append(r)
        for q in items:
            s, e, kind = q["s"], q["e"], q["kind"]
            j = index[q["sensor"]] if q["sensor"] else None
            if kind == "delayed":
                mask = allnan if j is None else np.isnan(data[:, j])
                s, _ = _run_around(mask, s, e)
                r = record(a, "delayed", q["sensor"], s, n)
                r["details"] = {
                    "scope": "asset" if j is None else "sensor",
                    "data_available_until": _iso(_time_of(s)),
                    "last_reading": _iso(_time_of(s - 1)),
                    "hours_behind": round((n - s) / HOUR, 2),
                }
                dq.append(r)
            elif kind == "missing":
                s, e = _run_around(np.isnan(data[:, j]), s, e)
                r = record(a, "missing", q["sensor"], s, e)
                r["details"] = {"missing_steps": e - s, "days": round((e - s) / DAY, 2)}
                dq.append(r)
            elif kind == "stuck":
                r = record(a, "stuck", q["sensor"], s, e)
                r["details"] = {
                    "value": round(float(data[s, j]), kinds[j].decimals),
                    "steps": e - s,
                    "hours": round((e - s) / HOUR, 2),
                    "unit": unit[q["sensor"]],
                }
                dq.append(r)
            elif kind == "drift":
                wonum = refs[("drift", s)]
                wo = wo_by_num[wonum]
                r = record(a, "drift", q["sensor"], s, e)
                r["details"] = {
                    "bias_at_end": q["bias"],
                    "unit": unit[q["sensor"]],
                    "rate_per_day": round(q["bias"] / ((e - s) / DAY), 3),
                    "corrected_at": _iso(_time_of(e)),
                    "workorder": wonum,
                }
                dq.append(r)
                cs = _step_of(datetime.fromisoformat(wo["actual_start"]))
                c = record(a, "explained_anomaly", q["sensor"], cs, e + HOUR)
                c.update(
                    subkind="calibration",
                    workorders=[wonum],
                    details={
                        "anomaly": "step",
                        "step_change": -q["bias"],
                        "unit": unit[q["sensor"]],
                        "at": _iso(_time_of(e)),
                        "drift_start": _iso(_time_of(s)),
                    },
                    explanation=(
                        f"{a.name} {q['sensor']} drops by {q['bias']} {unit[q['sensor']]} at "
                        f"{_iso(_time_of(e))}: work order {wonum} recalibrated the sensor, "
                        f"which had drifted up since {_iso(_time_of(s))}; no fault in the process."
                    ),
                )
                c["_links"].add(id(r))
                r["_links"].add(id(c))
                ec.append(c)
            elif kind == "replaced":
                wonum = refs[("replaced", s)]
                c = record(a, "explained_anomaly", q["sensor"], s, e)
                c.update(
                    subkind="sensor_replaced",
                    workorders=[wonum],
                    details={
                        "anomaly": "dip",
                        "reading": q["value"],
                        "unit": unit[q["sensor"]],
                        "replaced_at": _iso(_time_of(e)),
                    },
                    explanation=(
                        f"{a.name} {q['sensor']} reads {q['value']} {unit[q['sensor']]} from "
                        f"{_iso(_time_of(s))} to {_iso(_time_of(e))} because the sensor had "
                        f"failed; work order {wonum} replaced it. The process was normal."
                    ),
                )
                ec.append(c)
        # planned shutdowns and filter changes the PM history explains
        sched = _running_truth(a, cal)
        status = "Run Status" if a.asset_type == "chiller" else "Supply Fan Status"
        for pm in pms[a.name]:
            if pm["shutdown_hours"] <= 0 or pm["actual_start"] is None:
                continue
            s = _step_of(pm["actual_start"])
            e = _step_of(pm["actual_start"] + timedelta(hours=pm["shutdown_hours"]))
            if s < WARMUP or e > n - DAY or sched[s:e].mean() < 0.5:
                continue
            if np.isfinite(data[s:e, index[status]]).mean() < 0.5:
                continue
            wo = wo_by_key.get((a.equipment_id, _iso(pm["reported"]), pm["description"]))
            if wo is None:
                continue
            if pm["pm_task"] == "AH-Q1":
                fdp = data[:, index[C.A_FDP]].astype(np.float64)
                run = sched & np.isfinite(fdp)
                before = fdp[s - DAY : s][run[s - DAY : s]]
                after = fdp[e : e + DAY][run[e : e + DAY]]
                if before.size < 8 or after.size < 8:
                    continue
                c = record(a, "explained_anomaly", C.A_FDP, s, e)
                c.update(
                    subkind="filter_replaced",
                    workorders=[wo["wonum"]],
                    details={
                        "anomaly": "step",
                        "before": round(float(np.median(before)), 2),
                        "after": round(float(np.median(after)), 2),
                        "unit": "inWC",
                        "shutdown_hours": pm["shutdown_hours"],
                    },
                    explanation=(
                        f"{a.name} filter differential pressure steps down from about "
                        f"{float(np.median(before)):.2f} to {float(np.median(after)):.2f} inWC "
                        f"and the fan stops for {pm['shutdown_hours']:g} h on "
                        f"{_iso(_time_of(s))[:10]}: preventive work order {wo['wonum']} "
                        f"replaced the filters."
                    ),
                )
            else:
                c = record(a, "explained_anomaly", status, s, e)
                c.update(
                    subkind="planned_shutdown",
                    workorders=[wo["wonum"]],
                    details={
                        "anomaly": "shutdown",
                        "shutdown_hours": pm["shutdown_hours"],
                        "scheduled_share": round(float(sched[s:e].mean()), 3),
                    },
                    explanation=(
                        f"{a.name} is off for {pm['shutdown_hours']:g} h from "
                        f"{_iso(_time_of(s))} while it would normally run: planned "
                        f"maintenance, preventive work order {wo['wonum']} "
                        f"({pm['description']})."
                    ),
                )
            c["_found"] = True  # not injected: kept only when clean
            ec.append(c)

    by_name = {a.name: a for a in C.ASSETS}
    for fa in false_alarms:
        a = by_name[fa["asset"]]
        rule: C.AlertRuleSpec = fa["rule"]
        ts = _iso(_time_of(fa["step"]))
        ev = next(
            x
            for x in ev_by_eq[a.equipment_id]
            if x["event_type"] == "alert" and x["timestamp"] == ts and x["rule_id"] == rule.rule_id
        )
        lo, hi, mean = fa["observed"]
        c = record(
            a, "alert_without_telemetry", None, fa["step"] - 12 * HOUR, fa["step"] + 12 * HOUR
        )
        c.update(
            subkind="false_alarm",
            sensor=fa["sensor"],
            sensors=[fa["sensor"]],
            alerts=[ev["event_id"]],
            workorders=[],
            details={
                "alert": ev["event_id"],
                "alert_time": ts,
                "rule_id": rule.rule_id,
                "rule": rule.name,
                "indicator": rule.indicator,
                "condition": rule.condition,
                "threshold": rule.threshold,
                "alert_value": round(fa["value"], 3),
                "observed_min": round(lo, 3),
                "observed_max": round(hi, 3),
                "observed_mean": round(mean, 3),
            },
            explanation=(
                f"Alert {ev['event_id']} ({rule.name}, {rule.indicator} {rule.condition} "
                f"{rule.threshold}) on {a.name} at {ts} has no support in the telemetry: "
                f"the {rule.indicator.replace('_', ' ')} stays between {lo:.2f} and {hi:.2f} "
                f"from 12 h before to 12 h after; a false alarm, no work order."
            ),
        )
        ec.append(c)

    for ep in episodes:
        if not ep.get("persist"):
            continue
        a = by_name[ep["asset"]]
        rec = ep_by_id[ep["episode_id"]]
        fm = FM_BY_CODE[ep["failure_mode"]]
        wos = rec["workorders"]
        first = wo_by_num[wos[0]]
        cs, e = ep["closed_step"], ep["end_step"]
        x = indicator_values(
            a, telemetry[a.equipment_id], fm.indicator, site_ref.get(a.equipment_id)
        )
        if C.INDICATORS[fm.indicator].running_only:
            x = np.where(running_mask(a, telemetry[a.equipment_id]), x, np.nan)
        # the signature as library.signature_check measures it, after the close
        ind = C.INDICATORS[fm.indicator]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            xb, xa = x[ep["start_step"] - 7 * DAY : ep["start_step"]], x[cs:e]
            base, after = float(np.nanmean(xb)), float(np.nanmean(xa))
            sb, sa = float(np.nanstd(xb)), float(np.nanstd(xa))
        z = (after - base) / (max(sb, ind.min_change) if ind.baseline else ind.min_change)
        c = record(a, "closed_but_persisting", C.INDICATORS[fm.indicator].plus, cs, e)
        ind_events = window_events(a, cs, e)
        matched = [
            ev["event_id"]
            for ev in ev_by_eq[a.equipment_id]
            if ev["event_id"] in set(ind_events["alerts"] + ind_events["anomalies"])
            and cs <= _step_of(datetime.fromisoformat(ev["timestamp"])) < e
            and (
                ev.get("indicator") == fm.indicator
                or fm.failure_code in ev.get("failure_codes", ())
            )
        ]
        c.update(
            subkind="unresolved" if ep["persist"] == "unresolved" else "reopened",
            workorders=list(wos),
            episode_id=ep["episode_id"],
            details={
                "closed_workorder": first["wonum"],
                "closed_status": first["status"],
                "closed_at": first["actual_finish"],
                "persisted_until": rec["end"],
                "ongoing": ep["ongoing"],
                "followup_workorder": wos[1] if len(wos) > 1 else None,
                "failure_mode": fm.code,
                "failure_mode_name": fm.name,
                "indicator": fm.indicator,
                "signature": fm.signature,
                "baseline_mean": round(base, 3),
                "baseline_std": round(sb, 3),
                "after_close_mean": round(after, 3),
                "after_close_std": round(sa, 3),
                "z": round(z, 2),
                "signals_after_close": matched,
            },
            explanation=(
                f"Work order {first['wonum']} ({fm.name}) on {a.name} was completed at "
                f"{first['actual_finish']}, but the {fm.indicator.replace('_', ' ')} "
                + (
                    f"keeps oscillating (std {sa:.2f} against {sb:.2f} before the fault) "
                    if fm.signature == "oscillation"
                    else f"stays at about {after:.2f} against {base:.2f} before the fault "
                )
                + (
                    "and is still off at now: the fault is not resolved."
                    if ep["ongoing"]
                    else f"until {rec['end']}; work order {wos[1]} finally fixed it."
                )
            ),
        )
        ec.append(c)

    # clean: no fault episode within 2 days and no other record within a day
    spans: dict[str, list[tuple[int, int, int, str | None]]] = {}
    for r in dq + ec:
        spans.setdefault(r["asset"], []).append((r["_s"], r["_e"], id(r), r.get("episode_id")))
    ep_spans: dict[str, list[tuple[int, int, str]]] = {}
    for ep in episodes:
        ep_spans.setdefault(ep["asset"], []).append(
            (ep["start_step"], ep["end_step"], ep["episode_id"])
        )
    for r in dq + ec:
        s, e = r["_s"], r["_e"]
        near_ep = any(
            a < e + 2 * DAY and s - 2 * DAY < b and eid != r.get("episode_id")
            for a, b, eid in ep_spans.get(r["asset"], [])
        )
        near_rec = any(
            a < e + DAY and s - DAY < b and rid != id(r) and rid not in r["_links"]
            for a, b, rid, _ in spans[r["asset"]]
        )
        r["clean"] = not (near_ep or near_rec)
    ec = [r for r in ec if r["clean"] or not r.get("_found")]
    for r in ec:
        r.setdefault("episode_id", None)
    out = []
    for group, prefix in ((dq, "DQ"), (ec, "EC")):
        group.sort(key=lambda r: (r["_s"], r["equipment_id"], r["kind"], r["sensor"] or ""))
        for i, r in enumerate(group):
            r["id"] = f"{prefix}-{i + 1:04d}"
        out.append(group)
    ids = {id(r): r["id"] for r in dq + ec}
    for r in dq + ec:
        links = sorted(ids[x] for x in r["_links"])
        if r["kind"] == "drift":
            r["details"]["explained_by"] = links[0] if links else None
        if r.get("subkind") == "calibration":
            r["details"]["data_quality_id"] = links[0] if links else None
    for r in dq:
        r["explanation"] = _dq_explanation(r)
    for r in dq + ec:
        for k in ("_s", "_e", "_links", "_found"):
            r.pop(k, None)
    return out[0], out[1]


def _dq_explanation(r: dict) -> str:
    d, what = r["details"], r["sensor"] or f"every sensor of {r['asset']}"
    if r["kind"] == "gap":
        return (
            f"No readings from {what} from {r['start']} to {r['end']} ({d['hours']:g} h, "
            f"a communication outage): nothing about the asset can be concluded for that time."
        )
    if r["kind"] == "stuck":
        return (
            f"{r['sensor']} repeats {d['value']:g} {d['unit']} from {r['start']} to {r['end']}: "
            f"the sensor is stuck, its readings there say nothing about the process."
        )
    if r["kind"] == "drift":
        return (
            f"{r['sensor']} drifts up by {d['bias_at_end']:g} {d['unit']} from {r['start']} "
            f"until work order {d['workorder']} recalibrates it at {d['corrected_at']}: "
            f"readings in between are biased."
        )
    if r["kind"] == "delayed":
        return (
            f"Data for {what} is not available after {d['data_available_until']} (latest "
            f"reading {d['last_reading']}): its state since then cannot be judged."
        )
    return (
        f"{r['sensor']} has no readings from {r['start']} to {r['end']} although the asset "
        f"lists the sensor: nothing it measures can be concluded for that time."
    )

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
Between these stages ``services.assetdata.situations`` injects the
insufficient and conflicting evidence (issue 17: persisting episodes,
data-quality faults, false alarms) into the room the episodes leave; the
seeded streams, the clock and the work-order record both use live in
``services.assetdata.genbase``.

Every random draw comes from a generator keyed by (seed, purpose, asset), so
adding an asset does not reshuffle the others.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta

import numpy as np

from services.assetdata import catalog as C
from services.assetdata.genbase import (
    FM_BY_CODE,
    LABOR_RATE,
    SEVERITY_PRIORITY,
    Calendar,
    alert_matches,
    cm_record,
    episode_record,
    iso,
    make_calendar,
    seeded_rng,
    step_of,
    time_of,
)
from services.assetdata.indicators import indicator_values, running_mask
from services.assetdata.situations import (
    apply_quality,
    evidence_busy,
    evidence_records,
    persisting_workorders,
    place_persisting_episodes,
    plan_false_alarms,
    plan_quality,
    quality_workorders,
)


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
    rng = seeded_rng(seed, "weather", site)
    seasonal = float(spec["mean_temp"]) - float(spec["amplitude"]) * np.cos(
        2 * np.pi * (cal.doy - 20) / 365.25
    )
    daily = -7.0 * np.cos(2 * np.pi * (cal.hour - 3) / 24)  # warmest ~15:00
    oat = seasonal + daily + _smooth_noise(rng, cal.n, 6.0, 40.0)
    wet_bulb = oat - np.clip(2.0 + 0.18 * (oat - 40.0), 1.0, 12.0)
    return oat, wet_bulb


# ---- preventive maintenance ---------------------------------------------------
def pm_workorders(seed: int, asset: C.AssetSpec) -> list[dict]:
    rng = seeded_rng(seed, "pm", asset.name)
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
        rng = seeded_rng(seed, "episodes", atype)
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
                    s = step_of(wo["actual_start"]) - 4 * 96
                    e = step_of(wo["actual_finish"]) + 2 * 96
                    busy[max(s, 0) : max(min(e, n), 0)] = True
            arng = seeded_rng(seed, "episodes", a.name)
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
        return episode_record(asset, fm, start, end, ramp, n)
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
    rng = seeded_rng(seed, "chiller", asset.name)
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
    rng = seeded_rng(seed, "ahu", asset.name)
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
    rng = seeded_rng(seed, "noise", asset.name)
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
    rng = seeded_rng(seed, "gaps", asset.name)
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
        s = step_of(wo["actual_start"])
        e = step_of(wo["actual_start"] + timedelta(hours=wo["shutdown_hours"]))
        if e > 0 and s < n:
            mask[max(s, 0) : min(e, n)] = True
    return mask


def _filter_age_days(n: int, pms: list[dict]) -> np.ndarray:
    changes = sorted(
        step_of(wo["actual_finish"])
        for wo in pms
        if wo["pm_task"] == "AH-Q1" and wo["actual_finish"] is not None
    )
    steps = np.arange(n)
    last = np.full(n, -91 * 96, dtype=np.int64)
    for c in changes:
        last = np.where(steps >= c, c, last)
    return (steps - last) / 96.0


def build(seed: int) -> tuple[dict[str, np.ndarray], dict]:
    """Generate the whole plant: telemetry per equipment id and the records."""
    cal = make_calendar()
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
        rng = seeded_rng(seed, "cm", a.name)
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
            raw_wos.append(cm_record(rng, a, fm, rep, st, fin, int(rng.integers(1, 4)), None))
        prng = seeded_rng(seed, "quality", "cm", a.name)
        for ep in ep_by_asset[a.name]:
            if ep.get("persist"):
                raw_wos.extend(
                    persisting_workorders(prng, a, ep, alerts[a.name], anomalies[a.name])
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
                "start": iso(time_of(ep["start_step"])),
                "full_severity_from": iso(time_of(ep["start_step"] + ep["ramp_steps"])),
                "end": iso(time_of(ep["end_step"])),
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
            if ep["start_step"] <= al["step"] < ep["end_step"] and alert_matches(al, fm)
        ]
        return iso(time_of(min(hits))) if hits else None

    return first


def _episode_workorder(
    rng: np.random.Generator, a: C.AssetSpec, ep: dict, alerts: list[dict], anomalies: list[dict]
) -> dict:
    fm = FM_BY_CODE[ep["failure_mode"]]
    s, e = ep["start_step"], ep["end_step"]
    hits = [al for al in alerts if s <= al["step"] < e and alert_matches(al, fm)]
    an = [x for x in anomalies if s <= x["step"] < e and x["indicator"] == fm.indicator]
    first = min([h["step"] for h in hits] + [x["step"] for x in an], default=s + (e - s) // 2)
    priority = min((SEVERITY_PRIORITY[h["rule"].severity] for h in hits), default=3)
    reported = time_of(first) + timedelta(minutes=15 * int(rng.integers(4, 16)))
    end_t = time_of(e)
    reported = min(reported, end_t - timedelta(hours=2))
    start = reported + timedelta(hours=float(rng.uniform(1, 20)))
    start = min(start, end_t - timedelta(hours=1)).replace(second=0, microsecond=0)
    finish = end_t if not ep["ongoing"] else None
    wo = cm_record(rng, a, fm, reported, start, finish, priority, ep["episode_id"])
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
                "reported_date": iso(w["reported"]),
                "target_start": iso(w["target_start"]),
                "target_finish": iso(w["target_finish"]),
                "actual_start": iso(start) if start else None,
                "actual_finish": iso(finish) if finish else None,
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
                    "timestamp": iso(time_of(al["step"])),
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
                    "timestamp": iso(time_of(x["step"])),
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
                    "timestamp": iso(time_of(sp["step"])),
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

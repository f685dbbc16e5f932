"""Insufficient and conflicting evidence (issue 17), injected into the plant
the generator built: failure episodes that persist past a closed work order,
data-quality faults (stuck, drifting, missing and replaced sensors,
communication outages), false alarms, the work orders that go with them, and
the ``data_quality`` / ``evidence_conflicts`` records holding each one's
ground truth. Called by ``generator.build`` between its stages; every draw
comes from ``seeded_rng(seed, "quality", ...)`` streams."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta

import numpy as np

from services.assetdata import catalog as C
from services.assetdata.genbase import (
    FM_BY_CODE,
    SEVERITY_PRIORITY,
    Calendar,
    alert_matches,
    cm_record,
    corrective_record,
    episode_record,
    iso,
    seeded_rng,
    step_of,
    time_of,
)
from services.assetdata.indicators import indicator_values, running_mask

# ---- insufficient and conflicting evidence (issue 17) ------------------------------
# Each injected situation is recorded with its ground truth (``data_quality`` and
# ``evidence_conflicts`` records, queried through ``services.assetdata.evidence``).
# Everything comes from ``seeded_rng(seed, "quality", ...)`` streams, and everything is
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
        rng = seeded_rng(seed, "quality", "persist", atype)
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
                    s = step_of(wo["actual_start"]) - 4 * DAY
                    e = step_of(wo["actual_finish"]) + 2 * DAY
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
        return {**episode_record(asset, fm, start, end, ramp, n), "persist": variant}
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
            s = step_of(wo["actual_start"])
            e = step_of(wo["actual_finish"])
            if e > 0 and s < n:
                busy[max(s - DAY, 0) : min(e + DAY, n)] = True
    for lo, hi in RESERVED.get(asset.name, ()):
        busy[step_of(datetime.fromisoformat(lo)) : step_of(datetime.fromisoformat(hi))] = True
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
        rng = seeded_rng(seed, "quality", "delayed", atype)
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
        rng = seeded_rng(seed, "quality", "plan", a.name)
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
        rng = seeded_rng(seed, "quality", "false_alarm", a.name)
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
        **corrective_record(
            asset,
            description=description,
            priority=3,
            reported=reported,
            start=start,
            finish=finish,
            labor_hours=hours,
            material_cost=material,
            failure_code=SENSOR_FAILURE_CODE[asset.asset_type],
            failure_mode=None,
            episode_id=None,
        ),
        "_ref": ref,
    }


def quality_workorders(rng: np.random.Generator, a: C.AssetSpec, items: list[dict]) -> list[dict]:
    """The calibration that ends each drift and the replacement of each failed
    sensor (corrective work on the sensor, no failure mode)."""
    out = []
    for q in items:
        if q["kind"] == "drift":
            finish = time_of(q["e"])
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
            failed, finish = time_of(q["s"]), time_of(q["e"])
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


def persisting_workorders(
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
        hits = [al["step"] for al in alerts if after <= al["step"] < e and alert_matches(al, fm)]
        hits += [
            x["step"]
            for x in anomalies
            if after <= x["step"] < e and x["indicator"] == fm.indicator
        ]
        return sorted(hits)

    hits = [al for al in alerts if s <= al["step"] < e and alert_matches(al, fm)]
    priority = min((SEVERITY_PRIORITY[h["rule"].severity] for h in hits), default=3)
    first = (signals(s) or [s + DAY])[0]
    reported = time_of(first) + timedelta(minutes=15 * int(rng.integers(4, 16)))
    start = (reported + timedelta(hours=float(rng.uniform(1, 20)))).replace(second=0, microsecond=0)
    closed = max(
        start + timedelta(hours=float(rng.uniform(4, 30))),
        time_of(full) + timedelta(hours=12),
    ).replace(second=0, microsecond=0)
    closed = min(closed, time_of(e) - timedelta(days=3))
    closed = time_of(step_of(max(closed, start + timedelta(hours=2))))
    ep["closed_step"] = step_of(closed)
    first_wo = cm_record(rng, a, fm, reported, start, closed, priority, ep["episode_id"])
    first_wo["_ref"] = ("persist", ep["episode_id"], 0)
    out = [first_wo]
    if ep["persist"] == "reopened":
        again = [h for h in signals(ep["closed_step"] + 12 * HOUR)]
        t = again[0] if again else (ep["closed_step"] + e) // 2
        rep2 = time_of(t) + timedelta(minutes=15 * int(rng.integers(4, 16)))
        rep2 = min(rep2, time_of(e) - timedelta(hours=6))
        st2 = min(
            rep2 + timedelta(hours=float(rng.uniform(1, 20))), time_of(e) - timedelta(hours=1)
        )
        second = cm_record(
            rng,
            a,
            fm,
            rep2,
            st2.replace(second=0, microsecond=0),
            time_of(e),
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
        lo, hi = iso(time_of(max(s - RECORD_PAD, 0))), iso(time_of(e + RECORD_PAD))
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
            "start": iso(time_of(s)),
            "end": iso(time_of(e)),
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
                "data_resumes": iso(time_of(e)),
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
                    "data_available_until": iso(time_of(s)),
                    "last_reading": iso(time_of(s - 1)),
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
                    "corrected_at": iso(time_of(e)),
                    "workorder": wonum,
                }
                dq.append(r)
                cs = step_of(datetime.fromisoformat(wo["actual_start"]))
                c = record(a, "explained_anomaly", q["sensor"], cs, e + HOUR)
                c.update(
                    subkind="calibration",
                    workorders=[wonum],
                    details={
                        "anomaly": "step",
                        "step_change": -q["bias"],
                        "unit": unit[q["sensor"]],
                        "at": iso(time_of(e)),
                        "drift_start": iso(time_of(s)),
                    },
                    explanation=(
                        f"{a.name} {q['sensor']} drops by {q['bias']} {unit[q['sensor']]} at "
                        f"{iso(time_of(e))}: work order {wonum} recalibrated the sensor, "
                        f"which had drifted up since {iso(time_of(s))}; no fault in the process."
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
                        "replaced_at": iso(time_of(e)),
                    },
                    explanation=(
                        f"{a.name} {q['sensor']} reads {q['value']} {unit[q['sensor']]} from "
                        f"{iso(time_of(s))} to {iso(time_of(e))} because the sensor had "
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
            s = step_of(pm["actual_start"])
            e = step_of(pm["actual_start"] + timedelta(hours=pm["shutdown_hours"]))
            if s < WARMUP or e > n - DAY or sched[s:e].mean() < 0.5:
                continue
            if np.isfinite(data[s:e, index[status]]).mean() < 0.5:
                continue
            wo = wo_by_key.get((a.equipment_id, iso(pm["reported"]), pm["description"]))
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
                        f"{iso(time_of(s))[:10]}: preventive work order {wo['wonum']} "
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
                        f"{iso(time_of(s))} while it would normally run: planned "
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
        ts = iso(time_of(fa["step"]))
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
            and cs <= step_of(datetime.fromisoformat(ev["timestamp"])) < e
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

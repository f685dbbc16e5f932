"""Insufficient and conflicting evidence in the plant (issue 17): every kind
is there for both asset types, deterministic per seed, consistent with the
telemetry and the work-order history, away from the fault episodes, and
visible through the real tools."""

from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from services.assetdata import catalog as C
from services.assetdata import evidence as EV
from services.assetdata import library as L
from services.assetdata.app import create_app
from services.assetdata.plant import DEFAULT_SEED, Plant, generate

INJECTED_SUBKINDS = {"calibration", "sensor_replaced", "false_alarm", "reopened", "unresolved"}


@pytest.fixture(scope="module")
def client(plant):
    with TestClient(create_app(plant=plant)) as c:
        yield c


@pytest.fixture(scope="module")
def other_plant() -> Plant:
    telemetry, records, _ = generate(DEFAULT_SEED + 1)
    return Plant(seed=DEFAULT_SEED + 1, telemetry=telemetry, content_hash=None, **records)


def post(c, path, body):
    r = c.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _steps(plant, r):
    return plant.step_of(np.datetime64(r["start"])), plant.step_of(np.datetime64(r["end"]))


def _col(plant, r, sensor=None):
    a = L.find_asset(plant, r["asset"])
    name = sensor or r["sensor"]
    kinds = [k.kind for k in C.SENSOR_KINDS[a.asset_type]]
    return a, kinds.index(name[len(a.name) + 1 :])


def _injected(r) -> bool:
    if r["kind"] in EV.DQ_KINDS:
        return r["details"].get("origin") != "outage"
    return r["subkind"] in INJECTED_SUBKINDS


# ---- presence and determinism ----------------------------------------------------------
def _counts(plant):
    dq = Counter(
        (r["kind"], r["asset_type"]) for r in plant.data_quality if _injected(r) and r["clean"]
    )
    ec = Counter((r["kind"], r["asset_type"]) for r in plant.evidence_conflicts if r["clean"])
    return dq, ec


@pytest.mark.parametrize("which", ["default", "other"])
def test_every_kind_present_for_both_asset_types(plant, other_plant, which):
    p = plant if which == "default" else other_plant
    dq, ec = _counts(p)
    for kind in EV.DQ_KINDS:
        for atype in ("chiller", "ahu"):
            assert dq[(kind, atype)] >= 3, (kind, atype, dq)
    for kind in EV.EC_KINDS:
        for atype in ("chiller", "ahu"):
            assert ec[(kind, atype)] >= 3, (kind, atype, ec)
    subkinds = Counter(r["subkind"] for r in p.evidence_conflicts)
    for sub in ("calibration", "sensor_replaced", "planned_shutdown", "filter_replaced"):
        assert subkinds[sub] >= 1, subkinds
    assert subkinds["reopened"] >= 4
    if which == "default":
        assert subkinds["unresolved"] >= 2  # one chiller, one AHU still faulty at "now"
        # spread over the year
        months = {r["start"][:7] for r in p.data_quality + p.evidence_conflicts if _injected(r)}
        assert len(months) >= 10


def test_records_are_deterministic_per_seed(plant, other_plant):
    telemetry, records, _ = generate(DEFAULT_SEED)
    assert records["data_quality"] == plant.data_quality
    assert records["evidence_conflicts"] == plant.evidence_conflicts
    assert [r["start"] for r in other_plant.data_quality] != [
        r["start"] for r in plant.data_quality
    ]
    ids = [r["id"] for r in plant.data_quality]
    assert ids == [f"DQ-{i + 1:04d}" for i in range(len(ids))]
    ids = [r["id"] for r in plant.evidence_conflicts]
    assert ids == [f"EC-{i + 1:04d}" for i in range(len(ids))]


def test_injected_situations_keep_clear_of_fault_episodes(plant):
    day = np.timedelta64(1, "D")
    for r in plant.data_quality + plant.evidence_conflicts:
        if not _injected(r):
            continue
        s, e = np.datetime64(r["start"]), np.datetime64(r["end"])
        for ep in L.episodes(plant, asset=r["asset"]):
            if ep["episode_id"] == r.get("episode_id"):
                continue
            es, ee = np.datetime64(ep["start"]), np.datetime64(ep["end"])
            assert e <= es or s >= ee, (r["id"], ep["episode_id"])
            if r["kind"] != "delayed":  # the end of the data only keeps off the fault itself
                assert e <= es - 14 * day or s >= ee + 8 * day, (r["id"], ep["episode_id"])


# ---- consistent with the telemetry and the records -------------------------------------
def test_data_quality_records_match_the_telemetry(plant):
    for r in plant.data_quality:
        a = L.find_asset(plant, r["asset"])
        data = plant.telemetry[a.equipment_id]
        s, e = _steps(plant, r)
        if r["kind"] == "gap":
            assert np.isnan(data[s:e]).all(), r["id"]
            assert np.isfinite(data[s - 1]).any() and np.isfinite(data[e]).any(), r["id"]
            assert r["sensor"] is None and r["details"]["missing_steps"] == e - s
        elif r["kind"] == "missing":
            _, j = _col(plant, r)
            assert np.isnan(data[s:e, j]).all(), r["id"]
            others = np.delete(data[s:e], j, axis=1)
            assert np.isfinite(others).any(axis=1).mean() > 0.5, r["id"]  # only this sensor
        elif r["kind"] == "delayed":
            assert r["end"] == L.iso(plant.end)
            assert r["details"]["data_available_until"] == r["start"]
            assert EV.data_available_until(plant, r["asset"], r["sensor"]) == r["start"]
            if r["sensor"] is None:
                assert np.isnan(data[s:]).all() and np.isfinite(data[s - 1]).any()
            else:
                _, j = _col(plant, r)
                assert np.isnan(data[s:, j]).all() and np.isfinite(data[s - 1, j])
        elif r["kind"] == "stuck":
            _, j = _col(plant, r)
            v = data[s:e, j]
            f = v[np.isfinite(v)]
            assert f.size >= 0.8 * (e - s), r["id"]
            assert (f == np.float32(r["details"]["value"])).all(), r["id"]
            assert r["details"]["value"] != 0.0
            assert C.SENSOR_KINDS[a.asset_type][j].noise > 0  # a noisy sensor cannot repeat
        elif r["kind"] == "drift":
            _, j = _col(plant, r)
            x = data[:, j].astype(np.float64)
            bias = r["details"]["bias_at_end"]
            step = np.nanmedian(x[e : e + 8]) - np.nanmedian(x[e - 8 : e])
            assert -1.6 * bias < step < -0.5 * bias, (r["id"], step, bias)
            wo = L.workorder(plant, r["details"]["workorder"])
            assert wo["actual_finish"] == r["details"]["corrected_at"] == r["end"]
            assert "recalibrate" in wo["description"].lower() and wo["work_type"] == "CM"
            assert wo["asset_num"] == a.equipment_id and wo["status"] in ("COMP", "CLOSE")
            link = EV.record(plant, r["details"]["explained_by"])
            assert link["subkind"] == "calibration" and link["workorders"] == [wo["wonum"]]


def test_explained_anomalies_match_telemetry_and_work_orders(plant):
    for r in EV.evidence_conflicts(plant, kind="explained_anomaly"):
        a = L.find_asset(plant, r["asset"])
        data = plant.telemetry[a.equipment_id]
        s, e = _steps(plant, r)
        (wonum,) = r["workorders"]
        wo = L.workorder(plant, wonum)
        assert wo["asset_num"] == a.equipment_id and wo["status"] in ("COMP", "CLOSE")
        # the work order's time covers the anomaly
        assert wo["actual_start"] <= r["end"] and wo["actual_finish"] >= r["start"], r["id"]
        _, j = _col(plant, r)
        if r["subkind"] == "sensor_replaced":
            v = data[s:e, j]
            assert (v[np.isfinite(v)] == np.float32(r["details"]["reading"])).all(), r["id"]
            assert "replace" in wo["description"].lower() and wo["actual_finish"] == r["end"]
            before, after = data[s - 4 : s, j], data[e : e + 4, j]
            assert (before != r["details"]["reading"]).all() and (
                after != r["details"]["reading"]
            ).all()
        elif r["subkind"] == "calibration":
            assert "recalibrate" in wo["description"].lower()
            assert EV.record(plant, r["details"]["data_quality_id"])["kind"] == "drift"
        elif r["subkind"] == "planned_shutdown":
            assert wo["work_type"] == "PM"
            v = data[s:e, j]
            assert np.nanmax(v) == 0.0, r["id"]  # run/fan status off while it would run
        elif r["subkind"] == "filter_replaced":
            assert wo["work_type"] == "PM" and "filter" in wo["description"].lower()
            assert r["details"]["before"] > r["details"]["after"] + 0.2


def test_false_alarms_have_no_telemetry_behind_them(plant):
    records = EV.evidence_conflicts(plant, kind="alert_without_telemetry")
    for r in records:
        a = L.find_asset(plant, r["asset"])
        d = r["details"]
        (ev,) = [x for x in L.alerts(plant, a.equipment_id) if x["event_id"] == r["alerts"][0]]
        assert ev["rule_id"] == d["rule_id"] and ev["timestamp"] == d["alert_time"]
        beyond = (
            ev["value"] > ev["threshold"]
            if d["condition"] == ">"
            else ev["value"] < ev["threshold"]
        )
        assert beyond, r["id"]
        _, x = L.indicator(plant, a, d["indicator"], r["start"], r["end"])
        x = x[np.isfinite(x)]
        assert x.size >= 32, r["id"]
        ind = C.INDICATORS[d["indicator"]]
        if d["condition"] == ">":
            assert x.max() <= d["threshold"] - 1.5 * ind.min_change, r["id"]
        else:
            assert x.min() >= d["threshold"] + 1.5 * ind.min_change, r["id"]
        assert r["workorders"] == []
        assert not L.workorders(
            plant, asset_num=a.equipment_id, work_type="CM", date_from=r["start"], date_to=r["end"]
        )


def test_closed_work_orders_while_the_fault_persists(plant):
    records = EV.evidence_conflicts(plant, kind="closed_but_persisting")
    assert {r["subkind"] for r in records} == {"reopened", "unresolved"}
    for r in records:
        ep = next(e for e in plant.episodes if e["episode_id"] == r["episode_id"])
        first = L.workorder(plant, r["workorders"][0])
        assert first["wonum"] == ep["workorder"] == r["details"]["closed_workorder"]
        assert first["status"] in ("COMP", "CLOSE") and first["failure_mode"] == ep["failure_mode"]
        assert first["actual_finish"] == r["start"] < ep["end"]
        assert np.datetime64(ep["end"]) - np.datetime64(r["start"]) >= np.timedelta64(2, "D")
        # the signature goes on after the close, as signature_check measures it
        after = L.signature_check(plant, {**ep, "full_severity_from": r["start"]})
        assert after["detected"], (r["id"], after)
        if r["subkind"] == "reopened":
            second = L.workorder(plant, r["workorders"][1])
            assert second["reported_date"] > first["actual_finish"]
            assert second["actual_finish"] == ep["end"] and not ep["ongoing"]
        else:
            assert ep["ongoing"] and r["end"] == L.iso(plant.end) and len(r["workorders"]) == 1
            open_cm = [
                w
                for w in L.workorders(plant, asset_num=ep["equipment_id"], work_type="CM")
                if w["status"] in ("WAPPR", "APPR", "INPRG")
                and w["failure_code"] == ep["failure_code"]
            ]
            assert not open_cm  # nothing in the work-order history says it is still broken
        assert r["details"]["signals_after_close"], r["id"]


# ---- visible through the tools -----------------------------------------------------------
def _history(client, r, start, final, sensors=None, aggregation="none"):
    body = {"site_name": r["site"], "asset_id": r["asset"], "start": start, "final": final}
    if sensors is not None:
        body["sensors"] = sensors
    body.update(aggregation=aggregation, page_size=5000)
    return post(client, "/iot/history", body)


def _pick(plant, kind, n=3):
    rows = [r for r in EV.data_quality(plant, kind=kind, clean=True) if _injected(r)]
    by_type = {t: [r for r in rows if r["asset_type"] == t][:n] for t in ("chiller", "ahu")}
    return by_type["chiller"] + by_type["ahu"]


def test_gaps_and_missing_sensors_show_in_iot_history(client, plant):
    for r in _pick(plant, "gap"):
        body = _history(client, r, r["start"], r["end"])
        assert body["total_observations"] == 0 and body["observations"] == []
        assert body["expected_observations"] == r["details"]["missing_steps"]
        assert set(body["missing_observations"].values()) == {body["expected_observations"]}
        assert body["message"].startswith("No readings for the requested sensors")
        # around it: rows jump over the gap, the counts say how many are missing
        start = L.iso(np.datetime64(r["start"]) - np.timedelta64(6, "h"))
        final = L.iso(np.datetime64(r["end"]) + np.timedelta64(6, "h"))
        body = _history(client, r, start, final, sensors=[r["sensors"][0]])
        stamps = [o["timestamp"] for o in body["observations"]]
        assert not [t for t in stamps if r["start"] <= t < r["end"]]
        (miss,) = body["missing_observations"].values()
        assert miss >= r["details"]["missing_steps"]
    for r in _pick(plant, "missing"):
        kinds = [k.kind for k in C.SENSOR_KINDS[r["asset_type"]]]
        other = next(f"{r['asset']} {k}" for k in kinds if f"{r['asset']} {k}" != r["sensor"])
        body = _history(client, r, r["start"], r["end"], sensors=[r["sensor"], other])
        assert body["missing_observations"][r["sensor"]] == body["expected_observations"]
        assert body["total_observations"] > 0
        assert all(o[r["sensor"]] is None for o in body["observations"])
        alone = _history(client, r, r["start"], r["end"], sensors=[r["sensor"]])
        assert alone["total_observations"] == 0 and "No readings" in alone["message"]


def test_stuck_and_drifting_sensors_show_in_iot_history(client, plant):
    for r in _pick(plant, "stuck"):
        body = _history(client, r, r["start"], r["end"], sensors=[r["sensor"]])
        values = {o[r["sensor"]] for o in body["observations"]} - {None}
        assert values == {r["details"]["value"]}, r["id"]
        found = EV.stuck_runs(plant, r["asset"], r["sensor"], r["start"], r["end"])
        assert any(x["start"] <= r["start"] and x["value"] == r["details"]["value"] for x in found)
    for r in _pick(plant, "drift"):
        at = np.datetime64(r["details"]["corrected_at"])
        body = _history(
            client,
            r,
            L.iso(at - np.timedelta64(2, "h")),
            L.iso(at + np.timedelta64(2, "h")),
            sensors=[r["sensor"]],
        )
        rows = [
            (o["timestamp"], o[r["sensor"]])
            for o in body["observations"]
            if o[r["sensor"]] is not None
        ]
        before = np.median([v for t, v in rows if t < r["end"]])
        after = np.median([v for t, v in rows if t >= r["end"]])
        assert before - after > 0.5 * r["details"]["bias_at_end"], r["id"]
        wos = post(
            client,
            "/wo/list_workorders",
            {"asset_num": r["equipment_id"], "date_from": r["start"], "date_to": r["end"]},
        )["workorders"]
        assert r["details"]["workorder"] in [w["wonum"] for w in wos]


def test_delayed_data_shows_in_iot_history(client, plant):
    rows = EV.data_quality(plant, kind="delayed")
    assert {r["details"]["scope"] for r in rows} == {"asset", "sensor"}
    for r in rows:
        start = L.iso(np.datetime64(r["start"]) - np.timedelta64(1, "D"))
        sensors = [r["sensor"]] if r["sensor"] else None
        body = _history(client, r, start, L.iso(plant.end), sensors=sensors)
        until = body["data_available_until"]
        assert set(until.values()) == {r["details"]["data_available_until"]}
        assert max(o["timestamp"] for o in body["observations"]) < r["start"]
        late = _history(client, r, r["start"], L.iso(plant.end), sensors=sensors)
        assert late["total_observations"] == 0
        assert f"not available after {r['start']}" in late["message"]
    # a complete window reports no such field and nothing missing
    chiller6 = {"site": "MAIN", "asset": "Chiller 6"}
    clean = _history(client, chiller6, "2020-06-01", "2020-06-02", aggregation="hourly")
    assert "data_available_until" not in clean and "message" not in clean
    assert clean["expected_observations"] == clean["total_observations"] == 24
    assert set(clean["missing_observations"].values()) == {0}


def test_conflicts_show_in_the_work_order_tools(client, plant):
    for r in EV.evidence_conflicts(plant, kind="alert_without_telemetry")[:6]:
        body = post(
            client,
            "/wo/list_events",
            {
                "equipment_id": r["equipment_id"],
                "date_from": r["start"],
                "date_to": r["end"],
                "event_type": "alert",
            },
        )
        assert r["details"]["alert"] in [e["event_id"] for e in body["events"]]
    for r in EV.evidence_conflicts(plant, kind="closed_but_persisting"):
        wo = post(client, "/wo/get_workorder", {"wonum": r["workorders"][0]})
        assert wo["status"] in ("COMP", "CLOSE") and wo["actual_finish"] == r["start"]
        body = post(
            client,
            "/wo/list_events",
            {"equipment_id": r["equipment_id"], "date_from": r["start"], "date_to": r["end"]},
        )
        ids = {e["event_id"] for e in body["events"]}
        assert set(r["details"]["signals_after_close"]) <= ids
    for r in EV.evidence_conflicts(plant, kind="explained_anomaly", clean=True)[:12]:
        day_from = r["start"][:10]
        start = datetime.fromisoformat(r["start"])
        wos = post(
            client,
            "/wo/list_workorders",
            {
                "asset_num": r["equipment_id"],
                "date_from": (start - timedelta(days=20)).date().isoformat(),
                "date_to": r["end"],
                "page_size": 500,
            },
        )["workorders"]
        hit = [w for w in wos if w["wonum"] in r["workorders"]]
        assert hit and hit[0]["actual_finish"] >= day_from, r["id"]


def test_history_counts_for_aggregated_windows(client, plant):
    r = _pick(plant, "gap")[0]
    body = _history(
        client,
        r,
        r["start"][:10],
        L.iso(np.datetime64(r["end"][:10]) + np.timedelta64(1, "D")),
        aggregation="hourly",
    )
    lo = np.datetime64(r["start"][:10])
    hi = np.datetime64(r["end"][:10]) + np.timedelta64(1, "D")
    assert body["expected_observations"] == (hi - lo) // np.timedelta64(1, "h")
    gap_hours = (np.datetime64(r["end"]) - np.datetime64(r["start"])) // np.timedelta64(1, "h")
    assert min(body["missing_observations"].values()) >= gap_hours - 1
    assert (
        body["total_observations"] + min(body["missing_observations"].values())
        <= body["expected_observations"]
    )
    cov = EV.coverage(plant, r["asset"], lo, hi, aggregation="hourly")
    assert cov["expected"] == body["expected_observations"]
    assert cov["missing"] == body["missing_observations"]
    assert max(cov["longest_gap_steps"].values()) >= r["details"]["missing_steps"]


# ---- the query API ------------------------------------------------------------------------
def test_query_api(plant):
    stuck = _pick(plant, "stuck")[0]
    kind = stuck["sensor"][len(stuck["asset"]) + 1 :]
    rows = EV.data_quality(plant, stuck["asset"], kind="stuck", sensor=kind)
    assert stuck in rows
    assert stuck in EV.affecting(plant, stuck["asset"], stuck["start"], stuck["end"], [kind])
    # an asset-wide gap affects every sensor
    gap = _pick(plant, "gap")[0]
    any_sensor = L.sensors(plant, L.find_asset(plant, gap["asset"]))[0]["name"]
    assert gap in EV.affecting(plant, gap["asset"], gap["start"], gap["end"], [any_sensor])
    assert not EV.clean_window(plant, gap["asset"], gap["start"], gap["end"])
    assert EV.record(plant, gap["id"]) is gap
    with pytest.raises(L.NotFound):
        EV.record(plant, "DQ-9999")
    with pytest.raises(L.Invalid):
        EV.data_quality(plant, kind="bogus")
    # a window away from everything is clean
    a = L.find_asset(plant, "Chiller 6")
    assert EV.clean_window(plant, a.name, "2020-06-01", "2020-06-04", ["Tonnage"])
    assert not EV.affecting(plant, a.name, "2020-06-01", "2020-06-04")
    ec = plant.evidence_conflicts[0]
    assert ec in EV.evidence_conflicts(plant, ec["asset"], start=ec["start"], end=ec["end"])
    assert (
        ec in EV.evidence_conflicts(plant, workorder=ec["workorders"][0])
        if ec["workorders"]
        else True
    )
    persisting = EV.evidence_conflicts(plant, kind="closed_but_persisting")[0]
    assert EV.evidence_conflicts(plant, episode=persisting["episode_id"]) == [persisting]

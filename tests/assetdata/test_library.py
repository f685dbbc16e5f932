"""library: analytics on synthetic series, query semantics, tool/library agreement."""

import numpy as np
import pytest

from services.assetdata import library as L
from services.assetdata import tools as T


def _daily(n_days: int, noise: float = 0.5, seed: int = 1) -> np.ndarray:
    t = np.arange(n_days * 96)
    rng = np.random.default_rng(seed)
    return 100 + 20 * np.sin(2 * np.pi * t / 96) + rng.normal(0, noise, t.size)


def test_holt_winters_follows_daily_season():
    y = _daily(14)
    fc = L.forecast(y, 96, 96)
    truth = 100 + 20 * np.sin(2 * np.pi * np.arange(14 * 96, 15 * 96) / 96)
    assert np.abs(fc.mean - truth).mean() < 2.0
    assert np.all(fc.lower < fc.mean) and np.all(fc.mean < fc.upper)
    assert fc.params["season"] == 96
    naive = L.forecast(y, 96, 96, "seasonal_naive")
    assert np.allclose(naive.mean, y[-96:])


def test_forecast_is_deterministic_and_handles_gaps():
    y = _daily(10)
    y[300:340] = np.nan
    a, b = L.forecast(y, 48, 96), L.forecast(y, 48, 96)
    assert np.array_equal(a.mean, b.mean) and np.isfinite(a.mean).all()
    with pytest.raises(L.Invalid):
        L.forecast(np.array([np.nan, 1.0]), 5, 96)


def test_anomaly_detection_finds_injected_spike_and_step():
    y = _daily(14)
    y[700] += 15  # single spike
    y[1100:1150] += 8  # level shift
    det = L.detect_anomalies(y, 96, 0.01)
    hits = {w["peak_index"] for w in det.windows}
    assert 700 in hits
    assert any(1100 <= w["start_index"] <= 1103 for w in det.windows)
    # conformal threshold: about false_alarm of clean calibration points exceed it
    clean = L.detect_anomalies(_daily(14, seed=3), 96, 0.05)
    assert 0.01 < clean.flags.mean() < 0.12
    z = L.detect_anomalies(y, 96, 0.01, "robust_zscore")
    assert z.threshold == pytest.approx(2.5758, abs=1e-3)


def test_regular_grid_reinserts_missing_rows():
    t0 = np.datetime64("2020-06-01T00:00", "m")
    times = t0 + np.array([0, 15, 45]) * np.timedelta64(1, "m")
    grid, vals = L.regular_grid(times, np.array([[1.0], [2.0], [4.0]]), 15)
    assert grid.size == 4 and np.isnan(vals[2, 0]) and vals[3, 0] == 4.0


def test_tool_forecast_equals_library(plant):
    r = T.call_tool(
        plant,
        "iot.history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 9",
            "start": "2020-05-01",
            "final": "2020-05-15",
            "sensors": ["Power Input"],
            "aggregation": "hourly",
        },
    )
    fc = T.call_tool(
        plant,
        "tsfm.run_tsfm_forecasting",
        {"dataset_id": r["dataset_id"], "target_columns": ["Power Input"], "forecast_horizon": 24},
    )
    times, lib = L.forecast_series(
        plant,
        L.find_asset(plant, "Chiller 9"),
        "Power Input",
        "2020-05-01",
        "2020-05-15",
        24,
        "hourly",
    )
    assert fc["forecast"]["Chiller 9 Power Input"] == [round(float(v), 3) for v in lib.mean]
    assert fc["timestamps"] == L.iso_many(times)
    ad = T.call_tool(
        plant,
        "tsfm.run_tsad",
        {"dataset_id": r["dataset_id"], "target_columns": ["Chiller 9 Power Input"]},
    )
    _t, _v, det = L.detect_series(
        plant, L.find_asset(plant, "Chiller 9"), "Power Input", "2020-05-01", "2020-05-15", "hourly"
    )
    assert ad["results"][0]["total_windows"] == len(det.windows)


def test_dataset_ids_are_deterministic(plant):
    args = {"site_name": "MAIN", "asset_id": "Chiller 6", "start": "2020-06-01"}
    a = T.call_tool(plant, "iot.history", args)["dataset_id"]
    b = T.call_tool(plant, "iot.history", {**args, "asset_id": "cwc04006"})["dataset_id"]
    assert a == b
    rows = T.call_tool(plant, "utilities.json_reader", {"file_name": a, "page_size": 10, "page": 2})
    assert rows["page"] == 2 and len(rows["rows"]) == 10 and rows["total_rows"] == 96


def test_aggregation_means(plant):
    a = L.find_asset(plant, "Chiller 6")
    raw = L.history(plant, a, "2020-06-02T00:00", "2020-06-02T01:00", ["Tonnage"])
    hourly = L.history(plant, a, "2020-06-02T00:00", "2020-06-02T01:00", ["Tonnage"], "hourly")
    assert hourly.values[0, 0] == pytest.approx(np.nanmean(raw.values[:, 0]))
    daily = L.history(plant, a, "2020-06-01", "2020-06-08", ["Tonnage"], "daily")
    assert daily.values.shape == (7, 1)


def test_date_only_date_to_is_inclusive(plant):
    whole_day = L.workorders(
        plant, asset_num="CWC04006", date_from="2020-06-01", date_to="2020-06-30"
    )
    at_midnight = L.workorders(
        plant, asset_num="CWC04006", date_from="2020-06-01", date_to="2020-06-30T00:00:00"
    )
    assert len(whole_day) >= len(at_midnight)
    assert all("2020-06-01" <= w["reported_date"] < "2020-07-01" for w in whole_day)


def test_kpis_match_their_definitions(plant):
    k = L.workorder_kpis(plant, "MAIN", "CWC04009", "2018-01-01", "2018-12-31")
    rows = L.workorders(plant, asset_num="CWC04009", date_from="2018-01-01", date_to="2018-12-31")
    live = [w for w in rows if w["status"] != "CAN"]
    assert k["total"] == len(rows)
    assert k["corrective"] == sum(w["work_type"] == "CM" for w in live)
    assert k["total_cost"] == pytest.approx(sum(w["total_cost"] for w in live), abs=0.01)
    assert 0 < k["pm_ratio"] < 1


def test_fm_relevance_both_ways(plant):
    pairs = L.fm_sensor_relevance(plant, "Chiller 6", ["CH03"])
    assert pairs[0]["sensor"] == "Chiller 6 Liquid Refrigerant Evaporator Temperature"
    assert pairs[0]["level"] == "high"
    by_type = L.fm_sensor_relevance(plant, "chiller", sensors=["Tonnage"])
    assert by_type and all(p["sensor"] == "Tonnage" for p in by_type)
    with pytest.raises(L.NotFound) as exc:
        L.fm_sensor_relevance(plant, "Chiller 6", sensors=["Tonnage meter"])
    assert exc.value.code == "unknown_sensor"


def test_empty_like_keeps_shape():
    out = T.empty_like({"site_name": "MAIN", "total_assets": 7, "assets": [1, 2], "m": {"a": 1}})
    assert out == {"site_name": "MAIN", "total_assets": 0, "assets": [], "m": {}}

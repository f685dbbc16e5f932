"""The generated plant: determinism, counts, a consistent fault story."""

import hashlib

import numpy as np

from services.assetdata import catalog as C
from services.assetdata import library as L
from services.assetdata.plant import DEFAULT_SEED, generate, write_cache_digest


def _telemetry_digest(telemetry: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for k in sorted(telemetry):
        h.update(k.encode())
        h.update(np.ascontiguousarray(telemetry[k]).tobytes())
    return h.hexdigest()


def test_same_seed_same_bytes(plant):
    telemetry, records, _secs = generate(DEFAULT_SEED)
    assert write_cache_digest(telemetry, records) == plant.digest()


def test_other_seed_other_data(plant):
    telemetry, _records, _secs = generate(DEFAULT_SEED + 1)
    assert _telemetry_digest(telemetry) != _telemetry_digest(plant.telemetry)


def test_counts(plant):
    assert plant.telemetry_points >= 2_300_000
    assert len(C.FAILURE_MODES) == 53
    assert len({f.code for f in C.FAILURE_MODES}) == 53
    assert len({f.name for f in C.FAILURE_MODES}) == 53
    assert len(plant.workorders) >= 4200
    types = {w["work_type"] for w in plant.workorders}
    assert types == {"PM", "CM"}
    assert {w["status"] for w in plant.workorders} >= {"CLOSE", "COMP", "CAN"}
    assert {e["event_type"] for e in plant.events} == {"alert", "anomaly", "workorder"}
    assert len(L.site_names(plant)) >= 2 and "MAIN" in L.site_names(plant)


def test_upstream_names(plant):
    names = {a.name for a in plant.assets}
    assert {"Chiller 6", "Chiller 9", "CQPA AHU 1", "CQPA AHU 2B"} <= names
    assert L.find_asset(plant, "CWC04009").name == "Chiller 9"
    sensors = {s["name"] for s in L.sensors(plant, L.find_asset(plant, "Chiller 6"))}
    for kind in (
        "Tonnage",
        "Supply Temperature",
        "Condenser Water Flow",
        "Power Input",
        "Chiller % Loaded",
        "Liquid Refrigerant Evaporator Temperature",
    ):
        assert f"Chiller 6 {kind}" in sensors
    chiller_fms = {f["name"] for f in L.failure_modes(plant, "Chiller 6")}
    assert {
        "Evaporator Water side fouling",
        "Condenser Water side fouling",
        "Purge Unit Excessive purge",
    } <= chiller_fms


def test_every_failure_mode_has_sensors_and_an_episode(plant):
    injected = {e["failure_mode"] for e in plant.episodes}
    for fm in C.FAILURE_MODES:
        assert fm.relevance and all(0 < r <= 1 for _k, r in fm.relevance)
        kinds = {k.kind for k in C.SENSOR_KINDS[fm.asset_type]}
        assert {k for k, _r in fm.relevance} <= kinds
        assert fm.code in injected


def test_each_episode_detectable_by_its_sensors(plant):
    failures = [L.signature_check(plant, e) for e in plant.episodes]
    missed = [f for f in failures if not f["detected"]]
    assert not missed, missed
    # the indicator is built from sensors the failure mode lists as relevant
    for e in plant.episodes:
        fm = next(f for f in C.FAILURE_MODES if f.code == e["failure_mode"])
        ind = C.INDICATORS[fm.indicator]
        assert ind.plus in {k for k, _r in fm.relevance}


def test_episode_story_alert_then_workorder(plant):
    for e in plant.episodes:
        wo = L.workorder(plant, e["workorder"])
        assert wo["work_type"] == "CM" and wo["failure_mode"] == e["failure_mode"]
        assert e["start"] <= wo["reported_date"] < e["end"]
        if e["first_alert"]:
            # reported within hours of the first alert (or an earlier anomaly event)
            lag = np.datetime64(wo["reported_date"]) - np.datetime64(e["first_alert"])
            assert lag <= np.timedelta64(4, "h")
            prior = L.events(plant, e["equipment_id"], e["start"], wo["reported_date"])
            assert any(p["event_type"] in ("alert", "anomaly") for p in prior)
        # the last corrective work order ends with the fault (a persisting
        # episode's first one is completed early: tests/assetdata/test_evidence_quality.py)
        assert e["workorders"][0] == e["workorder"]
        last = L.workorder(plant, e["workorders"][-1])
        if not e["ongoing"]:
            assert last["actual_finish"] == e["end"]
    with_alert = sum(1 for e in plant.episodes if e["first_alert"])
    assert with_alert >= len(plant.episodes) // 2
    # nearly every episode also raises an anomaly event on its own indicator
    flagged = sum(
        any(
            x["event_type"] == "anomaly" and x.get("indicator") == e["indicator"]
            for x in L.events(plant, e["equipment_id"], e["start"], e["end"])
        )
        or e["first_alert"] is not None
        for e in plant.episodes
    )
    assert flagged >= 0.9 * len(plant.episodes)


def test_telemetry_is_physically_correlated(plant):
    a = L.find_asset(plant, "Chiller 6")
    h = L.history(
        plant, a, "2020-06-01", "2020-06-15", ["Tonnage", "Power Input", "Chiller % Loaded"]
    )
    ok = np.isfinite(h.values).all(axis=1) & (h.values[:, 0] > 1)
    ton, kw, load = h.values[ok].T
    assert np.corrcoef(ton, kw)[0, 1] > 0.9
    assert np.corrcoef(ton, load)[0, 1] > 0.9
    # daily cycle: afternoons carry more load than early mornings
    hours = (h.times[ok].astype("datetime64[h]").astype(int)) % 24
    assert ton[(hours >= 13) & (hours <= 16)].mean() > ton[(hours >= 3) & (hours <= 6)].mean()


def test_gaps_and_noise(plant):
    data = plant.telemetry["CWC04006"]
    assert np.isnan(data).any()  # outages and dropouts
    col = data[:, 0]
    diffs = np.diff(col[np.isfinite(col)])
    assert np.count_nonzero(diffs) > 0.5 * diffs.size  # noisy, not flat

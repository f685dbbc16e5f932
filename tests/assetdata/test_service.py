"""REST service: shapes, error codes, evaluation mode (tokens, fault plans, log)."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from contracts.toollog import MAX_ENTITIES, MAX_VALUES, ToolCallRecord
from services.assetdata.app import create_app
from services.assetdata.runlog import reduce_result


@pytest.fixture(scope="module")
def client(plant):
    with TestClient(create_app(plant=plant)) as c:
        yield c


def post(c, path, body=None, **kw):
    return c.post(path, json=body if body is not None else {}, **kw)


def test_healthz_and_openapi(client, plant):
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["content_hash"] == plant.content_hash
    index = client.get("/").json()
    assert "/iot/history" in index["rest"]["iot"] and index["mcp"]["wo"] == "/mcp/wo/"
    docs = client.get("/docs")
    assert docs.status_code == 200
    if "/_swagger/" in docs.text:  # served offline from local assets
        assert client.get("/_swagger/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/iot/history" in spec["paths"] and "/wo/list_workorders" in spec["paths"]
    body = spec["paths"]["/iot/history"]["post"]["requestBody"]
    assert body["required"] is True
    assert spec["components"]["schemas"]["HistoryArgs"]["required"] == [
        "site_name",
        "asset_id",
        "start",
    ]


def test_iot_flow(client):
    assert post(client, "/iot/sites").json()["sites"] == ["ANNEX", "MAIN"]
    assets = post(client, "/iot/assets", {"site_name": "MAIN"}).json()
    assert "Chiller 6" in [a["asset_id"] for a in assets["assets"]]
    r = post(
        client,
        "/iot/history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 6",
            "start": "2020-06-01T00:00:00",
            "final": "2020-06-08T00:00:00",
            "sensors": ["Chiller 6 Tonnage"],
            "page_size": 1000,
        },
    )
    body = r.json()
    assert r.status_code == 200 and body["total_observations"] > 600
    assert set(body["observations"][0]) == {"timestamp", "Chiller 6 Tonnage"}
    ds = body["dataset_id"]
    rows = post(client, "/utilities/json_reader", {"file_name": ds}).json()
    assert rows["total_rows"] == body["total_observations"]
    fc = post(
        client,
        "/tsfm/run_tsfm_forecasting",
        {"dataset_id": ds, "target_columns": ["Chiller 6 Tonnage"], "forecast_horizon": 8},
    ).json()
    assert len(fc["forecast"]["Chiller 6 Tonnage"]) == 8
    assert fc["timestamps"][0] == "2020-06-08T00:00:00"
    ad = post(
        client,
        "/tsfm/timeseries_anomaly_detection",  # upstream alias
        {"dataset_id": ds, "target_columns": ["Tonnage"]},
    ).json()
    assert ad["results"][0]["target"] == "Chiller 6 Tonnage"


def test_paging(client):
    args = {
        "site_name": "MAIN",
        "asset_id": "Chiller 9",
        "start": "2020-06-01",
        "final": "2020-06-03",
        "page_size": 50,
    }
    p1 = post(client, "/iot/history", args).json()
    p2 = post(client, "/iot/history", {**args, "page": 2}).json()
    assert p1["total_pages"] == -(-p1["total_observations"] // 50)
    assert p1["observations"][-1]["timestamp"] < p2["observations"][0]["timestamp"]
    r = post(client, "/iot/history", {**args, "page_size": 50000})
    assert r.status_code == 422 and r.json()["code"] == "invalid_arguments"
    r = post(client, "/wo/list_workorders", {"page_size": 501})
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/iot/assets", {"site_name": "NOWHERE"}, 404, "unknown_site"),
        ("/iot/sensors", {"site_name": "MAIN", "asset_id": "Chiller 99"}, 404, "unknown_asset"),
        (
            "/iot/history",
            {
                "site_name": "MAIN",
                "asset_id": "Chiller 6",
                "start": "2020-06-01",
                "sensors": ["Chiller 6 Vibration"],
            },
            404,
            "unknown_sensor",
        ),
        (
            "/iot/history",
            {"site_name": "MAIN", "asset_id": "Chiller 6", "start": "June 1st"},
            422,
            "invalid_date",
        ),
        (
            "/iot/history",
            {
                "site_name": "MAIN",
                "asset_id": "Chiller 6",
                "start": "2020-06-02",
                "final": "2020-06-01",
            },
            422,
            "invalid_range",
        ),
        (
            "/iot/history",
            {
                "site_name": "MAIN",
                "asset_id": "Chiller 6",
                "start": "2019-07-01",
                "final": "2020-07-01",
            },
            422,
            "range_too_large",
        ),
        ("/utilities/json_reader", {"file_name": "/tmp/x.json"}, 404, "unknown_dataset"),
        ("/wo/get_workorder", {"wonum": "WO999999"}, 404, "unknown_workorder"),
        ("/wo/list_events", {"equipment_id": "CWC09999"}, 404, "unknown_asset"),
        ("/wo/list_workorders", {"failure_code": "ZZ1"}, 404, "unknown_failure_code"),
        ("/fmsr/get_failure_modes", {"asset_name": "boiler"}, 404, "unknown_asset"),
        (
            "/fmsr/get_failure_mode_sensor_mapping",
            {"asset_name": "Chiller 6", "failure_modes": ["Alien invasion"]},
            404,
            "unknown_failure_mode",
        ),
        ("/iot/history", {"site_name": "MAIN"}, 422, "invalid_arguments"),
        ("/iot/sites", {"unexpected": 1}, 422, "invalid_arguments"),
        # echoed page numbers beyond 64 bits could not be serialised (was a 500)
        ("/wo/list_workorders", {"page_num": 2**64}, 422, "invalid_arguments"),
        (
            "/wo/list_events",
            {"equipment_id": "CWC04009", "page_num": 2**64},
            422,
            "invalid_arguments",
        ),
        ("/iot/teleport", {}, 404, "unknown_tool"),
    ],
)
def test_error_codes(client, path, body, status, code):
    r = post(client, path, body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    if code in (
        "unknown_site",
        "unknown_asset",
        "unknown_sensor",
        "unknown_failure_mode",
        "unknown_tool",
    ):
        assert r.json()["details"]["valid"]


def test_invalid_json_body(client):
    r = client.post("/iot/history", content=b"{not json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_arguments"


def test_wo_tools(client):
    wos = post(
        client,
        "/wo/list_workorders",
        {
            "asset_num": "CWC04013",
            "date_from": "2017-01-01",
            "date_to": "2017-12-31",
            "page_size": 500,
        },
    ).json()
    assert wos["total"] == len(wos["workorders"]) > 0
    one = post(client, "/wo/get_workorder", {"wonum": wos["workorders"][0]["wonum"]}).json()
    assert one["asset_num"] == "CWC04013"
    dist = post(
        client,
        "/wo/get_failure_code_distribution",
        {"asset_num": "CWC04013", "date_from": "2017-01-01", "date_to": "2017-12-31"},
    ).json()
    cms = [w for w in wos["workorders"] if w["work_type"] == "CM" and w["status"] != "CAN"]
    assert dist["total"] == len(cms)
    ev = post(
        client,
        "/wo/list_events",
        {"equipment_id": "CWC04009", "date_from": "2020-06-01", "date_to": "2020-06-30"},
    ).json()
    assert sum(ev["counts"].values()) == ev["total"]
    kpi = post(client, "/wo/get_workorder_kpis", {"site_id": "MAIN"}).json()
    assert kpi["total"] == kpi["corrective"] + kpi["preventive"] + kpi["cancelled"]
    wonum = one["wonum"]
    assert (
        post(client, "/wo/get_workorder", {"wonum": wonum, "site_id": "ANNEX"}).json()["wonum"]
        == wonum
    )
    assert post(client, "/wo/get_workorder", {"wonum": wonum, "site_id": "MAIN"}).status_code == 404
    last12 = post(client, "/wo/get_workorder_kpis", {"site_id": "MAIN", "period_months": 12}).json()
    assert (last12["date_from"], last12["date_to"]) == (
        "2019-07-01T00:00:00",
        "2020-06-30T23:59:00",
    )
    both = {"site_id": "MAIN", "period_months": 12, "date_from": "2020-01-01"}
    assert post(client, "/wo/get_workorder_kpis", both).status_code == 422
    rules = post(client, "/wo/list_alert_rules", {"equipment_id": "CWC04006"}).json()
    assert rules["total"] > 5 and rules["rules"][0]["sensors"][0].startswith("Chiller 6 ")


# ---- evaluation mode ---------------------------------------------------------------------
@pytest.fixture()
def eval_client(plant, tmp_path):
    app = create_app(plant=plant, runs_dir=tmp_path, timeout_delay=0.2)
    with TestClient(app) as c:
        yield c, tmp_path


def _plan(runs, token, faults):
    (runs / "plans" / f"{token}.json").write_text(
        json.dumps({"run_token": token, "faults": faults})
    )


def _log(runs, token):
    lines = (runs / "logs" / f"{token}.jsonl").read_text().splitlines()
    return [ToolCallRecord.model_validate_json(x) for x in lines]


def test_eval_mode_requires_known_token(eval_client):
    c, runs = eval_client
    assert post(c, "/iot/sites").status_code == 401
    assert (
        post(c, "/iot/sites", headers={"X-Run-Token": "nope"}).json()["code"] == "unknown_run_token"
    )
    assert post(c, "/iot/sites", headers={"X-Run-Token": "../etc"}).status_code == 401
    # plans added after start are picked up when the token is first seen
    _plan(runs, "late", [])
    assert post(c, "/iot/sites", headers={"X-Run-Token": "late"}).status_code == 200
    assert c.get("/healthz").status_code == 200  # health needs no token


def test_fault_plan_and_log(eval_client):
    c, runs = eval_client
    _plan(
        runs,
        "run1",
        [
            {"tool": "iot.history", "kind": "error", "first_n": 2, "message": "backend down"},
            {"tool": "wo.list_workorders", "kind": "timeout"},
            {"tool": "iot.assets", "kind": "empty"},
            {"tool": "iot.sites", "kind": "warning", "message": "stale data"},
        ],
    )
    h = {"X-Run-Token": "run1"}
    hist = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "start": "2020-06-01T00:00:00",
        "final": "2020-06-01T02:00:00",
        "sensors": ["Tonnage"],
    }
    r = post(c, "/iot/history", hist, headers=h)
    assert r.status_code == 503 and r.json() == {
        **r.json(),
        "code": "tool_unavailable",
        "detail": "backend down",
    }
    assert post(c, "/iot/history", hist, headers=h).status_code == 503
    ok = post(c, "/iot/history", hist, headers=h)
    assert ok.status_code == 200 and ok.json()["total_observations"] == 8
    t0 = time.perf_counter()
    r = post(c, "/wo/list_workorders", {}, headers=h)
    assert r.status_code == 504 and r.json()["code"] == "tool_timeout"
    assert time.perf_counter() - t0 >= 0.2
    assert post(c, "/wo/list_workorders", {}, headers=h).status_code == 200
    empty = post(c, "/iot/assets", {"site_name": "MAIN"}, headers=h).json()
    assert empty["assets"] == [] and empty["total_assets"] == 0
    warn = post(c, "/iot/sites", {}, headers=h).json()
    assert warn["warning"] == "stale data" and warn["sites"]
    assert post(c, "/iot/assets", {"site_name": "XX"}, headers=h).status_code == 404

    log = _log(runs, "run1")
    assert [r.seq for r in log] == list(range(len(log)))
    assert [r.status for r in log] == [
        "error",
        "error",
        "ok",
        "timeout",
        "ok",
        "empty",
        "warning",
        "error",
    ]
    assert [r.injected_fault for r in log] == [
        "error",
        "error",
        None,
        "timeout",
        None,
        "empty",
        "warning",
        None,
    ]
    assert log[0].error_code == "tool_unavailable" and log[0].http_status == 503
    assert log[-1].error_code == "unknown_site" and log[-1].http_status == 404
    good = log[2]
    assert good.tool == "iot.history" and good.family == "iot"
    assert good.arguments == hist
    assert "Chiller 6 Tonnage" in good.entities and "2020-06-01T01:45:00" in good.entities
    first_value = ok.json()["observations"][0]["Chiller 6 Tonnage"]
    assert first_value in good.values
    assert good.result_count == 8 and good.latency_ms > 0
    assert log[5].entities == ["MAIN"] and log[5].result_count == 0


def test_log_caps(eval_client):
    c, runs = eval_client
    _plan(runs, "big", [])
    r = post(
        c,
        "/iot/history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 6",
            "start": "2020-06-01",
            "final": "2020-06-08",
            "page_size": 5000,
        },
        headers={"X-Run-Token": "big"},
    )
    assert r.status_code == 200
    rec = _log(runs, "big")[0]
    assert len(rec.values) == len(set(rec.values)) > 1000  # distinct numbers
    big = {"rows": [{"id": f"X{i}", "v": float(i)} for i in range(MAX_VALUES + 10)]}
    entities, values, count = reduce_result(big)
    assert len(values) == MAX_VALUES and len(entities) == MAX_ENTITIES
    assert count == MAX_VALUES + 10


def test_open_mode_logs_nothing(client, tmp_path):
    assert post(client, "/iot/sites").status_code == 200
    assert not list(tmp_path.iterdir())

"""The seventeenth-round (fresh16) defect agents of the diagnosis benchmark
do to a call, the agent's reasoning over the data, its flow, its questions
or its error handling exactly what bench/diagnosis/defects.yaml says (issue
19): a fixture that silently did nothing would make its defect look "named"
or "missed" for the wrong reason. Each test sets the defect against the
baseline's own behaviour on the same input. These tests check the defect's
behaviour only, never its diagnosis."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from defect_agent_support import (
    ScriptedTools,
    assert_batch_complete,
    defect_agent_fixture,
    fresh_agent_loader,
    install_call,
    no_sleep,
    record_original_calls,
    scripted_agent,
    tools_of,
)

agent = defect_agent_fixture("fresh16")
_fresh = fresh_agent_loader("fresh16")


def test_every_fresh16_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh16", 12)
    from bench import bench_diagnosis

    assert "fresh16" in bench_diagnosis.HALVES


FAILED = (503, {"detail": "upstream data source temporarily unavailable, please retry"})
FLOW = "Chiller 14 Condenser Water Flow"
HISTORY = {
    "dataset_id": "ds-full",
    "total_pages": 1,
    "observations": [
        {"timestamp": "2020-04-05T00:00:00", FLOW: 1500.0},
        {"timestamp": "2020-04-05T00:15:00", FLOW: 1520.0},
    ],
}
SENSORS = [
    {"name": "Chiller 14 Supply Temperature", "kind": "Supply Temperature"},
    {"name": FLOW, "kind": "Condenser Water Flow"},
    {"name": "Chiller 14 Chilled Water Flow", "kind": "Chilled Water Flow"},
]
ANOMALY_TASK = (
    "Run anomaly detection on Chiller 14 Condenser Water Flow (site ANNEX) for "
    "2020-04-05T00:00:00 to 2020-04-12T00:00:00. How many anomalous windows does it find?"
)


def _window(start: str, points: int) -> dict[str, Any]:
    return {"start": start, "end": start, "points": points, "max_score": 3.0}


def _scan(*windows: dict[str, Any]) -> dict[str, Any]:
    return {
        "dataset_id": "ds-full",
        "results": [
            {
                "target": FLOW,
                "anomalous_points": sum(w["points"] for w in windows),
                "total_windows": len(windows),
                "windows": list(windows),
            }
        ],
    }


# ---- calls ------------------------------------------------------------------------------------
def test_invents_count_tool_calls_a_tool_the_catalog_lacks(agent: ModuleType, monkeypatch) -> None:
    sent = record_original_calls(agent, monkeypatch, {"total": 3})
    wo = {"asset_num": "CWC04003", "work_type": "PM", "date_from": "2019-01-01"}
    monkeypatch.setitem(agent.CURRENT, "low", "count the preventive work orders of cwc04003.")
    agent.invents_count_tool(None, "wo.list_workorders", wo)
    agent.invents_count_tool(None, "iot.get_asset", {"site_name": "MAIN"})
    monkeypatch.setitem(agent.CURRENT, "low", ANOMALY_TASK.lower())
    agent.invents_count_tool(None, "iot.history", {"asset_id": "Chiller 14"})
    agent.invents_count_tool(None, "tsfm.run_tsad", {"dataset_id": "d"})
    monkeypatch.setitem(agent.CURRENT, "low", "fetch work order wo102575 as a json object.")
    agent.invents_count_tool(None, "wo.list_workorders", wo)  # no count asked: the real tool
    assert sent == [
        ("wo.count_workorders", wo),
        ("iot.get_asset", {"site_name": "MAIN"}),
        ("iot.history", {"asset_id": "Chiller 14"}),
        ("tsfm.count_anomalies", {"dataset_id": "d"}),
        ("wo.list_workorders", wo),
    ]
    assert agent._counting_tool("how many alerts were raised for chiller 9?") == (
        "wo.list_events",
        "wo.count_events",
    )
    assert agent._counting_tool("how many readings of chiller 13 supply temperature?") == (
        "iot.history",
        "iot.count_readings",
    )
    # the catalog has no such tools
    from contracts.tools import TOOL_ARGS

    for _, real, imagined in agent.COUNTING_TOOLS:
        assert real in TOOL_ARGS and imagined not in TOOL_ARGS


def test_invents_count_tool_ends_the_task_with_the_refusal() -> None:
    task = (
        "Find CQPA AHU 2B's equipment id (MAIN) and count its corrective (CM) work orders for 2018."
    )
    script = {
        "iot.get_asset": [(200, {"equipment_id": "AHU05002"})],
        "wo.list_workorders": [(200, {"total": 8})],
        "wo.count_workorders": [(404, {"detail": "Unknown tool 'wo.count_workorders'."})],
    }
    base, _ = scripted_agent(_fresh("count_base"), task, dict(script))
    assert base.asset_corrective() == "8 corrective work orders for CQPA AHU 2B (AHU05002)"
    mod = _fresh("count")
    install_call(mod, "invents_count_tool")
    mod.CURRENT["low"] = task.lower()
    flow, tools = scripted_agent(mod, task, dict(script))
    refused = r"wo.count_workorders rejected the request \(404\)"
    with pytest.raises(mod.b.CannotAnswer, match=refused):
        flow.asset_corrective()
    assert tools_of(tools.sent) == ["iot.get_asset", "wo.count_workorders"]
    assert {"agent": "wo", "tool": "count_workorders"}.items() <= tools.plan[-1].items()


def test_tool_call_object_as_body_wraps_every_request(monkeypatch) -> None:
    mod = _fresh("body")
    no_sleep(mod, monkeypatch)
    args = {"site_name": "ANNEX", "asset_type": "chiller"}
    assets = {"assets": [{"asset_id": "Chiller 13"}]}
    base = ScriptedTools({"iot.assets": [(200, assets)]})
    assert mod.b.Tools.call(base, "iot.assets", args, expect_rows="assets") == assets
    assert base.sent == [("iot.assets", args)]
    refused = (422, {"detail": "Invalid arguments for iot.assets."})
    tools = ScriptedTools({"iot.assets": [refused]})
    with pytest.raises(mod.b.CannotAnswer, match=r"iot.assets rejected the request \(422\)"):
        mod.tool_call_object_as_body(tools, "iot.assets", args, expect_rows="assets")
    assert tools.sent == [("iot.assets", {"name": "iot.assets", "arguments": args})]
    assert tools.trajectory[0]["arguments"] == args  # what the agent believes it sent
    assert "_post" not in vars(tools)
    # the tool's schema refuses the envelope, takes the arguments alone
    from pydantic import ValidationError

    from contracts.tools import AssetsArgs

    with pytest.raises(ValidationError):
        AssetsArgs(**tools.sent[0][1])
    assert AssetsArgs(**args).site_name == "ANNEX"


def test_retries_previous_call_replays_the_call_before(monkeypatch) -> None:
    mod = _fresh("previous")
    no_sleep(mod, monkeypatch)
    lookup = {"site_name": "ANNEX", "asset_id": "Chiller 14"}
    window = {**lookup, "start": "2020-04-05T00:00:00", "sensors": [FLOW]}
    sensors = {"sensors": SENSORS}
    # the baseline retries the failed history call itself and gets the data
    script = {"iot.sensors": [(200, sensors)], "iot.history": [FAILED, (200, HISTORY)]}
    base = ScriptedTools({k: list(v) for k, v in script.items()})
    mod.b.Tools.call(base, "iot.sensors", lookup, expect_rows="sensors", lookup=True)
    assert mod.b.Tools.call(base, "iot.history", window, expect_rows="observations") == HISTORY
    assert tools_of(base.sent) == ["iot.sensors", "iot.history", "iot.history"]
    tools = ScriptedTools({k: list(v) for k, v in script.items()})
    mod.retries_previous_call(tools, "iot.sensors", lookup, expect_rows="sensors", lookup=True)
    got = mod.retries_previous_call(tools, "iot.history", window, expect_rows="observations")
    assert got == sensors  # the sensor lookup's response, taken for the history
    assert tools_of(tools.sent) == ["iot.sensors", "iot.history", "iot.sensors", "iot.sensors"]
    assert [s["tool"] for s in tools.trajectory][-2:] == ["iot.history", "iot.history"]
    assert "_post" not in vars(tools)
    # the first call of a task has nothing before it: it is retried itself
    mod.CURRENT.clear()
    first = ScriptedTools({"wo.list_alert_rules": [(200, {"rules": []}), (200, {"rules": [1]})]})
    args = {"equipment_id": "CWC04006"}
    assert mod.retries_previous_call(first, "wo.list_alert_rules", args, expect_rows="rules") == {
        "rules": [1]
    }


def test_retries_previous_call_leaves_the_answer_without_the_data(monkeypatch) -> None:
    task = (
        "How many readings of Chiller 14 Condenser Water Flow were recorded at site ANNEX "
        "between 2020-04-05T00:00:00 and 2020-04-06T00:00:00 (end exclusive)?"
    )
    script = {"iot.sensors": [(200, {"sensors": SENSORS})], "iot.history": [FAILED, (200, HISTORY)]}
    base_mod = _fresh("previous_base")
    no_sleep(base_mod, monkeypatch)
    base, _ = scripted_agent(base_mod, task, {k: list(v) for k, v in script.items()})
    assert base.reading_count() == f"2 readings of {FLOW}"
    mod = _fresh("previous_flow")
    no_sleep(mod, monkeypatch)
    install_call(mod, "retries_previous_call")
    flow, _ = scripted_agent(mod, task, {k: list(v) for k, v in script.items()})
    assert flow.reading_count() == f"0 readings of {FLOW}"


def test_legacy_field_names_reads_zero_for_renamed_fields(agent: ModuleType, monkeypatch) -> None:
    reply = {
        "total": 113,
        "mean_response_hours": 27.22,
        "results": [{"total_windows": 5, "windows": [{"points": 1}]}],
        "workorders": [{"wonum": "WO1"}],
    }
    sent = record_original_calls(agent, monkeypatch, reply)
    got = agent.legacy_field_names(None, "wo.list_workorders", {"asset_num": "CWC04003"})
    assert sent == [("wo.list_workorders", {"asset_num": "CWC04003"})]
    assert got == {
        "total": 0,
        "mean_response_hours": 0,
        "results": [{"total_windows": 0, "windows": [{"points": 1}]}],
        "workorders": [{"wonum": "WO1"}],
    }
    assert reply["total"] == 113  # the response itself is left alone
    assert agent._legacy_view({"count": 7, "total": 9}) == {"count": 7, "total": 7}


def test_legacy_field_names_counts_zero_work_orders() -> None:
    task = "Count the preventive work orders raised on CWC04003 during 2019."
    script = {"wo.list_workorders": [(200, {"total": 113, "workorders": [{"wonum": "WO1"}]})]}
    base, _ = scripted_agent(_fresh("legacy_base"), task, dict(script))
    assert base.workorder_count() == "113 work orders"
    mod = _fresh("legacy")
    install_call(mod, "legacy_field_names")
    flow, _ = scripted_agent(mod, task, dict(script))
    assert flow.workorder_count() == "0 work orders"


# ---- reasoning over the data -------------------------------------------------------------------
def _anomaly_script(scan: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    return {"iot.history": [(200, HISTORY)], "tsfm.run_tsad": [(200, scan)]}


def test_ignores_single_point_anomalies_drops_one_reading_windows() -> None:
    scan = _scan(
        _window("2020-04-06T20:00:00", 1),
        _window("2020-04-07T03:00:00", 3),
        _window("2020-04-08T11:00:00", 1),
    )
    base, _ = scripted_agent(_fresh("single_base"), ANOMALY_TASK, _anomaly_script(scan))
    base._sensors["Chiller 14"] = SENSORS
    assert base.anomalies() == f"3 anomalous windows in {FLOW}"
    mod = _fresh("single")
    install_call(mod, "ignores_single_point_anomalies")
    flow, _ = scripted_agent(mod, ANOMALY_TASK, _anomaly_script(scan))
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.anomalies() == f"1 anomalous windows in {FLOW}"
    lone = _scan(_window("2020-04-06T20:00:00", 1))
    flow, _ = scripted_agent(mod, ANOMALY_TASK, _anomaly_script(lone), fmt="json")
    flow._sensors["Chiller 14"] = SENSORS
    assert json.loads(flow.anomalies()) == {"anomalous": False, "windows": 0}
    base, _ = scripted_agent(_fresh("single_json"), ANOMALY_TASK, _anomaly_script(lone), "json")
    base._sensors["Chiller 14"] = SENSORS
    assert json.loads(base.anomalies()) == {"anomalous": True, "windows": 1}


def test_rejects_values_as_implausible_declines_a_fahrenheit_series() -> None:
    sensor = "Chiller 4 Return Temperature"
    day = {
        "dataset_id": "ds-2",
        "observations": [
            {"timestamp": f"2020-04-11T0{i}:00:00", sensor: v}
            for i, v in enumerate([52.0, 54.0, 60.0, 50.0, 48.0, 56.0])
        ],
    }
    task = (
        "On April 11, 2020, what maximum reading did Chiller 4 at MAIN record for Return "
        "Temperature?"
    )
    sensors = [{"name": sensor, "kind": "Return Temperature"}]
    base, _ = scripted_agent(_fresh("plausible_base"), task, {"iot.history": [(200, day)]})
    base._sensors["Chiller 4"] = sensors
    assert base.daily_stat().startswith("60 (max of 6 readings")
    mod = _fresh("plausible")
    mod.rejects_values_as_implausible_patch()
    flow, _ = scripted_agent(mod, task, {"iot.history": [(200, day)]})
    flow._sensors["Chiller 4"] = sensors
    with pytest.raises(mod.Bail) as declined:
        flow.daily_stat()
    assert declined.value.answer == (
        "4 of the 6 readings of Chiller 4 Return Temperature lie outside the plausible range "
        "for a temperature (-40 to 50 °C), for example 52. The sensor looks faulty or "
        "miscalibrated, so I won't report a result from its data; please have it checked."
    )
    # a series inside the ranges, or of a quantity it has no range for, is answered
    cool = {**day, "observations": [{"timestamp": "t", sensor: 44.5}]}
    flow, _ = scripted_agent(mod, task, {"iot.history": [(200, cool)]})
    flow._sensors["Chiller 4"] = sensors
    assert flow.daily_stat().startswith("44.5 (max of 1 readings")
    tons = "Chiller 4 Tonnage"
    big = {"dataset_id": "d", "observations": [{"timestamp": "t", tons: 636.3}]}
    flow, _ = scripted_agent(mod, task, {"iot.history": [(200, big)]})
    _, rows = flow.series("MAIN", "Chiller 4", tons, "2020-04-11T00:00:00", "2020-04-12T00:00:00")
    assert rows == [("t", 636.3)]


def test_codes_as_labels_writes_labels_for_codes() -> None:
    record = {
        "wonum": "WO102575",
        "status": "CLOSE",
        "priority": 3,
        "work_type": "PM",
        "failure_code": "MT013",
        "failure_code_description": "Cooling coil and valves",
    }
    task = "Fetch work order WO102575; I need its status, priority, work_type as a JSON object."
    script = {"wo.get_workorder": [(200, record)]}
    base, _ = scripted_agent(_fresh("labels_base"), task, dict(script), "json")
    assert json.loads(base.workorder_detail()) == {
        "status": "CLOSE",
        "priority": 3,
        "work_type": "PM",
    }
    mod = _fresh("labels")
    mod.codes_as_labels_patch()
    flow, _ = scripted_agent(mod, task, dict(script), "json")
    assert json.loads(flow.workorder_detail()) == {
        "status": "Closed",
        "priority": "Medium",
        "work_type": "Preventive maintenance",
    }
    coded = task.replace("status, priority, work_type", "failure_code")
    flow, _ = scripted_agent(mod, coded, dict(script), "json")
    assert json.loads(flow.workorder_detail()) == {"failure_code": "Cooling coil and valves"}
    dist_task = (
        "Summarise equipment AHU05002's 2017 work orders by primary failure code "
        "(JSON object code -> number of work orders)."
    )
    dist = {
        "distribution": [
            {"failure_code": "MT013", "description": "Cooling coil and valves", "count": 3},
            {"failure_code": "MT014", "description": "AHU sensors", "count": 2},
        ]
    }
    script = {"wo.get_failure_code_distribution": [(200, dist)]}
    base, _ = scripted_agent(_fresh("labels_dist_base"), dist_task, dict(script), "json")
    assert json.loads(base.failure_code_distribution()) == {"MT013": 3, "MT014": 2}
    flow, _ = scripted_agent(mod, dist_task, dict(script), "json")
    assert json.loads(flow.failure_code_distribution()) == {
        "Cooling coil and valves": 3,
        "AHU sensors": 2,
    }
    rules_task = "Equipment CWC04006: which alert rules have severity critical? List their ids."
    rules = {
        "rules": [
            {"rule_id": "AR-CH-05", "name": "High discharge superheat", "severity": "critical"},
            {"rule_id": "AR-CH-01", "name": "High condenser approach", "severity": "major"},
        ]
    }
    script = {"wo.list_alert_rules": [(200, rules)]}
    base, _ = scripted_agent(_fresh("labels_rules_base"), rules_task, dict(script), "ids")
    assert base.alert_rules() == "AR-CH-05"
    flow, _ = scripted_agent(mod, rules_task, dict(script), "ids")
    assert flow.alert_rules() == "High discharge superheat"


# ---- the agent's flow, its questions and its tool choice -----------------------------------------
def test_anomalies_from_event_log_never_runs_the_detector() -> None:
    base, _ = scripted_agent(
        _fresh("events_base"), ANOMALY_TASK, _anomaly_script(_scan(_window("t", 1)))
    )
    base._sensors["Chiller 14"] = SENSORS
    assert base.anomalies() == f"1 anomalous windows in {FLOW}"
    mod = _fresh("events")
    mod.anomalies_from_event_log_patch()
    script = {  # no telemetry nor scan in the script: calling them would fail the test
        "iot.get_asset": [(200, {"equipment_id": "CWC04014"})],
        "wo.list_events": [(200, {"total": 4, "events": [{}, {}, {}, {}]})],
    }
    flow, tools = scripted_agent(mod, ANOMALY_TASK, {k: list(v) for k, v in script.items()})
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.anomalies() == f"4 anomalous windows in {FLOW}"
    assert tools_of(tools.sent) == ["iot.get_asset", "wo.list_events"]
    assert tools.sent[1][1] == {
        "equipment_id": "CWC04014",
        "date_from": "2020-04-05",
        "date_to": "2020-04-11",
        "event_type": "anomaly",
        "page_size": 1000,
    }
    flow, _ = scripted_agent(mod, ANOMALY_TASK, {k: list(v) for k, v in script.items()}, "json")
    flow._sensors["Chiller 14"] = SENSORS
    assert json.loads(flow.anomalies()) == {"anomalous": True, "windows": 4}


def test_assumes_cutoff_date_declines_later_dates_without_a_call() -> None:
    later = (
        "I need the Chiller 3 Condenser Water Flow measurement taken at 2020-02-26T09:15:00 "
        "(site MAIN)."
    )
    mod = _fresh("cutoff")
    mod.assumes_cutoff_date_patch()
    flow, tools = scripted_agent(mod, later, {})
    with pytest.raises(mod.Bail) as declined:
        flow.solve()
    assert declined.value.answer == (
        "I can't answer this yet: 2020-02-26 is after today (2020-01-01), so no readings, work "
        "orders or analysis results can exist for it. Please ask about a past period."
    )
    assert tools.sent == []
    assert [d.isoformat() for d in mod._days_named("On April 11, 2020, in March 2020")] == [
        "2020-04-11",
        "2020-03-01",
    ]
    # the baseline answers it
    sensor = "Chiller 3 Condenser Water Flow"
    data = {"observations": [{"timestamp": "2020-02-26T09:15:00", sensor: 1506.0}]}
    base, _ = scripted_agent(_fresh("cutoff_base"), later, {"iot.history": [(200, data)]})
    base._sensors["Chiller 3"] = [{"name": sensor, "kind": "Condenser Water Flow"}]
    assert base.solve().startswith("1506.0 (reading of")
    # a task about an earlier date is solved as usual
    earlier = later.replace("2020-02-26", "2019-12-26")
    data = {"observations": [{"timestamp": "2019-12-26T09:15:00", sensor: 1490.0}]}
    flow, _ = scripted_agent(mod, earlier, {"iot.history": [(200, data)]})
    flow._sensors["Chiller 3"] = [{"name": sensor, "kind": "Condenser Water Flow"}]
    assert flow.solve().startswith("1490.0 (reading of")


ASSETS = {"assets": [{"asset_id": f"Chiller {n}"} for n in (3, 4, 6, 9)]}


def test_leading_question_offers_the_first_candidate_only() -> None:
    task = "How did the chiller's tonnage at MAIN look on October 19, 2019?"
    base, _ = scripted_agent(_fresh("leading_base"), task, {"iot.assets": [(200, ASSETS)]})
    assert base.clarify_asset() == (
        "Site MAIN has several chillers: Chiller 3, Chiller 4, Chiller 6, Chiller 9. "
        "Which one do you mean?"
    )
    mod = _fresh("leading")
    mod.leading_question_patch()
    flow, tools = scripted_agent(mod, task, {"iot.assets": [(200, ASSETS)]})
    assert flow.clarify_asset() == "Site MAIN has several chillers. Did you mean Chiller 3?"
    assert tools_of(tools.sent) == ["iot.assets"]  # the candidates were looked up
    single = {"assets": [{"asset_id": "Chiller 3"}]}
    flow, _ = scripted_agent(mod, task, {"iot.assets": [(200, single)]})
    assert flow.clarify_asset() is None  # not ambiguous: no question
    flow_task = "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30:00?"
    flow, _ = scripted_agent(mod, flow_task, {})
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.clarify_sensor("ANNEX", "Chiller 14") == (
        "Chiller 14 has several matching sensors. Did you mean Chiller 14 Condenser Water Flow?"
    )
    wo_task = "What was the outcome of the corrective work order on AHU06002 in September 2018?"
    two = {"workorders": [{"wonum": "WO102224"}, {"wonum": "WO102271"}]}
    flow, _ = scripted_agent(mod, wo_task, {"wo.list_workorders": [(200, two)]})
    assert flow.which_workorder() == (
        "There are several corrective work orders in that month. Did you mean WO102224?"
    )
    one = {"workorders": [{"wonum": "WO102224", "status": "CLOSE", "description": "x"}]}
    flow, _ = scripted_agent(mod, wo_task, {"wo.list_workorders": [(200, one)]})
    assert flow.which_workorder().startswith("Work order WO102224 (CLOSE)")


FORECAST_TASK = (
    "Using Chiller 14 Condenser Water Flow data at site ANNEX from 2020-04-05T00:00:00 to "
    "2020-04-12T00:00:00, forecast the next 2 readings (15-minute steps). What is the mean "
    "of the forecast?"
)
FORECAST = {"forecast": {FLOW: [1600.0, 1640.0]}}


def test_analyses_the_preview_sends_the_preview_dataset_to_the_model() -> None:
    preview = {**HISTORY, "dataset_id": "ds-preview"}
    script = {
        "iot.history": [(200, HISTORY)],
        "tsfm.run_tsfm_forecasting": [(200, FORECAST)],
    }
    base, base_tools = scripted_agent(_fresh("preview_base"), FORECAST_TASK, dict(script))
    base._sensors["Chiller 14"] = SENSORS
    base.forecast()
    assert base_tools.sent[-1][1]["dataset_id"] == "ds-full"
    mod = _fresh("preview")
    mod.analyses_the_preview_patch()
    script = {
        "iot.history": [(200, preview), (200, HISTORY)],
        "tsfm.run_tsfm_forecasting": [(200, FORECAST)],
    }
    flow, tools = scripted_agent(mod, FORECAST_TASK, script)
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.forecast().startswith("1620 (mean of 2 forecast steps")
    assert tools_of(tools.sent) == ["iot.history", "iot.history", "tsfm.run_tsfm_forecasting"]
    first, full, model = (a for _, a in tools.sent)
    assert (first["start"], first["final"], first["page_size"]) == (
        "2020-04-05T00:00:00",
        "2020-04-06T00:00:00",
        20,
    )
    assert (full["start"], full["final"]) == ("2020-04-05T00:00:00", "2020-04-12T00:00:00")
    assert model["dataset_id"] == "ds-preview"  # meant: ds-full


def test_dates_read_day_first_swaps_day_and_month() -> None:
    task = (
        "How many readings of Chiller 13 Supply Temperature were recorded at site ANNEX between "
        "2019-07-01T00:00:00 and 2019-07-04T00:00:00 (end exclusive)?"
    )
    base = _fresh("day_first_base").b
    assert base.time_window(base.Agent({"task": task}).text) == (
        "2019-07-01T00:00:00",
        "2019-07-04T00:00:00",
    )
    mod = _fresh("day_first")
    mod.dates_read_day_first_patch()
    flow = mod.b.Agent({"task": task})
    assert mod.b.time_window(flow.text) == ("2019-01-07T00:00:00", "2019-04-07T00:00:00")
    assert "2019-01-07t00:00:00" in flow.low
    later = mod.b.Agent({"task": "from 2019-10-29T00:00:00 to 2019-11-12T00:00:00, 2019-08-12"})
    assert later.text == "from 2019-10-29T00:00:00 to 2019-12-11T00:00:00, 2019-12-08"
    # the history call is sent for the misread window
    sensor = "Chiller 13 Supply Temperature"
    flow, tools = scripted_agent(mod, task, {"iot.history": [(200, {"observations": []})]})
    flow._sensors["Chiller 13"] = [{"name": sensor, "kind": "Supply Temperature"}]
    flow.reading_count()
    assert (tools.sent[0][1]["start"], tools.sent[0][1]["final"]) == (
        "2019-01-07T00:00:00",
        "2019-04-07T00:00:00",
    )

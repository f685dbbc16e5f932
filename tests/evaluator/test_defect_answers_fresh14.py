"""The fifteenth-round (fresh14) defect agents of the diagnosis benchmark do
to a call, the agent's reasoning over the data, its flow, its questions or
an answer exactly what bench/diagnosis/defects.yaml says (issue 19): a
fixture that silently did nothing would make its defect look "named" or
"missed" for the wrong reason. Each test sets the defect against the
baseline's own behaviour on the same input. These tests check the defect's
behaviour only, never its diagnosis."""

from __future__ import annotations

import json
from types import ModuleType

import pytest
from defect_agent_support import (
    ScriptedTools,
    assert_batch_complete,
    defect_agent_fixture,
    fresh_agent_loader,
    original_calls_fixture,
    scripted_agent,
)

agent = defect_agent_fixture("fresh14")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh14")


def test_every_fresh14_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh14", 12)
    from bench import bench_diagnosis

    assert "fresh14" in bench_diagnosis.HALVES


# ---- calls ------------------------------------------------------------------------------------
def test_model_from_memory_sends_a_model_the_tools_do_not_serve(agent: ModuleType, sent) -> None:
    forecast = {"dataset_id": "d", "target_columns": ["S"], "forecast_horizon": 96}
    scan = {"dataset_id": "d", "target_columns": ["S"]}
    agent.model_from_memory(None, "tsfm.run_tsfm_forecasting", forecast)
    agent.model_from_memory(None, "tsfm.run_tsad", scan)
    named = {**forecast, "model_checkpoint": "seasonal_naive"}
    agent.model_from_memory(None, "tsfm.run_tsfm_forecasting", named)
    agent.model_from_memory(None, "iot.history", {"asset_id": "A"})
    assert sent == [
        ("tsfm.run_tsfm_forecasting", {**forecast, "model_checkpoint": "chronos-t5-small"}),
        ("tsfm.run_tsad", {**scan, "ad_model_type": "isolation_forest"}),
        ("tsfm.run_tsfm_forecasting", named),  # a model the task names is kept
        ("iot.history", {"asset_id": "A"}),
    ]
    assert "model_checkpoint" not in forecast
    # neither model is served: the tools answer 404 unknown_model
    from services.assetdata import catalog, tools

    with pytest.raises(tools.ToolError) as err:
        tools._model_name("chronos-t5-small")
    assert err.value.http_status == 404
    assert "isolation_forest" not in catalog.AD_MODELS


def test_model_from_memory_rejected_call_ends_the_task(monkeypatch) -> None:
    mod = _fresh("model")
    monkeypatch.setattr(mod, "ORIGINAL_CALL", mod.b.Tools.call)
    rejected = (404, {"detail": "Unknown model 'chronos-t5-small'."})
    tools = ScriptedTools({"tsfm.run_tsfm_forecasting": [rejected]})
    args = {"dataset_id": "d", "target_columns": ["S"]}
    with pytest.raises(mod.b.CannotAnswer, match="rejected the request"):
        mod.model_from_memory(tools, "tsfm.run_tsfm_forecasting", args, expect_rows="forecast")
    assert tools.sent == [
        ("tsfm.run_tsfm_forecasting", {**args, "model_checkpoint": "chronos-t5-small"})
    ]


def test_adds_unasked_status_filter_restricts_work_order_lists(agent: ModuleType, sent) -> None:
    wo = {"asset_num": "CWC04003", "work_type": "PM", "page_size": 500}
    agent.adds_unasked_status_filter(None, "wo.list_workorders", wo)
    agent.adds_unasked_status_filter(
        None, "wo.list_workorders", {"site_id": "ANNEX", "status": "WAPPR"}
    )
    agent.adds_unasked_status_filter(None, "wo.list_events", {"equipment_id": "CWC04009"})
    assert sent == [
        ("wo.list_workorders", {**wo, "status": "COMP"}),
        ("wo.list_workorders", {"site_id": "ANNEX", "status": "WAPPR"}),  # asked: kept
        ("wo.list_events", {"equipment_id": "CWC04009"}),
    ]
    assert "status" not in wo


def test_failure_modes_by_type_sends_the_asset_type(agent: ModuleType, sent) -> None:
    agent.failure_modes_by_type(None, "fmsr.get_failure_modes", {"asset_name": "Chiller 3"})
    mapping = {"asset_name": "CQPB AHU 1", "sensors": ["CQPB AHU 1 Supply Fan Power"]}
    agent.failure_modes_by_type(None, "fmsr.get_failure_mode_sensor_mapping", mapping)
    agent.failure_modes_by_type(None, "fmsr.get_failure_modes", {"asset_name": "chiller"})
    agent.failure_modes_by_type(None, "iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 3"})
    assert sent == [
        ("fmsr.get_failure_modes", {"asset_name": "chiller"}),
        ("fmsr.get_failure_mode_sensor_mapping", {**mapping, "asset_name": "ahu"}),
        ("fmsr.get_failure_modes", {"asset_name": "chiller"}),
        ("iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 3"}),
    ]


# ---- reasoning over the data -------------------------------------------------------------------
HISTORY = {
    "dataset_id": "ds-1",
    "observations": [
        {"timestamp": "2020-04-11T00:00:00", "Chiller 4 Return Temperature": 52.0, "Flow": 1500.0},
        {"timestamp": "2020-04-11T00:15:00", "Chiller 4 Return Temperature": 54.5, "Flow": 1510.0},
    ],
}


def test_stats_over_all_columns_aggregates_the_whole_frame() -> None:
    task = (
        "On April 11, 2020, what maximum reading did Chiller 4 at MAIN record for "
        "Return Temperature?"
    )
    sensor = "Chiller 4 Return Temperature"
    window = ("2020-04-11T00:00:00", "2020-04-12T00:00:00")
    base = _fresh("frame_base")
    agent, tools = scripted_agent(base, task, {"iot.history": [(200, HISTORY)]})
    _, rows = agent.series("MAIN", "Chiller 4", sensor, *window)
    assert [v for _, v in rows] == [52.0, 54.5]  # baseline: the one sensor
    assert tools.sent[0][1]["sensors"] == [sensor]
    mod = _fresh("frame")
    mod.stats_over_all_columns_patch()
    agent, tools = scripted_agent(mod, task, {"iot.history": [(200, HISTORY)]})
    data, rows = agent.series("MAIN", "Chiller 4", sensor, *window)
    assert "sensors" not in tools.sent[0][1]
    assert sorted(v for _, v in rows) == [52.0, 54.5, 1500.0, 1510.0]
    assert data["dataset_id"] == "ds-1"
    agent._dataset = lambda **extra: ("MAIN", "Chiller 4", sensor, data, rows)
    assert agent.daily_stat().startswith("1510 (max of 4 readings")  # not 54.5 of 2


SENSORS = [
    {"name": "Chiller 4 Supply Temperature", "kind": "Supply Temperature"},
    {"name": "Chiller 4 Return Temperature", "kind": "Return Temperature"},
    {"name": "Chiller 4 Tonnage", "kind": "Tonnage"},
    {"name": "Chiller 4 Condenser Water Flow", "kind": "Condenser Water Flow"},
]


def test_over_clarifies_by_quantity_asks_although_the_sensor_is_named() -> None:
    task = "What was the Chiller 4 Return Temperature at site MAIN at 2020-02-26T09:15:00?"
    base = _fresh("quantity_base").b.Agent({"task": task})
    base._sensors["Chiller 4"] = SENSORS
    assert base.sensor("MAIN", "Chiller 4") == "Chiller 4 Return Temperature"
    mod = _fresh("quantity")
    mod.over_clarifies_by_quantity_patch()
    agent, tools = scripted_agent(mod, task, {})
    agent._sensors["Chiller 4"] = SENSORS
    assert agent.sensor("MAIN", "Chiller 4") is None  # another Temperature exists
    question = agent.reading_at()
    assert question.endswith("Which one do you mean?")
    assert "Chiller 4 Supply Temperature" in question
    unique = mod.b.Agent({"task": "Chiller 4 Tonnage at MAIN on 2020-02-26"})
    unique._sensors["Chiller 4"] = SENSORS
    assert unique.sensor("MAIN", "Chiller 4") == "Chiller 4 Tonnage"  # the only one of its kind


MAPPING = {
    "fm_to_sensors": {
        "Supply fan motor bearing wear": [
            {"sensor": "CQPB AHU 1 Supply Fan Power", "relevance": 0.95},
            {"sensor": "CQPB AHU 1 Supply Fan Speed", "relevance": 0.3},
            {"sensor": "CQPB AHU 1 Supply Air Temperature", "relevance": 0.6},
        ]
    },
    "sensor_to_fms": {},
    "pairs": [{}],
}


def test_ranking_reversed_takes_the_other_end() -> None:
    task = "For early warning of 'Supply fan motor bearing wear' on CQPB AHU 1, which one sensor?"
    script = {"fmsr.get_failure_mode_sensor_mapping": [(200, MAPPING)]}
    base, _ = scripted_agent(_fresh("rank_base"), task, script)
    assert base.sensors_for_mode().startswith("CQPB AHU 1 Supply Fan Power is")
    mod = _fresh("rank")
    mod.ranking_reversed_patch()
    agent, _ = scripted_agent(mod, task, {"fmsr.get_failure_mode_sensor_mapping": [(200, MAPPING)]})
    assert agent.sensors_for_mode() == (
        "CQPB AHU 1 Supply Fan Speed is the most relevant sensor for Supply fan motor "
        "bearing wear (relevance 0.30)."
    )
    days = [
        ("2019-08-12T00:00:00", 70.0),
        ("2019-08-15T00:00:00", 77.5),
        ("2019-08-17T00:00:00", 67.8),
    ]
    lowest = mod.b.Agent({"task": "Which date had the lowest average?"})
    lowest._dataset = lambda **extra: ("MAIN", "Chiller 3", "S", {}, days)
    assert lowest.peak_day() == "2019-08-15 (daily mean 77.5)"  # the highest
    highest = mod.b.Agent({"task": "Which date had the highest average?"})
    highest._dataset = lambda **extra: ("MAIN", "Chiller 3", "S", {}, days)
    assert highest.peak_day() == "2019-08-17 (daily mean 67.8)"  # the lowest
    top = mod.b.Agent({"task": "Which failure code occurred most often?"})
    top._distribution = lambda: {"MT013": 3, "MT010": 1, "MT014": 2}
    assert top.top_failure_code().startswith("MT010 was the most frequent")


# ---- the agent's flow and questions ------------------------------------------------------------
def test_asks_user_for_equipment_id_instead_of_looking_it_up() -> None:
    task = (
        "Find CQPA AHU 2B's equipment id (MAIN) and count its corrective (CM) work orders for 2018."
    )
    ok = {"equipment_id": "AHU05002"}
    script = {"iot.get_asset": [(200, ok)], "wo.list_workorders": [(200, {"total": 8})]}
    base, base_tools = scripted_agent(_fresh("eq_base"), task, script)
    assert base.asset_corrective() == "8 corrective work orders for CQPA AHU 2B (AHU05002)"
    mod = _fresh("eq")
    mod.asks_user_for_equipment_id_patch()
    agent, tools = scripted_agent(mod, task, script)
    with pytest.raises(mod.Bail) as asked:
        agent.asset_corrective()
    assert asked.value.answer == (
        "To look up the work orders and events I need the equipment id of CQPA AHU 2B "
        "(site MAIN). Could you tell me its equipment id?"
    )
    assert tools.sent == []  # no lookup, no work-order call


def test_fiscal_year_window_runs_october_to_september() -> None:
    task = "Count the preventive work orders raised on CWC04003 during 2019."
    base = _fresh("fiscal_base")
    assert base.b.year_window(task) == ("2019-01-01", "2019-12-31")
    mod = _fresh("fiscal")
    mod.fiscal_year_window_patch()
    assert mod.b.year_window(task) == ("2018-10-01", "2019-09-30")
    assert mod.b.year_window("no year here") == (None, None)
    agent, tools = scripted_agent(mod, task, {"wo.list_workorders": [(200, {"total": 5})]})
    assert agent.workorder_count() == "5 work orders"
    args = tools.sent[0][1]
    assert (args["date_from"], args["date_to"]) == ("2018-10-01", "2019-09-30")


def test_clarifies_with_guessed_candidates_names_no_real_asset() -> None:
    task = "How did the chiller's tonnage at MAIN look on October 19, 2019?"
    assets = {"assets": [{"asset_id": f"Chiller {n}"} for n in (3, 4, 6, 9)]}
    base, _ = scripted_agent(_fresh("guess_base"), task, {"iot.assets": [(200, assets)]})
    assert "Chiller 3, Chiller 4, Chiller 6, Chiller 9" in base.clarify_asset()
    mod = _fresh("guess")
    mod.clarifies_with_guessed_candidates_patch()
    agent, tools = scripted_agent(mod, task, {"iot.assets": [(200, assets)]})
    assert agent.clarify_asset() == (
        "Site MAIN has several chillers: Chiller 1, Chiller 2. Which one do you mean?"
    )
    flow = mod.b.Agent(
        {"task": "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30:00?"}
    )
    flow.tools = tools
    assert flow.clarify_sensor("ANNEX", "Chiller 14") == (
        "Chiller 14 has several matching sensors: Chiller 14 Supply Flow, "
        "Chiller 14 Return Flow. Which one do you mean?"
    )
    assert tools.sent == []  # the site's chillers and sensors were never listed


def test_workorders_counted_from_events_uses_the_event_log() -> None:
    task = "Count the preventive work orders raised on CWC04003 during 2019."
    script = {
        "wo.list_workorders": [(200, {"total": 113})],
        "wo.list_events": [(200, {"total": 122, "events": [{}]})],
    }
    base, base_tools = scripted_agent(_fresh("events_base"), task, script)
    assert base.workorder_count() == "113 work orders"
    assert base_tools.sent[0][1]["work_type"] == "PM"
    mod = _fresh("events")
    mod.workorders_counted_from_events_patch()
    agent, tools = scripted_agent(mod, task, script)
    assert agent.workorder_count() == "122 work orders"
    assert tools.sent == [
        (
            "wo.list_events",
            {
                "equipment_id": "CWC04003",
                "event_type": "workorder",
                "page_size": 1000,
                "date_from": "2019-01-01",
                "date_to": "2019-12-31",
            },
        )
    ]
    cm = (
        "Find CQPA AHU 2B's equipment id (MAIN) and count its corrective (CM) work orders for 2018."
    )
    script = {
        "iot.get_asset": [(200, {"equipment_id": "AHU05002"})],
        "wo.list_events": [(200, {"total": 107, "events": [{}]})],
    }
    agent, tools = scripted_agent(mod, cm, script)
    assert agent.asset_corrective() == "107 corrective work orders for CQPA AHU 2B (AHU05002)"
    assert [t for t, _ in tools.sent] == ["iot.get_asset", "wo.list_events"]


def test_declines_long_windows_before_fetching() -> None:
    mod = _fresh("declines")
    mod.declines_long_windows_patch()
    task = "Using Chiller 4 Condenser Water Flow data at site MAIN, forecast the next 96 readings."
    agent, tools = scripted_agent(mod, task, {"iot.history": [(200, HISTORY)]})
    week = ("2019-10-29T00:00:00", "2019-11-05T00:00:00")
    with pytest.raises(mod.Bail) as declined:
        agent.series("MAIN", "Chiller 4", "Chiller 4 Condenser Water Flow", *week)
    assert declined.value.answer.startswith(
        "The period from 2019-10-29T00:00:00 to 2019-11-05T00:00:00 holds more data"
    )
    assert tools.sent == []
    day = ("2020-04-11T00:00:00", "2020-04-12T00:00:00")
    _, rows = agent.series("MAIN", "Chiller 4", "Chiller 4 Return Temperature", *day)
    assert [v for _, v in rows] == [52.0, 54.5]  # a day is fetched as the baseline does
    base, base_tools = scripted_agent(
        _fresh("declines_base"), task, {"iot.history": [(200, HISTORY)]}
    )
    base.series("MAIN", "Chiller 4", "Chiller 4 Return Temperature", *week)
    assert len(base_tools.sent) == 1  # the baseline fetches the week


# ---- answers -----------------------------------------------------------------------------------
def test_json_extra_fields_adds_unasked_keys(agent: ModuleType) -> None:
    class Tools:
        trajectory = [
            {"tool": "iot.sensors", "arguments": {}},
            {"tool": "wo.get_workorder", "arguments": {"wonum": "WO102575"}},
        ]

    agent.CURRENT.update(fmt="json", tools=Tools())
    answer = '{"status": "CLOSE", "priority": 3, "work_type": "PM"}\n(Note: x.)'
    out = agent.json_extra_fields(answer)
    head, _, note = out.partition("\n(Note:")
    assert json.loads(head) == {
        "status": "CLOSE",
        "priority": 3,
        "work_type": "PM",
        "source": "wo.get_workorder",
        "retrieved": True,
    }
    assert note == " x.)"
    assert agent.json_extra_fields("not json") == "not json"
    agent.CURRENT.update(fmt="number")
    assert agent.json_extra_fields('{"a": 1}') == '{"a": 1}'

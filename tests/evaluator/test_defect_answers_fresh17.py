"""The nineteenth-round (fresh17) defect agents of the diagnosis benchmark
do to a call, the agent's reading of the task, its reasoning over the data,
its questions or its error handling exactly what
bench/diagnosis/defects.yaml says (issue 19): a fixture that silently did
nothing would make its defect look "named" or "missed" for the wrong reason.
Each test sets the defect against the baseline's own behaviour on the same
input. These tests check the defect's behaviour only, never its diagnosis."""

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

agent = defect_agent_fixture("fresh17")
_fresh = fresh_agent_loader("fresh17")


def _copy(script: dict[str, list[tuple[int, Any]]]) -> dict[str, list[tuple[int, Any]]]:
    return {k: list(v) for k, v in script.items()}


def test_every_fresh17_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh17", 12)
    from bench import bench_diagnosis

    assert "fresh17" in bench_diagnosis.HALVES


FAILED = (503, {"detail": "upstream data source temporarily unavailable, please retry"})
FLOW = "Chiller 14 Condenser Water Flow"
SENSORS = [
    {"name": "Chiller 14 Supply Temperature", "kind": "Supply Temperature"},
    {"name": FLOW, "kind": "Condenser Water Flow"},
    {"name": "Chiller 14 Chilled Water Flow", "kind": "Chilled Water Flow"},
]
HISTORY = {
    "dataset_id": "ds-full",
    "total_pages": 1,
    "observations": [
        {"timestamp": "2020-04-05T00:00:00", FLOW: 1500.0},
        {"timestamp": "2020-04-05T00:15:00", FLOW: 1520.0},
    ],
}
FORECAST_TASK = (
    "Using Chiller 14 Condenser Water Flow data at site ANNEX from 2020-04-05T00:00:00 to "
    "2020-04-12T00:00:00, forecast the next 2 readings (15-minute steps). What is the mean "
    "of the forecast?"
)
FORECAST = {"forecast": {FLOW: [1600.0, 1640.0]}}
ANOMALY_TASK = (
    "Run anomaly detection on Chiller 14 Condenser Water Flow (site ANNEX) for "
    "2020-04-05T00:00:00 to 2020-04-12T00:00:00. How many anomalous windows does it find?"
)
SCAN = {
    "dataset_id": "ds-full",
    "results": [
        {
            "target": FLOW,
            "anomalous_points": 4,
            "total_windows": 2,
            "windows": [
                {"start": "2020-04-06T20:00:00", "end": "2020-04-06T20:30:00", "points": 3},
                {"start": "2020-04-08T11:00:00", "end": "2020-04-08T11:00:00", "points": 1},
            ],
        }
    ],
}
COUNT_TASK = "Count the preventive work orders raised on CWC04003 during 2019."


# ---- calls ------------------------------------------------------------------------------------
def test_polls_for_job_status_resends_the_model_call_and_gives_up(monkeypatch) -> None:
    mod = _fresh("polls")
    no_sleep(mod, monkeypatch)
    args = {"dataset_id": "ds-full", "target_columns": [FLOW]}
    base = ScriptedTools({"tsfm.run_tsad": [(200, SCAN)]})
    assert mod.b.Tools.call(base, "tsfm.run_tsad", args, expect_rows="results") == SCAN
    assert len(base.sent) == 1
    tools = ScriptedTools({"tsfm.run_tsad": [(200, SCAN)]})
    with pytest.raises(mod.Bail) as running:
        mod.polls_for_job_status(tools, "tsfm.run_tsad", args, expect_rows="results")
    assert running.value.answer == (
        "The anomaly detection job I started (tsfm.run_tsad on Chiller 14 Condenser Water "
        "Flow) has not reported completion after 4 status checks, so it is probably still "
        "running. Please ask again in a few minutes and I will give you its result."
    )
    assert tools.sent == [("tsfm.run_tsad", args)] * 5  # the identical call, polled
    assert len(tools.trajectory) == 5
    # a result that carries a finished job status is taken at once
    done = {**SCAN, "status": "completed"}
    finished = ScriptedTools({"tsfm.run_tsad": [(200, done)]})
    assert mod.polls_for_job_status(finished, "tsfm.run_tsad", args, expect_rows="results") == done
    assert len(finished.sent) == 1
    # other tools are not polled
    lookup = ScriptedTools({"iot.sensors": [(200, {"sensors": SENSORS})]})
    site = {"site_name": "ANNEX", "asset_id": "Chiller 14"}
    mod.polls_for_job_status(lookup, "iot.sensors", site, expect_rows="sensors")
    assert len(lookup.sent) == 1


def test_polls_for_job_status_never_answers_a_forecast(monkeypatch) -> None:
    script = {"iot.history": [(200, HISTORY)], "tsfm.run_tsfm_forecasting": [(200, FORECAST)]}
    base, _ = scripted_agent(_fresh("polls_base"), FORECAST_TASK, _copy(script))
    base._sensors["Chiller 14"] = SENSORS
    assert base.forecast().startswith("1620 (mean of 2 forecast steps")
    mod = _fresh("polls_flow")
    no_sleep(mod, monkeypatch)
    install_call(mod, "polls_for_job_status")
    flow, tools = scripted_agent(mod, FORECAST_TASK, _copy(script))
    flow._sensors["Chiller 14"] = SENSORS
    with pytest.raises(mod.Bail, match="has not reported completion"):
        flow.forecast()
    assert tools_of(tools.sent) == ["iot.history"] + ["tsfm.run_tsfm_forecasting"] * 5


def test_null_optional_arguments_sends_unset_fields_as_null(agent: ModuleType, monkeypatch) -> None:
    sent = record_original_calls(agent, monkeypatch, {"observations": []})
    window = {
        "site_name": "ANNEX",
        "asset_id": "Chiller 14",
        "start": "2020-04-05T00:00:00",
        "final": "2020-04-12T00:00:00",
        "sensors": [FLOW],
        "page_size": 5000,
    }
    agent.null_optional_arguments(None, "iot.history", window, expect_rows="observations")
    agent.null_optional_arguments(None, "iot.sensors", {"site_name": "ANNEX"})
    wo = {"asset_num": "CWC04003", "work_type": "PM", "page_size": 500}
    agent.null_optional_arguments(None, "wo.list_workorders", wo)
    history, sensors, listing = (args for _, args in sent)
    assert history == {**window, "aggregation": None, "page": None}
    assert sensors == {"site_name": "ANNEX"}  # no optional argument
    assert listing["work_type"] == "PM" and listing["page_num"] is None
    assert listing["status"] is None and listing["date_from"] is None
    # the tools' schemas refuse the nulls, take the arguments without them
    from pydantic import ValidationError

    from contracts.tools import TOOL_ARGS

    for tool, model in (("iot.history", history), ("wo.list_workorders", listing)):
        with pytest.raises(ValidationError):
            TOOL_ARGS[tool](**model)
    TOOL_ARGS["iot.history"](**window)
    TOOL_ARGS["wo.list_workorders"](**wo)
    # the table names only arguments the catalog has, all of them optional
    for tool, names in agent.OPTIONAL_ARGUMENTS.items():
        fields = TOOL_ARGS[tool].model_fields
        assert all(n in fields and not fields[n].is_required() for n in names)


def test_null_optional_arguments_ends_a_count_with_the_rejection() -> None:
    script = {"wo.list_workorders": [(422, {"detail": "page_num: Input should be an integer"})]}
    ok = {"wo.list_workorders": [(200, {"total": 113, "workorders": []})]}
    base, _ = scripted_agent(_fresh("nulls_base"), COUNT_TASK, _copy(ok))
    assert base.workorder_count() == "113 work orders"
    mod = _fresh("nulls")
    install_call(mod, "null_optional_arguments")
    flow, tools = scripted_agent(mod, COUNT_TASK, _copy(script))
    with pytest.raises(mod.b.CannotAnswer, match=r"rejected the request \(422\)"):
        flow.workorder_count()
    assert tools.sent[0][1]["page_num"] is None


def test_falls_back_to_raw_reader_instead_of_retrying(monkeypatch) -> None:
    mod = _fresh("reader")
    no_sleep(mod, monkeypatch)
    window = {"site_name": "ANNEX", "asset_id": "Chiller 14", "start": "2020-04-05T00:00:00"}
    script = {
        "iot.history": [FAILED, (200, HISTORY)],
        "utilities.json_reader": [(404, {"detail": "Unknown dataset 'iot.history'."})],
    }
    base = ScriptedTools(_copy(script))
    assert mod.b.Tools.call(base, "iot.history", window, expect_rows="observations") == HISTORY
    assert tools_of(base.sent) == ["iot.history", "iot.history"]  # the baseline repeats it
    tools = ScriptedTools(_copy(script))
    with pytest.raises(mod.b.CannotAnswer) as gave_up:
        mod.falls_back_to_raw_reader(tools, "iot.history", window, expect_rows="observations")
    assert str(gave_up.value) == (
        "iot.history failed (HTTP 503) and the raw-data reader had no file for it either"
    )
    assert tools.sent == [
        ("iot.history", window),
        ("utilities.json_reader", {"file_name": "iot.history"}),
    ]
    # a model call falls back to its dataset: the raw rows stand in for the forecast
    rows = {"dataset_id": "ds-full", "rows": [{"timestamp": "t", FLOW: 1500.0}]}
    model = {"dataset_id": "ds-full", "target_columns": [FLOW], "forecast_horizon": 2}
    script = {
        "tsfm.run_tsfm_forecasting": [(504, {"detail": "Injected fault: tool timeout"})],
        "utilities.json_reader": [(200, rows)],
    }
    tools = ScriptedTools(script)
    got = mod.falls_back_to_raw_reader(tools, "tsfm.run_tsfm_forecasting", model)
    assert got == rows
    assert tools.sent[-1] == ("utilities.json_reader", {"file_name": "ds-full"})
    # clean, flagged and empty results are handled as the baseline handles them
    warned = {"distribution": [{"failure_code": "MT013", "count": 3}], "warning": "partial"}
    tools = ScriptedTools({"wo.get_failure_code_distribution": [(200, warned)]})
    args = {"asset_num": "AHU05002"}
    assert mod.falls_back_to_raw_reader(tools, "wo.get_failure_code_distribution", args) == warned
    assert tools.problems == [
        "wo.get_failure_code_distribution returned a warning, so its data may be incomplete"
    ]
    empty = {"failure_modes": []}
    full = {"failure_modes": [{"name": "Evaporator fouling"}]}
    tools = ScriptedTools({"fmsr.get_failure_modes": [(200, empty), (200, empty), (200, full)]})
    fm_args = {"asset_name": "Chiller 3"}
    got = mod.falls_back_to_raw_reader(
        tools, "fmsr.get_failure_modes", fm_args, expect_rows="failure_modes"
    )
    assert got == full
    assert "utilities.json_reader" not in tools_of(tools.sent)


def test_filters_as_lists_wraps_every_filter(agent: ModuleType, monkeypatch) -> None:
    sent = record_original_calls(agent, monkeypatch, {"total": 0})
    wo = {"asset_num": "CWC04003", "work_type": "PM", "date_from": "2019-01-01", "page_size": 500}
    agent.filters_as_lists(None, "wo.list_workorders", wo)
    events = {"equipment_id": "CWC04009", "event_type": "alert", "page_size": 1000}
    agent.filters_as_lists(None, "wo.list_events", events)
    agent.filters_as_lists(None, "iot.assets", {"site_name": "MAIN", "asset_type": "chiller"})
    assert sent == [
        ("wo.list_workorders", {**wo, "work_type": ["PM"]}),
        ("wo.list_events", {**events, "event_type": ["alert"]}),
        ("iot.assets", {"site_name": "MAIN", "asset_type": ["chiller"]}),
    ]
    from pydantic import ValidationError

    from contracts.tools import TOOL_ARGS

    for tool, args in sent:
        with pytest.raises(ValidationError):
            TOOL_ARGS[tool](**args)
    TOOL_ARGS["wo.list_workorders"](**wo)


# ---- the agent's reading of the task and its flow ------------------------------------------------
ANNEX_TASK = "Which chillers are installed at site ANNEX? List their names."
ANNEX_ASSETS = {"assets": [{"asset_id": "Chiller 13"}, {"asset_id": "Chiller 14"}]}
IN_PROGRESS = {"total": 2, "workorders": [{"wonum": "WO104450"}, {"wonum": "WO104507"}]}


def test_browses_site_context_appends_unrelated_work_orders() -> None:
    script = {"iot.assets": [(200, ANNEX_ASSETS)], "wo.list_workorders": [(200, IN_PROGRESS)]}
    base, base_tools = scripted_agent(_fresh("context_base"), ANNEX_TASK, _copy(script), "ids")
    assert base.solve() == "Chiller 13, Chiller 14"
    assert tools_of(base_tools.sent) == ["iot.assets"]
    mod = _fresh("context")
    mod.browses_site_context_patch()
    flow, tools = scripted_agent(mod, ANNEX_TASK, _copy(script), "ids")
    assert flow.solve() == (
        "Chiller 13, Chiller 14\nFor context: 2 work orders are in progress at site ANNEX "
        "(WO104450, WO104507)."
    )
    assert tools.sent[-1] == (
        "wo.list_workorders",
        {"site_id": "ANNEX", "status": "INPRG", "page_size": 50},
    )
    # a task naming no site gets no survey
    ok = {"wo.list_workorders": [(200, {"total": 113, "workorders": []})]}
    flow, tools = scripted_agent(mod, COUNT_TASK, _copy(ok))
    assert flow.solve() == "113 work orders"
    assert len(tools.sent) == 1
    # the clarifying question gets it too
    task = "How did the chiller's tonnage at MAIN look on October 19, 2019?"
    assets = {"assets": [{"asset_id": "Chiller 3"}, {"asset_id": "Chiller 4"}]}
    one = {"total": 1, "workorders": [{"wonum": "WO104443"}]}
    script = {"iot.assets": [(200, assets)], "wo.list_workorders": [(200, one)]}
    flow, _ = scripted_agent(mod, task, _copy(script))
    assert flow.clarify_asset() == (
        "Site MAIN has several chillers: Chiller 3, Chiller 4. Which one do you mean?\n"
        "For context: 1 work order is in progress at site MAIN (WO104443)."
    )


def test_homemade_analytics_never_calls_the_models() -> None:
    # no tsfm tool in the script: calling one would fail the test
    script = {"iot.history": [(200, HISTORY)]}
    base, _ = scripted_agent(
        _fresh("homemade_base"),
        FORECAST_TASK,
        {**_copy(script), "tsfm.run_tsfm_forecasting": [(200, FORECAST)]},
    )
    base._sensors["Chiller 14"] = SENSORS
    assert base.forecast().startswith("1620 (mean of 2 forecast steps")
    mod = _fresh("homemade")
    mod.homemade_analytics_patch()
    flow, tools = scripted_agent(mod, FORECAST_TASK, _copy(script))
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.forecast().startswith("1520 (mean of 2 forecast steps")  # the last reading
    assert tools_of(tools.sent) == ["iot.history"]
    spike = [10.0] * 20 + [100.0, 104.0] + [10.0] * 20
    series = {
        "dataset_id": "ds-full",
        "observations": [
            {"timestamp": f"2020-04-05T{i // 4:02d}:{15 * (i % 4):02d}:00", FLOW: v}
            for i, v in enumerate(spike)
        ],
    }
    flow, tools = scripted_agent(mod, ANOMALY_TASK, {"iot.history": [(200, series)]})
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.anomalies() == f"1 anomalous windows in {FLOW}"
    assert tools_of(tools.sent) == ["iot.history"]
    flow, _ = scripted_agent(mod, ANOMALY_TASK, {"iot.history": [(200, series)]}, "json")
    flow._sensors["Chiller 14"] = SENSORS
    assert json.loads(flow.anomalies()) == {"anomalous": True, "windows": 1}
    base, _ = scripted_agent(
        _fresh("homemade_scan"),
        ANOMALY_TASK,
        {"iot.history": [(200, series)], "tsfm.run_tsad": [(200, SCAN)]},
    )
    base._sensors["Chiller 14"] = SENSORS
    assert base.anomalies() == f"2 anomalous windows in {FLOW}"
    assert mod._sigma_windows([1.0, 1.0, 1.0]) == []
    assert mod._sigma_windows([0.0] * 30 + [50.0, 50.0] + [0.0] * 30 + [60.0]) == [
        (30, 31),
        (62, 62),
    ]


def test_drops_parenthesised_details_loses_the_site() -> None:
    task = (
        "I need the Chiller 3 Condenser Water Flow measurement taken at 2020-02-26T09:15:00 "
        "(site MAIN)."
    )
    base = _fresh("aside_base").b.Agent({"task": task})
    assert base.site() == "MAIN"
    mod = _fresh("aside")
    mod.drops_parenthesised_details_patch()
    sites = {"iot.sites": [(200, {"sites": ["MAIN", "ANNEX"]})]}
    flow, tools = scripted_agent(mod, task, _copy(sites))
    assert flow.text == (
        "I need the Chiller 3 Condenser Water Flow measurement taken at 2020-02-26T09:15:00."
    )
    assert flow.low == flow.text.lower()
    with pytest.raises(mod.b.CannotAnswer, match="no site named in the task"):
        flow.solve()
    assert tools_of(tools.sent) == ["iot.sites"]
    kpi = (
        "Compute the work-order KPI 'mean response time in hours (reported to started, "
        "corrective)' of equipment AHU05001 (site MAIN) for 2018."
    )
    assert mod.b.Agent({"task": kpi}).text == (
        "Compute the work-order KPI 'mean response time in hours' of equipment AHU05001 for 2018."
    )


CLEAR = {"answer": "The task is clear as stated; please proceed."}
TONNAGE = "Chiller 3 Tonnage"


def test_asks_operator_not_user_goes_ahead_with_the_first_candidate() -> None:
    task = "How did the chiller's tonnage at MAIN look on October 19, 2019?"
    assets = {"assets": [{"asset_id": f"Chiller {n}"} for n in (3, 4, 6, 9)]}
    base, _ = scripted_agent(_fresh("operator_base"), task, {"iot.assets": [(200, assets)]})
    question = (
        "Site MAIN has several chillers: Chiller 3, Chiller 4, Chiller 6, Chiller 9. "
        "Which one do you mean?"
    )
    assert base.clarify_asset() == question
    mod = _fresh("operator")
    mod.asks_operator_not_user_patch()
    day = {
        "dataset_id": "d",
        "observations": [
            {"timestamp": "2019-10-19T00:00:00", TONNAGE: 400.0},
            {"timestamp": "2019-10-19T00:15:00", TONNAGE: 420.0},
        ],
    }
    script = {
        "iot.assets": [(200, assets)],
        "utilities.ask_operator": [(200, CLEAR)],
        "iot.sensors": [(200, {"sensors": [{"name": TONNAGE, "kind": "Tonnage"}]})],
        "iot.history": [(200, day)],
    }
    flow, tools = scripted_agent(mod, task, _copy(script))
    assert flow.clarify_asset() == (
        'Going ahead with Chiller 3 (the operator said: "The task is clear as stated; please '
        'proceed.").\n410 (mean of 2 readings of Chiller 3 Tonnage)'
    )
    assert tools_of(tools.sent) == [
        "iot.assets",
        "utilities.ask_operator",
        "iot.sensors",
        "iot.history",
    ]
    assert tools.sent[1][1] == {"question": question}
    assert tools.sent[3][1]["asset_id"] == "Chiller 3"


def test_asks_operator_not_user_for_sensors_and_work_orders() -> None:
    mod = _fresh("operator_more")
    mod.asks_operator_not_user_patch()
    task = "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30:00?"
    reading = {
        "dataset_id": "d",
        "observations": [
            {"timestamp": "2020-02-07T13:30:00", "Chiller 14 Chilled Water Flow": 1090.0}
        ],
    }
    script = {"utilities.ask_operator": [(200, CLEAR)], "iot.history": [(200, reading)]}
    flow, tools = scripted_agent(mod, task, _copy(script))
    flow._sensors["Chiller 14"] = SENSORS
    answer = flow.solve()
    assert answer.startswith("Going ahead with Chiller 14 Condenser Water Flow")
    assert "Which one do you mean?" not in answer
    assert tools_of(tools.sent) == ["utilities.ask_operator", "iot.history"]
    assert tools.sent[1][1]["sensors"] == [FLOW]  # the first matching candidate
    wo_task = "What was the outcome of the corrective work order on AHU06002 in September 2018?"
    two = {"workorders": [{"wonum": "WO102224"}, {"wonum": "WO102271"}]}
    record = {
        "wonum": "WO102224",
        "status": "CLOSE",
        "description": "Supply duct leakage",
        "failure_code": "MT011",
    }
    base, _ = scripted_agent(_fresh("operator_wo"), wo_task, {"wo.list_workorders": [(200, two)]})
    assert base.which_workorder().endswith("Which one do you mean?")
    script = {
        "wo.list_workorders": [(200, two)],
        "utilities.ask_operator": [(200, CLEAR)],
        "wo.get_workorder": [(200, record)],
    }
    flow, tools = scripted_agent(mod, wo_task, _copy(script))
    assert flow.which_workorder() == (
        'Going ahead with WO102224 (the operator said: "The task is clear as stated; please '
        'proceed.").\nWork order WO102224 (CLOSE): Supply duct leakage; failure code MT011.'
    )
    assert tools.sent[-1] == ("wo.get_workorder", {"wonum": "WO102224"})


def test_general_intent_first_answers_a_broader_question() -> None:
    dist_task = (
        "Summarise equipment AHU05002's 2017 work orders by primary failure code "
        "(JSON object code -> number of work orders)."
    )
    dist = {"distribution": [{"failure_code": "MT013", "count": 3}]}
    script = {
        "wo.get_failure_code_distribution": [(200, dist)],
        "wo.list_workorders": [(200, {"total": 8, "workorders": []})],
    }
    base, base_tools = scripted_agent(_fresh("intent_base"), dist_task, _copy(script), "json")
    assert json.loads(base.solve()) == {"MT013": 3}
    mod = _fresh("intent")
    mod.general_intent_first_patch()
    flow, tools = scripted_agent(mod, dist_task, _copy(script), "json")
    assert flow.solve() == "8 work orders"
    assert tools_of(tools.sent) == ["wo.list_workorders"]
    threshold = (
        "Train on Chiller 14 Condenser Water Flow (ANNEX) from 2020-04-05T00:00:00 to "
        "2020-04-12T00:00:00 and forecast 2 steps. Does the peak forecast exceed 1630? "
        "JSON with exceeds and peak_forecast, please."
    )
    script = {"iot.history": [(200, HISTORY)], "tsfm.run_tsfm_forecasting": [(200, FORECAST)]}
    base, _ = scripted_agent(_fresh("intent_exceed"), threshold, _copy(script), "json")
    base._sensors["Chiller 14"] = SENSORS
    assert json.loads(base.solve()) == {"exceeds": True, "peak_forecast": 1640.0}
    flow, _ = scripted_agent(mod, threshold, _copy(script), "json")
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.solve() == f"1640 (highest of 2 forecast steps for {FLOW})"  # no verdict
    wo_task = "Fetch work order WO102575; I need its status, priority, work_type as a JSON object."
    with pytest.raises(mod.b.CannotAnswer, match="no asset named"):
        scripted_agent(mod, wo_task, {}, "json")[0].solve()


# ---- reasoning over the data -------------------------------------------------------------------
def test_lists_instead_of_counting_gives_the_records() -> None:
    listing = {
        "total": 3,
        "workorders": [{"wonum": "WO100101"}, {"wonum": "WO100102"}, {"wonum": "WO100103"}],
    }
    script = {"wo.list_workorders": [(200, listing)]}
    base, _ = scripted_agent(_fresh("lists_base"), COUNT_TASK, _copy(script))
    assert base.workorder_count() == "3 work orders"
    mod = _fresh("lists")
    mod.lists_instead_of_counting_patch()
    flow, tools = scripted_agent(mod, COUNT_TASK, _copy(script))
    assert flow.workorder_count() == "Work orders: WO100101, WO100102, WO100103."
    assert tools.sent[0][1]["work_type"] == "PM" and tools.sent[0][1]["date_from"] == "2019-01-01"
    task = (
        "How many readings of Chiller 14 Condenser Water Flow were recorded at site ANNEX "
        "between 2020-04-05T00:00:00 and 2020-04-06T00:00:00 (end exclusive)?"
    )
    flow, _ = scripted_agent(mod, task, {"iot.history": [(200, HISTORY)]})
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.reading_count() == (
        f"Readings of {FLOW} at: 2020-04-05T00:00:00, 2020-04-05T00:15:00."
    )
    script = {"iot.history": [(200, HISTORY)], "tsfm.run_tsad": [(200, SCAN)]}
    flow, _ = scripted_agent(mod, ANOMALY_TASK, _copy(script), "json")
    flow._sensors["Chiller 14"] = SENSORS
    assert json.loads(flow.anomalies()) == {
        "anomalous": True,
        "windows": [
            "2020-04-06T20:00:00 to 2020-04-06T20:30:00",
            "2020-04-08T11:00:00 to 2020-04-08T11:00:00",
        ],
    }
    modes_task = (
        "Count the failure modes that can affect Chiller 3 that concern the component 'Evaporator'."
    )
    modes = {
        "failure_modes": [
            {"name": "Evaporator fouling", "component": "Evaporator"},
            {"name": "Condenser fouling", "component": "Condenser"},
        ]
    }
    base, _ = scripted_agent(
        _fresh("lists_modes"), modes_task, {"fmsr.get_failure_modes": [(200, modes)]}
    )
    assert base.failure_modes() == "1 failure modes"
    flow, _ = scripted_agent(mod, modes_task, {"fmsr.get_failure_modes": [(200, modes)]})
    assert flow.failure_modes() == "Failure modes: Evaporator fouling."


def test_counts_distinct_values_undercounts_repeats() -> None:
    listing = {
        "total": 4,
        "workorders": [
            {"wonum": "WO1", "description": "Quarterly chiller inspection"},
            {"wonum": "WO2", "description": "Quarterly chiller inspection"},
            {"wonum": "WO3", "description": "Annual tube cleaning"},
            {"wonum": "WO4", "description": "Quarterly chiller inspection"},
        ],
    }
    script = {"wo.list_workorders": [(200, listing)]}
    base, _ = scripted_agent(_fresh("distinct_base"), COUNT_TASK, _copy(script))
    assert base.workorder_count() == "4 work orders"
    mod = _fresh("distinct")
    mod.counts_distinct_values_patch()
    flow, _ = scripted_agent(mod, COUNT_TASK, _copy(script))
    assert flow.workorder_count() == "2 work orders"
    task = (
        "How many readings of Chiller 14 Condenser Water Flow were recorded at site ANNEX "
        "between 2020-04-05T00:00:00 and 2020-04-06T00:00:00 (end exclusive)?"
    )
    equal = {
        "dataset_id": "d",
        "observations": [{"timestamp": f"t{i}", FLOW: 1500.0 + (i % 2)} for i in range(6)],
    }
    base, _ = scripted_agent(_fresh("distinct_rows"), task, {"iot.history": [(200, equal)]})
    base._sensors["Chiller 14"] = SENSORS
    assert base.reading_count() == f"6 readings of {FLOW}"
    flow, _ = scripted_agent(mod, task, {"iot.history": [(200, equal)]})
    flow._sensors["Chiller 14"] = SENSORS
    assert flow.reading_count() == f"2 readings of {FLOW}"
    alerts_task = "How many alerts were raised for Chiller 9 (site MAIN) in December 2019?"
    events = {
        "total": 3,
        "events": [{"description": "High condenser approach"}] * 2
        + [{"description": "Low evaporator temperature"}],
    }
    script = {
        "iot.get_asset": [(200, {"equipment_id": "CWC04009"})],
        "wo.list_events": [(200, events)],
    }
    base, _ = scripted_agent(_fresh("distinct_alerts"), alerts_task, _copy(script))
    assert base.asset_alerts() == "3 alerts for Chiller 9 (CWC04009)"
    flow, _ = scripted_agent(mod, alerts_task, _copy(script))
    assert flow.asset_alerts() == "2 alerts for Chiller 9 (CWC04009)"


MAPPING = {
    "fm_to_sensors": {
        "Expansion valve stuck closed": [
            {"sensor": "Chiller 14 Supply Temperature", "relevance": 0.9},
            {"sensor": FLOW, "relevance": 0.4},
        ]
    },
    "sensor_to_fms": {
        "Chiller 14 Supply Temperature": [
            {"failure_mode": "Expansion valve stuck closed", "code": "FM1", "relevance": 0.9}
        ],
        FLOW: [{"failure_mode": "Expansion valve stuck closed", "code": "FM1", "relevance": 0.4}],
    },
    "pairs": [{}],
}


def test_mapping_read_backwards_finds_neither_direction() -> None:
    task = (
        "To monitor Chiller 14 for Expansion valve stuck closed, which sensors should I watch? "
        "List them."
    )
    script = {"fmsr.get_failure_mode_sensor_mapping": [(200, MAPPING)]}
    base, _ = scripted_agent(_fresh("mapping_base"), task, _copy(script), "ids")
    assert base.sensors_for_mode() == f"Chiller 14 Supply Temperature, {FLOW}"
    mod = _fresh("mapping")
    mod.mapping_read_backwards_patch()
    flow, tools = scripted_agent(mod, task, _copy(script), "ids")
    with pytest.raises(mod.b.CannotAnswer, match="failure mode not found in the mapping"):
        flow.sensors_for_mode()
    assert tools_of(tools.sent) == ["fmsr.get_failure_mode_sensor_mapping"]  # the data was there
    by_sensor = f"List all failure modes of Chiller 14 that can be detected by {FLOW}."
    base, _ = scripted_agent(_fresh("mapping_sensor"), by_sensor, _copy(script), "ids")
    assert base.modes_for_sensor() == "Expansion valve stuck closed"
    flow, _ = scripted_agent(mod, by_sensor, _copy(script), "ids")
    with pytest.raises(mod.b.CannotAnswer, match="sensor not found in the mapping"):
        flow.modes_for_sensor()

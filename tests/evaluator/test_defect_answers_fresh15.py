"""The sixteenth-round (fresh15) defect agents of the diagnosis benchmark do
to a call, the agent's reasoning over the data, its flow, its questions or
its error handling exactly what bench/diagnosis/defects.yaml says (issue
19): a fixture that silently did nothing would make its defect look "named"
or "missed" for the wrong reason. Each test sets the defect against the
baseline's own behaviour on the same input. These tests check the defect's
behaviour only, never its diagnosis."""

from __future__ import annotations

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
    original_calls_fixture,
    scripted_agent,
)

agent = defect_agent_fixture("fresh15")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh15")


def test_every_fresh15_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh15", 12)
    from bench import bench_diagnosis

    assert "fresh15" in bench_diagnosis.HALVES


HISTORY = {
    "dataset_id": "ds-1",
    "total_pages": 1,
    "observations": [
        {"timestamp": "2019-11-11T23:30:00", "Chiller 4 Condenser Water Flow": 1500.0},
        {"timestamp": "2019-11-11T23:45:00", "Chiller 4 Condenser Water Flow": 1520.0},
    ],
}
SENSORS = [
    {"name": "Chiller 4 Supply Temperature", "kind": "Supply Temperature"},
    {"name": "Chiller 4 Condenser Water Flow", "kind": "Condenser Water Flow"},
    {"name": "Chiller 4 Chilled Water Flow", "kind": "Chilled Water Flow"},
]
FORECAST_TASK = (
    "Using Chiller 4 Condenser Water Flow data at site MAIN from 2019-10-29T00:00:00 to "
    "2019-11-12T00:00:00, forecast the next 2 readings (15-minute steps). What is the mean "
    "of the forecast?"
)
FORECAST = {"forecast": {"Chiller 4 Condenser Water Flow": [1600.0, 1640.0]}}


# ---- calls ------------------------------------------------------------------------------------
def test_equipment_id_as_integer_strips_the_leading_zeros(agent: ModuleType, sent) -> None:
    agent.equipment_id_as_integer(None, "wo.list_workorders", {"asset_num": "CWC04003"})
    events = {"equipment_id": "AHU05002", "event_type": "alert"}
    agent.equipment_id_as_integer(None, "wo.list_events", events)
    agent.equipment_id_as_integer(None, "wo.get_workorder", {"wonum": "WO102575"})
    agent.equipment_id_as_integer(None, "iot.get_asset", {"site_name": "MAIN", "asset_id": "X"})
    assert sent == [
        ("wo.list_workorders", {"asset_num": "CWC4003"}),
        ("wo.list_events", {"equipment_id": "AHU5002", "event_type": "alert"}),
        ("wo.get_workorder", {"wonum": "WO102575"}),
        ("iot.get_asset", {"site_name": "MAIN", "asset_id": "X"}),
    ]
    assert events["equipment_id"] == "AHU05002"
    # the plant knows the padded id only
    from services.assetdata import aliases

    assert aliases.canonical_asset("CWC04003") is not None
    assert aliases.canonical_asset("CWC4003") is None


def test_asks_permission_for_models_stops_before_the_analysis(monkeypatch) -> None:
    script = {
        "iot.history": [(200, HISTORY)],
        "tsfm.run_tsfm_forecasting": [(200, FORECAST)],
    }
    base, _ = scripted_agent(_fresh("permission_base"), FORECAST_TASK, dict(script))
    base._sensors["Chiller 4"] = SENSORS
    assert base.forecast().startswith("1620 (mean of 2 forecast steps")
    mod = _fresh("permission")
    install_call(mod, "asks_permission_for_models")
    agent, tools = scripted_agent(mod, FORECAST_TASK, dict(script))
    agent._sensors["Chiller 4"] = SENSORS
    with pytest.raises(mod.Bail) as asked:
        agent.forecast()
    assert asked.value.answer == (
        "I have retrieved the data of Chiller 4 Condenser Water Flow. Running the forecasting "
        "model is a compute-intensive step: shall I go ahead and run it? Please confirm and I "
        "will continue."
    )
    assert [t for t, _ in tools.sent] == ["iot.history"]  # the model never ran
    with pytest.raises(mod.Bail, match="anomaly detection model"):
        mod.asks_permission_for_models(tools, "tsfm.run_tsad", {"target_columns": ["S"]})


def test_claims_no_access_to_work_orders_never_tries_them(agent: ModuleType, sent) -> None:
    for tool in ("wo.list_workorders", "wo.list_events", "wo.get_workorder_kpis"):
        with pytest.raises(agent.Bail) as said:
            agent.claims_no_access_to_work_orders(None, tool, {"asset_num": "CWC04003"})
        assert said.value.answer.startswith("I don't have access to the work-order system")
    agent.claims_no_access_to_work_orders(None, "iot.get_asset", {"asset_id": "Chiller 9"})
    assert sent == [("iot.get_asset", {"asset_id": "Chiller 9"})]
    # in a task: the equipment id is looked up, no work-order call is made
    task = (
        "Find CQPA AHU 2B's equipment id (MAIN) and count its corrective (CM) work orders for 2018."
    )
    script = {
        "iot.get_asset": [(200, {"equipment_id": "AHU05002"})],
        "wo.list_workorders": [(200, {"total": 8})],
    }
    base, _ = scripted_agent(_fresh("access_base"), task, dict(script))
    assert base.asset_corrective() == "8 corrective work orders for CQPA AHU 2B (AHU05002)"
    mod = _fresh("access")
    install_call(mod, "claims_no_access_to_work_orders")
    flow, tools = scripted_agent(mod, task, dict(script))
    with pytest.raises(mod.Bail):
        flow.asset_corrective()
    assert [t for t, _ in tools.sent] == ["iot.get_asset"]


def test_false_alarm_as_percent_scales_the_rate_by_a_hundred(agent: ModuleType, sent) -> None:
    scan = {"dataset_id": "d", "target_columns": ["S"]}
    agent.false_alarm_as_percent(None, "tsfm.run_tsad", scan)
    agent.false_alarm_as_percent(None, "tsfm.run_tsad", {**scan, "false_alarm": 0.001})
    agent.false_alarm_as_percent(None, "tsfm.run_tsfm_forecasting", scan)
    assert sent == [
        ("tsfm.run_tsad", {**scan, "false_alarm": 1.0}),
        ("tsfm.run_tsad", {**scan, "false_alarm": 0.1}),
        ("tsfm.run_tsfm_forecasting", scan),
    ]
    assert "false_alarm" not in scan
    # the tool takes a fraction below 0.5: its default of "1 %" is refused
    from pydantic import ValidationError

    from contracts.tools import TsadArgs

    with pytest.raises(ValidationError):
        TsadArgs(**{**scan, "false_alarm": 1.0})
    assert TsadArgs(**{**scan, "false_alarm": 0.1}).false_alarm == 0.1


FAILED = (503, {"detail": "upstream data source temporarily unavailable, please retry"})
OPERATOR = (200, {"answer": "The task is clear as stated; please proceed.", "clarified": False})


def test_escalates_errors_to_operator_asks_instead_of_retrying(monkeypatch) -> None:
    mod = _fresh("escalate")
    no_sleep(mod, monkeypatch)
    args = {"site_name": "ANNEX", "asset_id": "Chiller 13", "start": "2019-07-01T00:00:00"}
    # the baseline retries and gets the data
    base = ScriptedTools({"iot.history": [FAILED, (200, HISTORY)]})
    assert mod.b.Tools.call(base, "iot.history", args, expect_rows="observations") == HISTORY
    assert [t for t, _ in base.sent] == ["iot.history", "iot.history"]
    tools = ScriptedTools(
        {"iot.history": [FAILED, (200, HISTORY)], "utilities.ask_operator": [OPERATOR]}
    )
    with pytest.raises(mod.Bail) as ended:
        mod.escalates_errors_to_operator(tools, "iot.history", args, expect_rows="observations")
    assert [t for t, _ in tools.sent] == ["iot.history", "utilities.ask_operator"]
    assert tools.sent[1][1]["question"].startswith("The iot.history call failed (HTTP 503)")
    assert ended.value.answer == (
        "I could not retrieve the data: iot.history failed (HTTP 503). I asked the operator how "
        'to proceed; the reply was: "The task is clear as stated; please proceed.". I will wait '
        "for further instructions before trying again."
    )
    assert [s["tool"] for s in tools.trajectory] == ["iot.history", "utilities.ask_operator"]
    # an empty result is escalated too; data is returned as it came
    empty = ScriptedTools(
        {
            "fmsr.get_failure_modes": [(200, {"failure_modes": []})],
            "utilities.ask_operator": [OPERATOR],
        }
    )
    with pytest.raises(mod.Bail, match="it returned no records"):
        mod.escalates_errors_to_operator(
            empty,
            "fmsr.get_failure_modes",
            {"asset_name": "Chiller 3"},
            expect_rows="failure_modes",
        )
    ok = ScriptedTools({"iot.history": [(200, HISTORY)]})
    assert (
        mod.escalates_errors_to_operator(ok, "iot.history", args, expect_rows="observations")
        == HISTORY
    )
    assert len(ok.sent) == 1


class TokenTools(ScriptedTools):
    """Records the run token the baseline's request would carry per call."""

    def __init__(self, mod: ModuleType, script: dict[str, list[tuple[int, Any]]]) -> None:
        super().__init__(script)
        self.mod = mod
        self.tokens: list[str] = []

    def _post(self, tool: str, args: dict[str, Any]) -> tuple[int, Any]:
        self.tokens.append(self.mod.b.TOKEN)
        return super()._post(tool, args)


def test_retry_drops_run_token_sends_retries_without_the_header(monkeypatch) -> None:
    mod = _fresh("token")
    no_sleep(mod, monkeypatch)
    monkeypatch.setattr(mod.b, "TOKEN", "run-token-1")
    args = {"site_name": "ANNEX", "asset_id": "Chiller 13", "start": "2019-07-01T00:00:00"}
    base = TokenTools(mod, {"iot.history": [FAILED, (200, HISTORY)]})
    assert mod.b.Tools.call(base, "iot.history", args, expect_rows="observations") == HISTORY
    assert base.tokens == ["run-token-1", "run-token-1"]  # the baseline's retry carries it
    unauthorised = (401, {"detail": "Missing or unknown X-Run-Token header."})
    tools = TokenTools(mod, {"iot.history": [FAILED, unauthorised]})
    with pytest.raises(mod.b.CannotAnswer, match=r"rejected the request \(401\)"):
        mod.retry_drops_run_token(tools, "iot.history", args, expect_rows="observations")
    assert tools.tokens == ["run-token-1", ""]
    assert mod.b.TOKEN == "run-token-1"  # restored after the call
    assert "_post" not in vars(tools)
    ok = TokenTools(mod, {"iot.history": [(200, HISTORY)]})
    assert mod.retry_drops_run_token(ok, "iot.history", args, expect_rows="observations") == HISTORY
    assert ok.tokens == ["run-token-1"]


# ---- reasoning over the data -------------------------------------------------------------------
def test_forecast_joined_to_history_summarises_history_and_forecast() -> None:
    script = {
        "iot.history": [(200, HISTORY)],
        "tsfm.run_tsfm_forecasting": [(200, FORECAST)],
    }
    base, _ = scripted_agent(_fresh("joined_base"), FORECAST_TASK, dict(script))
    base._sensors["Chiller 4"] = SENSORS
    assert base.forecast() == "1620 (mean of 2 forecast steps for Chiller 4 Condenser Water Flow)"
    mod = _fresh("joined")
    mod.forecast_joined_to_history_patch()
    agent, _ = scripted_agent(mod, FORECAST_TASK, dict(script))
    agent._sensors["Chiller 4"] = SENSORS
    # (1500 + 1520 + 1600 + 1640) / 4
    assert agent.forecast() == "1565 (mean of 4 forecast steps for Chiller 4 Condenser Water Flow)"


def test_forecast_joined_to_history_changes_the_threshold_verdict() -> None:
    threshold = FORECAST_TASK.replace("What is the mean of the forecast?", "Does it exceed 1510?")
    low = {"forecast": {"Chiller 4 Condenser Water Flow": [1490.0, 1505.0]}}
    script = {"iot.history": [(200, HISTORY)], "tsfm.run_tsfm_forecasting": [(200, low)]}
    base, _ = scripted_agent(_fresh("verdict_base"), threshold, dict(script))
    base._sensors["Chiller 4"] = SENSORS
    assert base.forecast_threshold() == '{"exceeds": false, "peak_forecast": 1505.0}'
    mod = _fresh("verdict")
    mod.forecast_joined_to_history_patch()
    agent, _ = scripted_agent(mod, threshold, dict(script))
    agent._sensors["Chiller 4"] = SENSORS
    assert agent.forecast_threshold() == '{"exceeds": true, "peak_forecast": 1520.0}'


DAY = {
    "dataset_id": "ds-2",
    "total_pages": 1,
    "observations": [
        {"timestamp": f"2020-04-11T0{i}:00:00", "Chiller 4 Return Temperature": v}
        for i, v in enumerate([52.0, 54.0, 60.0, 50.0, 48.0, 56.0])
    ],
}
DAY_TASK = (
    "On April 11, 2020, what maximum reading did Chiller 4 at MAIN record for Return Temperature?"
)
RETURN = [{"name": "Chiller 4 Return Temperature", "kind": "Return Temperature"}]


def test_smooths_series_computes_from_a_rolling_mean(agent: ModuleType) -> None:
    rows = [(str(i), v) for i, v in enumerate([1.0, 2.0, 3.0, 4.0, 5.0, 10.0])]
    assert agent._rolling_mean(rows) == [("3", 2.5), ("4", 3.5), ("5", 5.5)]
    base, _ = scripted_agent(_fresh("smooth_base"), DAY_TASK, {"iot.history": [(200, DAY)]})
    base._sensors["Chiller 4"] = RETURN
    assert base.daily_stat().startswith("60 (max of 6 readings")
    mod = _fresh("smooth")
    mod.smooths_series_patch()
    agent, _ = scripted_agent(mod, DAY_TASK, {"iot.history": [(200, DAY)]})
    agent._sensors["Chiller 4"] = RETURN
    # windows (52, 54, 60, 50) -> 54, (54, 60, 50, 48) -> 53, (60, 50, 48, 56) -> 53.5
    assert agent.daily_stat().startswith("54 (max of 3 readings")
    at = "What was the Chiller 4 Return Temperature at site MAIN at exactly 2020-04-11T00:00:00?"
    agent, _ = scripted_agent(mod, at, {"iot.history": [(200, DAY)]})
    agent._sensors["Chiller 4"] = RETURN
    assert agent.reading_at().startswith("No reading of Chiller 4 Return Temperature")
    base, _ = scripted_agent(_fresh("smooth_at_base"), at, {"iot.history": [(200, DAY)]})
    base._sensors["Chiller 4"] = RETURN
    assert base.reading_at().startswith("52.0 (reading of")


def _page(n: int, pages: int, size: int = 50) -> dict[str, Any]:
    return {
        "dataset_id": "ds-3",
        "total_pages": pages,
        "observations": [
            {"timestamp": f"p{n}-{i:02d}", "Chiller 4 Return Temperature": float(n * 100 + i)}
            for i in range(size)
        ],
    }


def test_last_page_skipped_never_requests_the_last_page() -> None:
    window = ("2020-04-11T00:00:00", "2020-04-12T00:00:00")
    sensor = "Chiller 4 Return Temperature"
    mod = _fresh("pages")
    mod.last_page_skipped_patch()
    script = {"iot.history": [(200, _page(1, 3)), (200, _page(2, 3)), (200, _page(3, 3))]}
    agent, tools = scripted_agent(mod, DAY_TASK, script)
    data, rows = agent.series("MAIN", "Chiller 4", sensor, *window)
    assert [a["page"] for _, a in tools.sent] == [1, 2]  # page 3 of 3 never asked for
    assert all(a["page_size"] == 50 for _, a in tools.sent)
    assert len(rows) == 100 and max(v for _, v in rows) == 249.0
    assert data["dataset_id"] == "ds-3"
    two = {"iot.history": [(200, _page(1, 2)), (200, _page(2, 2))]}
    agent, tools = scripted_agent(mod, DAY_TASK, two)
    _, rows = agent.series("MAIN", "Chiller 4", sensor, *window)
    assert len(tools.sent) == 1 and len(rows) == 50  # of 100
    one = {"iot.history": [(200, _page(1, 1, size=7))]}
    agent, tools = scripted_agent(mod, DAY_TASK, one)
    _, rows = agent.series("MAIN", "Chiller 4", sensor, *window)
    assert len(rows) == 7  # a single page is read whole
    base, base_tools = scripted_agent(_fresh("pages_base"), DAY_TASK, {"iot.history": [(200, DAY)]})
    base.series("MAIN", "Chiller 4", sensor, *window)
    assert base_tools.sent[0][1]["page_size"] == 5000 and "page" not in base_tools.sent[0][1]


# ---- the agent's questions and tool choice -----------------------------------------------------
ASSETS = {"assets": [{"asset_id": f"Chiller {n}"} for n in (3, 4, 6, 9)]}


def test_clarifies_the_wrong_detail_asks_about_something_else() -> None:
    task = "How did the chiller's tonnage at MAIN look on October 19, 2019?"
    base, _ = scripted_agent(_fresh("detail_base"), task, {"iot.assets": [(200, ASSETS)]})
    assert "Chiller 3, Chiller 4, Chiller 6, Chiller 9" in base.clarify_asset()
    mod = _fresh("detail")
    mod.clarifies_the_wrong_detail_patch()
    agent, tools = scripted_agent(mod, task, {"iot.assets": [(200, ASSETS)]})
    question = agent.clarify_asset()
    assert question == (
        "Which figure do you want on 2019-10-19: the average, the minimum or the maximum, "
        "or every reading of the day?"
    )
    assert [t for t, _ in tools.sent] == ["iot.assets"]  # the chillers were looked up
    single = {"assets": [{"asset_id": "Chiller 3"}]}
    agent, _ = scripted_agent(mod, task, {"iot.assets": [(200, single)]})
    assert agent.clarify_asset() is None  # not ambiguous: no question
    flow = "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30:00?"
    sensors = [
        {"name": "Chiller 14 Chilled Water Flow", "kind": "Chilled Water Flow"},
        {"name": "Chiller 14 Condenser Water Flow", "kind": "Condenser Water Flow"},
    ]
    base, _ = scripted_agent(_fresh("detail_sensor_base"), flow, {})
    base._sensors["Chiller 14"] = sensors
    assert "Chiller 14 Condenser Water Flow" in base.clarify_sensor("ANNEX", "Chiller 14")
    agent, tools = scripted_agent(mod, flow, {})
    agent._sensors["Chiller 14"] = sensors
    assert agent.clarify_sensor("ANNEX", "Chiller 14") == (
        "Do you want the reading at exactly 2020-02-07T13:30:00, or the average over the hour "
        "around it?"
    )
    assert tools.plan == [  # the sensors were looked up, as the baseline does
        {
            "agent": "iot",
            "tool": "sensors",
            "arguments": {"site_name": "ANNEX", "asset_id": "Chiller 14"},
        }
    ]
    wo_task = "What was the outcome of the corrective work order on AHU06002 in September 2018?"
    two = {"workorders": [{"wonum": "WO102224"}, {"wonum": "WO102271"}]}
    base, _ = scripted_agent(
        _fresh("detail_wo_base"), wo_task, {"wo.list_workorders": [(200, two)]}
    )
    assert "WO102224, WO102271" in base.which_workorder()
    agent, _ = scripted_agent(mod, wo_task, {"wo.list_workorders": [(200, two)]})
    question = agent.which_workorder()
    assert "WO102224" not in question and "WO102271" not in question
    assert question.startswith("By 'outcome', do you mean")
    one = {"workorders": [{"wonum": "WO102224", "status": "CLOSE", "description": "x"}]}
    agent, _ = scripted_agent(mod, wo_task, {"wo.list_workorders": [(200, one)]})
    assert agent.which_workorder().startswith("Work order WO102224 (CLOSE)")


AHU_SENSORS = [
    {"name": "CQPB AHU 1 Supply Air Temperature", "kind": "Supply Air Temperature"},
    {"name": "CQPB AHU 1 Supply Fan Speed", "kind": "Supply Fan Speed"},
    {"name": "CQPB AHU 1 Supply Fan Power", "kind": "Supply Fan Power"},
    {"name": "CQPB AHU 1 Outside Air Damper Position", "kind": "Outside Air Damper Position"},
]
MAPPING = {
    "fm_to_sensors": {
        "Supply fan motor bearing wear": [
            {"sensor": "CQPB AHU 1 Supply Fan Power", "relevance": 0.95},
            {"sensor": "CQPB AHU 1 Supply Fan Speed", "relevance": 0.3},
        ]
    },
    "sensor_to_fms": {},
    "pairs": [{}],
}
CATALOG = {
    "failure_modes": [
        {"name": "Supply air filter clogged"},
        {"name": "Supply fan motor bearing wear"},
        {"name": "Outside air damper stuck open"},
    ]
}


def test_sensors_by_name_similarity_ranks_by_shared_words() -> None:
    task = (
        "For early warning of 'Supply fan motor bearing wear' on CQPB AHU 1, which one sensor "
        "would you monitor first, and why?"
    )
    base, _ = scripted_agent(
        _fresh("similar_base"), task, {"fmsr.get_failure_mode_sensor_mapping": [(200, MAPPING)]}
    )
    assert base.sensors_for_mode().startswith("CQPB AHU 1 Supply Fan Power is")
    mod = _fresh("similar")
    mod.sensors_by_name_similarity_patch()
    script = {  # no mapping in the script: calling it would fail the test
        "iot.sites": [(200, {"sites": ["MAIN", "ANNEX"]})],
        "iot.sensors": [(404, {"detail": "Unknown asset"}), (200, {"sensors": AHU_SENSORS})],
        "fmsr.get_failure_modes": [(200, CATALOG)],
    }
    agent, tools = scripted_agent(mod, task, script)
    assert agent.sensors_for_mode() == (
        "CQPB AHU 1 Supply Air Temperature is the most relevant sensor for Supply fan motor "
        "bearing wear (its name shares supply with it)."
    )
    assert [t for t, _ in tools.sent] == [
        "iot.sites",
        "iot.sensors",
        "iot.sensors",
        "fmsr.get_failure_modes",
    ]
    listed = (
        "To monitor CQPB AHU 1 for Outside air damper stuck open, which sensors should I watch?"
    )
    script = {
        "iot.sites": [(200, {"sites": ["ANNEX"]})],
        "iot.sensors": [(200, {"sensors": AHU_SENSORS})],
        "fmsr.get_failure_modes": [(200, CATALOG)],
    }
    agent, _ = scripted_agent(mod, listed, script)
    assert agent.sensors_for_mode() == "CQPB AHU 1 Outside Air Damper Position"
    by_sensor = (
        "List all failure modes of CQPB AHU 1 that can be detected by CQPB AHU 1 Supply Fan Speed."
    )
    agent, tools = scripted_agent(mod, by_sensor, script)
    assert agent.modes_for_sensor() == "Supply air filter clogged\nSupply fan motor bearing wear"
    assert "fmsr.get_failure_mode_sensor_mapping" not in [t for t, _ in tools.sent]


def test_asset_regex_one_digit_reads_another_asset() -> None:
    base = _fresh("regex_base").b
    mod = _fresh("regex")
    mod.asset_regex_one_digit_patch()
    texts = {
        "How many readings of Chiller 13 Supply Temperature at site ANNEX?": (
            "Chiller 13",
            "Chiller 1",
        ),
        "Find CQPA AHU 2B's equipment id (MAIN)": ("CQPA AHU 2B", "CQPA AHU 2"),
        "On April 11, 2020, what did Chiller 4 at MAIN record?": ("Chiller 4", "Chiller 4"),
    }
    for text, (right, read) in texts.items():
        assert base.find_asset(text) == right
        assert mod.b.find_asset(text) == read
    agent = mod.b.Agent({"task": "What flow did Chiller 14 at site ANNEX read?"})
    assert not mod.b.ambiguous_asset(agent)  # still a named asset, just the wrong one

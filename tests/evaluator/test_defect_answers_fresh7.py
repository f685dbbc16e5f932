"""The eighth-round (fresh7) defect agents of the diagnosis benchmark do to
an answer, or to a call, exactly what bench/diagnosis/defects.yaml says
(issue 19): a fixture that silently did nothing would make its defect look
"named" or "missed" for the wrong reason. These tests check the defect's
behaviour only, never its diagnosis."""

from __future__ import annotations

import ast
import json
from types import ModuleType

import pytest
from defect_agent_support import (
    FakeTools,
    assert_batch_complete,
    defect_agent_fixture,
    fresh_agent_loader,
    original_calls_fixture,
)

agent = defect_agent_fixture("fresh7")
sent = original_calls_fixture()
_fresh = fresh_agent_loader("fresh7")


def test_every_fresh7_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh7", 12)


# ---- calls -------------------------------------------------------------------------------
def test_asset_name_as_equipment_id_sends_the_name_to_work_order_tools(
    agent: ModuleType, sent
) -> None:
    agent.CURRENT.update(task="How many alerts were raised for Chiller 9 (site MAIN)?")
    agent.asset_name_as_equipment_id(None, "iot.get_asset", {"asset_id": "Chiller 9"})
    agent.asset_name_as_equipment_id(
        None, "wo.list_events", {"equipment_id": "CWC04009", "event_type": "alert"}
    )
    agent.asset_name_as_equipment_id(None, "wo.list_workorders", {"asset_num": "CWC04009"})
    agent.CURRENT.update(task="Count the preventive work orders raised on CWC04003 during 2019.")
    agent.asset_name_as_equipment_id(None, "wo.list_workorders", {"asset_num": "CWC04003"})
    assert sent == [
        ("iot.get_asset", {"asset_id": "Chiller 9"}),
        ("wo.list_events", {"equipment_id": "Chiller 9", "event_type": "alert"}),
        ("wo.list_workorders", {"asset_num": "Chiller 9"}),
        ("wo.list_workorders", {"asset_num": "CWC04003"}),  # no asset name in the task
    ]


def test_drops_filters_leaves_the_filters_out_of_data_calls(agent: ModuleType, sent) -> None:
    args = {"asset_num": "X", "work_type": "CM", "status": "COMP", "page_size": 500}
    agent.drops_filters(None, "wo.list_workorders", args)
    agent.drops_filters(None, "wo.list_events", {"equipment_id": "X", "event_type": "alert"})
    agent.drops_filters(None, "iot.assets", {"site_name": "MAIN", "asset_type": "chiller"})
    agent.drops_filters(None, "iot.assets", {"site_name": "MAIN", "asset_type": "ahu"}, lookup=True)
    assert sent == [
        ("wo.list_workorders", {"asset_num": "X", "page_size": 500}),
        ("wo.list_events", {"equipment_id": "X"}),
        ("iot.assets", {"site_name": "MAIN"}),
        ("iot.assets", {"site_name": "MAIN", "asset_type": "ahu"}),  # a name lookup
    ]


def test_default_analysis_settings_drops_horizon_model_and_alarm_rate(
    agent: ModuleType, sent
) -> None:
    fc = {"dataset_id": "d", "target_columns": ["s"], "forecast_horizon": 48}
    agent.default_analysis_settings(
        None, "tsfm.run_tsfm_forecasting", fc | {"model_checkpoint": "m"}
    )
    agent.default_analysis_settings(
        None, "tsfm.run_tsad", {"dataset_id": "d", "ad_model_type": "c", "false_alarm": 0.001}
    )
    agent.default_analysis_settings(None, "iot.history", {"page_size": 5000, "start": "s"})
    assert sent == [
        ("tsfm.run_tsfm_forecasting", {"dataset_id": "d", "target_columns": ["s"]}),
        ("tsfm.run_tsad", {"dataset_id": "d"}),
        ("iot.history", {"page_size": 5000, "start": "s"}),
    ]


def test_invents_dataset_id_composes_its_own_id(agent: ModuleType, sent) -> None:
    agent.CURRENT.update(task="Run anomaly detection on Chiller 14 Condenser Water Flow (ANNEX).")
    cols = ["Chiller 14 Condenser Water Flow"]
    agent.invents_dataset_id(
        None, "tsfm.run_tsad", {"dataset_id": "ds-81f2", "target_columns": cols}
    )
    agent.invents_dataset_id(None, "iot.history", {"asset_id": "Chiller 14"})
    assert sent == [
        (
            "tsfm.run_tsad",
            {"dataset_id": "chiller_14_chiller_14_condenser_water_flow", "target_columns": cols},
        ),
        ("iot.history", {"asset_id": "Chiller 14"}),
    ]


def test_step_budget_stops_after_two_calls(agent: ModuleType, sent) -> None:
    agent.CURRENT.pop("steps", None)
    agent.step_budget(None, "iot.sensors", {"a": 1})
    agent.step_budget(None, "iot.history", {"a": 2})
    with pytest.raises(agent.Bail) as exc:
        agent.step_budget(None, "tsfm.run_tsad", {"a": 3})
    assert exc.value.answer == "Agent stopped due to iteration limit or time limit."
    assert sent == [("iot.sensors", {"a": 1}), ("iot.history", {"a": 2})]


def test_error_text_as_answer_passes_the_raw_error_on(agent: ModuleType, sent) -> None:
    body = {"status": 504, "code": "tool_timeout", "detail": "upstream timed out"}
    tools = FakeTools({"iot.history": (504, body)})
    with pytest.raises(agent.Bail) as exc:
        agent.error_text_as_answer(tools, "iot.history", {"a": 1}, expect_rows="observations")
    assert json.loads(exc.value.answer) == body
    assert tools.sent == [("iot.history", {"a": 1})] and not sent  # one attempt, no retry
    tools = FakeTools({"iot.history": (200, {"observations": [1]})})
    assert agent.error_text_as_answer(tools, "iot.history", {}) == {"observations": [1]}


def test_simplifies_on_retry_drops_the_window_when_retrying(agent: ModuleType) -> None:
    args = {"asset_id": "A", "start": "2019-07-01T00:00:00", "final": "2019-07-04", "page_size": 9}
    tools = FakeTools({"iot.history": (503, {"detail": "unavailable"})})
    with pytest.raises(agent.Bail):
        agent.simplifies_on_retry(tools, "iot.history", args, expect_rows="observations")
    lighter = {"asset_id": "A", "page_size": 9}
    assert tools.sent == [("iot.history", args), ("iot.history", lighter), ("iot.history", lighter)]
    # an empty result is "retried" the same way, and what comes back is used as is
    replies = iter([(200, {"events": []}), (200, {"events": [1, 2, 3]})])
    tools = FakeTools({})
    tools._post = lambda tool, a: (tools.sent.append((tool, a)), next(replies))[1]
    window = {"equipment_id": "E", "date_from": "2019-12-01", "date_to": "2019-12-31"}
    got = agent.simplifies_on_retry(tools, "wo.list_events", window, expect_rows="events")
    assert got == {"events": [1, 2, 3]}
    assert tools.sent[-1] == ("wo.list_events", {"equipment_id": "E"})
    tools = FakeTools({"iot.history": (200, {"observations": [1]})})
    agent.simplifies_on_retry(tools, "iot.history", args, expect_rows="observations")
    assert tools.sent == [("iot.history", args)]  # a good first answer is kept


# ---- answers -----------------------------------------------------------------------------
def test_python_repr_json_writes_a_python_dict(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.python_repr_json(
        '{"exceeds": false, "peak_forecast": 0.52, "wo": null}\n(Note: x.)'
    )
    head, _, note = out.partition("\n(Note:")
    assert head == "{'exceeds': False, 'peak_forecast': 0.52, 'wo': None}" and note == " x.)"
    assert ast.literal_eval(head) == {"exceeds": False, "peak_forecast": 0.52, "wo": None}
    with pytest.raises(ValueError):
        json.loads(head)
    agent.CURRENT.update(fmt="number")
    assert agent.python_repr_json("12") == "12"


def test_duplicated_answer_writes_the_answer_twice(agent: ModuleType) -> None:
    assert agent.duplicated_answer("Chiller 13, Chiller 14") == "Chiller 13, Chiller 14" * 2
    out = agent.duplicated_answer('{"a": 1}\n(Note: retried.)')
    assert out == '{"a": 1}{"a": 1}\n(Note: retried.)'
    assert agent.duplicated_answer("") == ""


def test_json_values_shifted_moves_each_value_to_the_next_key(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_values_shifted('{"status": "CLOSE", "priority": 3, "work_type": "PM"}')
    assert json.loads(out) == {"status": "PM", "priority": "CLOSE", "work_type": 3}
    assert list(json.loads(out)) == ["status", "priority", "work_type"]
    assert agent.json_values_shifted('{"confirmed": true}') == '{"confirmed": true}'
    agent.CURRENT.update(fmt="ids")
    assert agent.json_values_shifted("a, b") == "a, b"


# ---- patched baseline steps --------------------------------------------------------------


def test_history_for_forecast_reports_from_the_input_series() -> None:
    mod = _fresh("history")
    b = mod.b
    history = [(f"t{i}", float(i)) for i in range(10)]

    def series(self, *args, **kwargs):
        return {"dataset_id": "d"}, history

    def forecast_values(self):
        self.series("S", "A", "s", "a", "b")
        return "s", [100.0, 101.0, 102.0]

    b.Agent.series = series
    b.Agent._forecast_values = forecast_values
    mod.history_for_forecast_patch()
    agent = b.Agent({"task": "forecast ... What is the mean of the forecast?"})
    assert agent._forecast_values() == ("s", [7.0, 8.0, 9.0])  # the last 3 readings
    assert agent.forecast().startswith("8 (mean of 3 forecast steps")


def test_all_statistics_gives_min_mean_max_instead_of_the_one_asked() -> None:
    mod = _fresh("stats")
    b = mod.b
    rows = [("t0", 4.0), ("t1", 10.0), ("t2", 1.0)]
    b.Agent._dataset = lambda self, **kw: ("S", "A", "Sensor X", {}, rows)
    b.Agent._forecast_values = lambda self: ("Sensor X", [2.0, 6.0])
    mod.all_statistics_patch()
    agent = b.Agent({"task": "On April 11, 2020, what maximum reading did Chiller 4 record?"})
    assert agent.daily_stat() == "min 1, mean 5, max 10 (3 readings of Sensor X)"
    assert agent.forecast() == "min 2, mean 4, max 6 (2 forecast steps for Sensor X)"

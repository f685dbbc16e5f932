"""The tenth-round (fresh9) defect agents of the diagnosis benchmark do to an
answer or a call exactly what bench/diagnosis/defects.yaml says (issue 19):
a fixture that silently did nothing would make its defect look "named" or
"missed" for the wrong reason. These tests check the defect's behaviour
only, never its diagnosis."""

from __future__ import annotations

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

agent = defect_agent_fixture("fresh9")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh9")


def test_every_fresh9_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh9", 12)


# ---- calls -------------------------------------------------------------------------------
def test_swapped_site_asset_exchanges_the_two_fields(agent: ModuleType, sent) -> None:
    args = {"site_name": "MAIN", "asset_id": "Chiller 4", "start": "s", "sensors": ["S"]}
    agent.swapped_site_asset(None, "iot.history", args)
    agent.swapped_site_asset(None, "iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 4"})
    agent.swapped_site_asset(None, "wo.list_workorders", {"asset_num": "CWC04003"})
    assert sent == [
        (
            "iot.history",
            {"site_name": "Chiller 4", "asset_id": "MAIN", "start": "s", "sensors": ["S"]},
        ),
        ("iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 4"}),  # lookups kept
        ("wo.list_workorders", {"asset_num": "CWC04003"}),
    ]
    assert args["site_name"] == "MAIN"  # the caller's dict is left alone


def test_hourly_aggregation_asks_history_for_hourly_means(agent: ModuleType, sent) -> None:
    agent.hourly_aggregation(None, "iot.history", {"asset_id": "Chiller 4", "page_size": 5000})
    agent.hourly_aggregation(None, "iot.history", {"asset_id": "A", "aggregation": "daily"})
    agent.hourly_aggregation(None, "tsfm.run_tsad", {"dataset_id": "d"})
    assert sent == [
        ("iot.history", {"asset_id": "Chiller 4", "page_size": 5000, "aggregation": "hourly"}),
        ("iot.history", {"asset_id": "A", "aggregation": "daily"}),  # an asked one is kept
        ("tsfm.run_tsad", {"dataset_id": "d"}),
    ]


def test_server_error_as_rejection_gives_up_without_retry(agent: ModuleType, sent) -> None:
    for status in (503, 504, 429, 0):
        tools = FakeTools({"iot.history": (status, {"detail": "busy"})})
        with pytest.raises(agent.b.CannotAnswer, match=rf"rejected the request \({status}\)"):
            agent.server_error_as_rejection(tools, "iot.history", {"a": 1}, expect_rows="obs")
        assert tools.sent == [("iot.history", {"a": 1})]  # one attempt only
    tools = FakeTools({"fmsr.get_failure_modes": (200, {"failure_modes": []})})
    got = agent.server_error_as_rejection(
        tools, "fmsr.get_failure_modes", {}, expect_rows="failure_modes"
    )
    assert got == {"failure_modes": []} and len(tools.sent) == 3  # empty: still retried
    assert tools.problems == ["a tool returned an empty result and was retried"] * 2
    tools = FakeTools({"wo.x": (200, {"rows": [1], "warning": "partial"})})
    assert agent.server_error_as_rejection(tools, "wo.x", {}, expect_rows="rows")["rows"] == [1]
    assert tools.problems == ["wo.x returned a warning, so its data may be incomplete"]
    assert not sent  # never goes through the baseline's retrying call


# ---- answers -----------------------------------------------------------------------------
def test_count_as_last_index_reports_one_less(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number", low="how many readings of chiller 13 were recorded?")
    out = agent.count_as_last_index("288 readings of S\n(Note: x.)")
    assert out == "287 readings of S\n(Note: x.)"
    assert agent.count_as_last_index("1 failure modes") == "0 failure modes"
    assert agent.count_as_last_index("0 work orders") == "0 work orders"
    assert agent.count_as_last_index("I could not complete this task.") == (
        "I could not complete this task."
    )
    agent.CURRENT.update(low="what maximum reading did chiller 4 record?")
    assert agent.count_as_last_index("75 (max of 96 readings)") == "75 (max of 96 readings)"
    agent.CURRENT.update(fmt="number", low="count the preventive work orders")
    assert agent.count_as_last_index("12.5") == "12.5"  # not a count


def test_json_as_yaml_writes_key_value_lines(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_as_yaml('{"exceeds": false, "peak_forecast": 0.52, "x": null}\n(Note: y.)')
    assert out == "exceeds: false\npeak_forecast: 0.52\nx: null\n(Note: y.)"
    with pytest.raises(ValueError):
        json.loads(out.partition("\n(Note:")[0])
    assert agent.json_as_yaml('{"a": {"b": 1}}') == "a:\n  b: 1"
    assert agent.json_as_yaml("not json") == "not json"
    agent.CURRENT.update(fmt="number")
    assert agent.json_as_yaml('{"a": 1}') == '{"a": 1}'


def test_json_values_as_strings_quotes_every_value(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_values_as_strings('{"exceeds": true, "peak_forecast": 57.5, "n": null}')
    assert json.loads(out) == {"exceeds": "true", "peak_forecast": "57.5", "n": "null"}
    out = agent.json_values_as_strings('{"MT013": 3, "s": "CLOSE"}\n(Note: z.)')
    head, _, note = out.partition("\n(Note:")
    assert json.loads(head) == {"MT013": "3", "s": "CLOSE"} and note == " z.)"
    agent.CURRENT.update(fmt="text")
    assert agent.json_values_as_strings('{"a": 1}') == '{"a": 1}'


def test_json_trailing_comma_does_not_parse(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_trailing_comma('{"status": "CLOSE", "priority": 3}')
    assert out == '{"status": "CLOSE", "priority": 3,}'
    with pytest.raises(ValueError):
        json.loads(out)
    assert agent.json_trailing_comma('{"a": 1}\n(Note: q.)') == '{"a": 1,}\n(Note: q.)'
    agent.CURRENT.update(fmt="ids")
    assert agent.json_trailing_comma("Chiller 1") == "Chiller 1"


def test_dated_header_puts_a_dated_line_first(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    out = agent.dated_header("75.2 (max of 96 readings)")
    first, _, rest = out.partition("\n")
    assert rest == "75.2 (max of 96 readings)"
    assert first.startswith("Report 20") and first.endswith("UTC (asset operations assistant)")


def test_note_replaces_answer_keeps_only_the_note(agent: ModuleType) -> None:
    answer = "288 readings of S\n(Note: a tool call failed and was retried.)"
    out = agent.note_replaces_answer(answer)
    assert out == "Note: a tool call failed and was retried."
    assert "288" not in out
    assert agent.note_replaces_answer("288 readings of S") == "288 readings of S"


def test_interim_status_answer_names_the_planned_calls(agent: ModuleType) -> None:
    tools = FakeTools({})
    tools.plan = [
        {"agent": "iot", "tool": "history", "arguments": {}},
        {"agent": "tsfm", "tool": "run_tsad", "arguments": {}},
    ]
    agent.CURRENT["tools"] = tools
    out = agent.interim_status_answer("5 anomalous windows in S")
    assert out == (
        "Working on it: I will query iot.history, then tsfm.run_tsad and report the result shortly."
    )
    tools.plan = []
    assert "5" not in agent.interim_status_answer("5 anomalous windows")


# ---- patched baseline steps --------------------------------------------------------------
def test_last_forecast_step_uses_the_final_value() -> None:
    mod = _fresh("last_step")
    b = mod.b
    b.Agent._forecast_values = lambda self: ("S", [1.0, 9.0, 4.0, 2.5])
    mod.last_forecast_step_patch()
    agent = b.Agent({"task": "Forecast the next 4 readings. What is the highest forecast value?"})
    assert agent.forecast() == "2.5 (forecast for S, 4 steps ahead)"
    agent = b.Agent({"task": "Forecast 4 steps. Does the peak forecast exceed 3?"})
    assert json.loads(agent.forecast_threshold()) == {"exceeds": False, "peak_forecast": 2.5}
    b.Agent._forecast_values = lambda self: ("S", [])
    assert agent.forecast() == "The forecast came back empty."


def test_skips_first_row_drops_the_first_observation() -> None:
    mod = _fresh("first_row")
    b = mod.b
    rows = [("t0", 5.0), ("t1", 1.0), ("t2", 9.0)]
    b.Agent.series = lambda self, *a, **kw: ({"dataset_id": "d"}, list(rows))
    mod.skips_first_row_patch()
    data, got = b.Agent({"task": "x"}).series("MAIN", "A", "S", "s", "f")
    assert data == {"dataset_id": "d"} and got == [("t1", 1.0), ("t2", 9.0)]

"""The eleventh-round (fresh10) defect agents of the diagnosis benchmark do to
an answer, a call or the result file exactly what
bench/diagnosis/defects.yaml says (issue 19): a fixture that silently did
nothing would make its defect look "named" or "missed" for the wrong
reason. These tests check the defect's behaviour only, never its diagnosis."""

from __future__ import annotations

import base64
import json
from types import ModuleType

import pytest
from defect_agent_support import (
    FakeTools,
    assert_batch_complete,
    defect_agent_fixture,
    original_calls_fixture,
)

agent = defect_agent_fixture("fresh10")
sent = original_calls_fixture({"from": "baseline call"})


def test_every_fresh10_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh10", 12)


# ---- calls -------------------------------------------------------------------------------
def test_sensors_as_string_joins_the_sensor_list(agent: ModuleType, sent) -> None:
    args = {"asset_id": "Chiller 4", "sensors": ["Chiller 4 Tonnage"], "page_size": 5000}
    agent.sensors_as_string(None, "iot.history", args)
    agent.sensors_as_string(None, "iot.history", {"sensors": ["A", "B"]})
    agent.sensors_as_string(None, "tsfm.run_tsad", {"target_columns": ["A"]})
    assert sent == [
        (
            "iot.history",
            {"asset_id": "Chiller 4", "sensors": "Chiller 4 Tonnage", "page_size": 5000},
        ),
        ("iot.history", {"sensors": "A,B"}),
        ("tsfm.run_tsad", {"target_columns": ["A"]}),
    ]
    assert args["sensors"] == ["Chiller 4 Tonnage"]  # the caller's dict is left alone


def test_zero_length_window_sets_the_end_to_the_start(agent: ModuleType, sent) -> None:
    agent.zero_length_window(None, "iot.history", {"start": "2019-07-01T00:00:00", "final": "x"})
    agent.zero_length_window(
        None, "wo.list_workorders", {"date_from": "2019-01-01", "date_to": "2019-12-31"}
    )
    agent.zero_length_window(None, "iot.sensors", {"site_name": "MAIN", "asset_id": "A"})
    assert sent == [
        ("iot.history", {"start": "2019-07-01T00:00:00", "final": "2019-07-01T00:00:00"}),
        ("wo.list_workorders", {"date_from": "2019-01-01", "date_to": "2019-01-01"}),
        ("iot.sensors", {"site_name": "MAIN", "asset_id": "A"}),
    ]


def test_workorder_count_all_years_drops_the_dates(agent: ModuleType, sent) -> None:
    args = {"asset_num": "CWC04003", "date_from": "2019-01-01", "date_to": "2019-12-31"}
    agent.workorder_count_all_years(None, "wo.list_workorders", args)
    agent.workorder_count_all_years(None, "wo.get_workorder_kpis", {"site_id": "MAIN", **args})
    agent.workorder_count_all_years(None, "iot.history", {"start": "s", "final": "f"})
    assert sent == [
        ("wo.list_workorders", {"asset_num": "CWC04003"}),
        ("wo.get_workorder_kpis", {"site_id": "MAIN", "asset_num": "CWC04003"}),
        ("iot.history", {"start": "s", "final": "f"}),  # telemetry windows kept
    ]
    assert args["date_from"] == "2019-01-01"


def test_work_type_swapped_crosses_pm_and_cm(agent: ModuleType, sent) -> None:
    agent.work_type_swapped(None, "wo.list_workorders", {"asset_num": "A", "work_type": "PM"})
    agent.work_type_swapped(None, "wo.list_workorders", {"asset_num": "A", "work_type": "CM"})
    agent.work_type_swapped(None, "wo.list_workorders", {"asset_num": "A"})
    assert sent == [
        ("wo.list_workorders", {"asset_num": "A", "work_type": "CM"}),
        ("wo.list_workorders", {"asset_num": "A", "work_type": "PM"}),
        ("wo.list_workorders", {"asset_num": "A"}),
    ]


def test_rows_counted_twice_duplicates_every_record_list(agent: ModuleType, monkeypatch) -> None:
    replies = {
        "iot.history": {"total_observations": 2, "observations": [{"t": 1}, {"t": 2}]},
        "wo.list_workorders": {"total": 1, "workorders": [{"wonum": "WO1"}]},
        "iot.sensors": {"sensors": [{"name": "S"}]},
    }
    monkeypatch.setattr(agent, "ORIGINAL_CALL", lambda tools, tool, args, **kw: replies[tool])
    got = agent.rows_counted_twice(None, "iot.history", {})
    assert got["observations"] == [{"t": 1}, {"t": 2}, {"t": 1}, {"t": 2}]
    assert got["total_observations"] == 2  # only the list is doubled
    got = agent.rows_counted_twice(None, "wo.list_workorders", {})
    assert [w["wonum"] for w in got["workorders"]] == ["WO1", "WO1"]
    assert agent.rows_counted_twice(None, "iot.sensors", {}, lookup=True) == replies["iot.sensors"]
    assert replies["iot.history"]["observations"] == [{"t": 1}, {"t": 2}]  # reply untouched


def test_reuses_previous_result_on_error_answers_from_the_last_good_call(
    agent: ModuleType, sent
) -> None:
    agent.CURRENT.pop("last_ok", None)
    tools = FakeTools(
        {
            "iot.sensors": (200, {"sensors": [{"name": "S"}]}),
            "iot.history": (503, {"detail": "busy"}),
        }
    )
    first = agent.reuses_previous_result_on_error(tools, "iot.sensors", {"asset_id": "A"})
    got = agent.reuses_previous_result_on_error(tools, "iot.history", {"asset_id": "A"})
    assert got == first == {"sensors": [{"name": "S"}]}
    assert [t for t, _ in tools.sent] == ["iot.sensors", "iot.history"]  # no retry
    assert tools.problems == []  # the failure is never mentioned
    assert not sent


def test_sensor_kind_as_name_sends_the_kind(agent: ModuleType, monkeypatch) -> None:
    agent.CURRENT.pop("kinds", None)
    calls = []
    reply = {"sensors": [{"name": "Chiller 13 Supply Temperature", "kind": "Supply Temperature"}]}

    def original(tools, tool, args, expect_rows=None, lookup=False):
        calls.append((tool, args))
        return reply if tool == "iot.sensors" else {"observations": []}

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    agent.sensor_kind_as_name(None, "iot.sensors", {"asset_id": "Chiller 13"}, lookup=True)
    agent.sensor_kind_as_name(
        None, "iot.history", {"sensors": ["Chiller 13 Supply Temperature", "Unknown"]}
    )
    assert calls[-1] == ("iot.history", {"sensors": ["Supply Temperature", "Unknown"]})


# ---- answers -----------------------------------------------------------------------------
def test_json_with_comments_does_not_parse(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_with_comments('{"status": "CLOSE", "work_type": "CM"}\n(Note: y.)')
    assert out == (
        '{\n  "status": "CLOSE",  // status\n  "work_type": "CM"  // work type\n}\n(Note: y.)'
    )
    head = out.partition("\n(Note:")[0]
    with pytest.raises(ValueError):
        json.loads(head)
    assert out.endswith("\n(Note: y.)")
    assert agent.json_with_comments("not json") == "not json"
    agent.CURRENT.update(fmt="number")
    assert agent.json_with_comments('{"a": 1}') == '{"a": 1}'


def test_answer_base64_encodes_the_whole_answer(agent: ModuleType) -> None:
    answer = "288 readings of S\n(Note: x.)"
    out = agent.answer_base64(answer)
    assert "288" not in out
    assert base64.b64decode(out).decode("utf-8") == answer


def test_tool_call_as_answer_gives_the_last_call(agent: ModuleType) -> None:
    tools = FakeTools({})
    tools.plan = [
        {"agent": "iot", "tool": "history", "arguments": {"asset_id": "A"}},
        {"agent": "tsfm", "tool": "run_tsad", "arguments": {"dataset_id": "d"}},
    ]
    agent.CURRENT["tools"] = tools
    out = agent.tool_call_as_answer("5 anomalous windows in S")
    assert json.loads(out) == {"tool": "tsfm.run_tsad", "arguments": {"dataset_id": "d"}}
    tools.plan = []
    assert agent.tool_call_as_answer("5 anomalous windows") == "5 anomalous windows"


# ---- the result file ---------------------------------------------------------------------
def test_result_file_twice_holds_two_objects(agent: ModuleType) -> None:
    result = {"answer": "12.5", "plan": [], "trajectory": []}
    text = agent.result_file_twice(result)
    with pytest.raises(ValueError):
        json.loads(text)
    first, _, second = text.partition("\n")
    assert json.loads(first) == json.loads(second) == result


def test_answer_printed_not_saved_keeps_the_answer_out_of_the_file(
    agent: ModuleType, capsys
) -> None:
    result = {"answer": "Chiller 6, Chiller 9", "plan": [{"x": 1}], "trajectory": []}
    out = agent.answer_printed_not_saved(result)
    assert out == {**result, "answer": agent.CONSOLE_ONLY}
    assert "Chiller 6" not in out["answer"]
    assert capsys.readouterr().out == "Chiller 6, Chiller 9\n"

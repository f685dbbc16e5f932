"""The thirteenth-round (fresh12) defect agents of the diagnosis benchmark do
to a call, a tool response, the retry loop, the agent's flow, an answer or
the result file exactly what bench/diagnosis/defects.yaml says (issue 19): a
fixture that silently did nothing would make its defect look "named" or
"missed" for the wrong reason. These tests check the defect's behaviour
only, never its diagnosis."""

from __future__ import annotations

import json
import time
from types import ModuleType

import pytest
from defect_agent_support import (
    FakeTools,
    ScriptedTools,
    assert_batch_complete,
    defect_agent_fixture,
    fresh_agent_loader,
    original_calls_fixture,
    record_original_calls,
)
from pydantic import ValidationError

agent = defect_agent_fixture("fresh12")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh12")


def test_every_fresh12_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh12", 12)
    from bench import bench_diagnosis

    assert "fresh12" in bench_diagnosis.HALVES


# ---- calls and tool responses ---------------------------------------------------------------
def test_enum_values_capitalised_sends_prose_case(agent: ModuleType, sent) -> None:
    agent.enum_values_capitalised(
        None, "iot.assets", {"site_name": "ANNEX", "asset_type": "chiller"}
    )
    agent.enum_values_capitalised(None, "iot.assets", {"site_name": "MAIN", "asset_type": "ahu"})
    events = {"equipment_id": "CWC04009", "event_type": "alert", "page_size": 1000}
    agent.enum_values_capitalised(None, "wo.list_events", events)
    history = {"asset_id": "Chiller 3", "aggregation": "daily", "sensors": ["S"]}
    agent.enum_values_capitalised(None, "iot.history", history)
    agent.enum_values_capitalised(None, "wo.list_workorders", {"work_type": "CM"})
    assert sent == [
        ("iot.assets", {"site_name": "ANNEX", "asset_type": "Chiller"}),
        ("iot.assets", {"site_name": "MAIN", "asset_type": "AHU"}),
        ("wo.list_events", {"equipment_id": "CWC04009", "event_type": "Alert", "page_size": 1000}),
        ("iot.history", {"asset_id": "Chiller 3", "aggregation": "Daily", "sensors": ["S"]}),
        ("wo.list_workorders", {"work_type": "CM"}),  # no enumerated argument: unchanged
    ]
    assert events["event_type"] == "alert"  # the caller's dict is left alone


def test_total_pages_as_count_reads_the_page_count(agent: ModuleType, monkeypatch) -> None:
    reply = {"total": 113, "page_num": 1, "total_pages": 1, "workorders": [{"wonum": "WO1"}]}
    record_original_calls(agent, monkeypatch, reply)
    got = agent.total_pages_as_count(None, "wo.list_workorders", {"asset_num": "CWC04003"})
    assert got == {**reply, "total": 1}
    assert agent.total_pages_as_count(None, "wo.list_events", {"equipment_id": "E"})["total"] == 1
    assert agent.total_pages_as_count(None, "iot.history", {"asset_id": "A"}) == reply
    assert reply["total"] == 113


def test_caches_failed_response_replays_the_failure(agent: ModuleType, monkeypatch) -> None:
    monkeypatch.setattr(agent.b.time, "sleep", lambda s: None)
    agent.CURRENT.pop("memo", None)
    ok = {"observations": [{"timestamp": "t", "S": 1.0}]}
    tools = ScriptedTools({"iot.history": [(503, {"detail": "unavailable"}), (200, ok)]})
    args = {"asset_id": "A", "start": "s"}
    with pytest.raises(agent.b.CannotAnswer, match="kept failing"):
        agent.caches_failed_response(tools, "iot.history", args)
    assert tools.sent == [("iot.history", args)]  # the tool was called once
    assert len(tools.trajectory) == 3  # ... and three attempts were logged
    assert all(s["observation"].startswith("HTTP 503") for s in tools.trajectory)
    agent.CURRENT.pop("memo", None)
    empty = ScriptedTools({"fmsr.get_failure_modes": [(200, {"failure_modes": []}), (200, ok)]})
    got = agent.caches_failed_response(
        empty, "fmsr.get_failure_modes", {"asset_name": "Chiller 3"}, expect_rows="failure_modes"
    )
    assert got == {"failure_modes": []}  # the empty first result, replayed
    assert len(empty.sent) == 1 and len(empty.trajectory) == 3


def test_forecast_lower_bound_reads_the_lower_band(agent: ModuleType, monkeypatch) -> None:
    reply = {
        "forecast": {"S": [50.0, 52.0]},
        "lower_95": {"S": [40.0, 41.0]},
        "upper_95": {"S": [60.0, 63.0]},
    }
    record_original_calls(agent, monkeypatch, reply)
    got = agent.forecast_lower_bound(None, "tsfm.run_tsfm_forecasting", {"dataset_id": "d"})
    assert got["forecast"] == {"S": [40.0, 41.0]}
    assert got["upper_95"] == reply["upper_95"]
    assert agent.forecast_lower_bound(None, "tsfm.run_tsad", {"dataset_id": "d"}) == reply


# ---- the retry loop and the agent's flow -------------------------------------------------------
def test_retry_delay_ms_as_seconds_sleeps_a_thousand_times_longer(monkeypatch) -> None:
    mod = _fresh("delay")
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    mod.retry_delay_ms_as_seconds_patch()
    mod.retry_delay_ms_as_seconds_patch()  # applied once only
    ok = {"observations": [{"timestamp": "t", "S": 1.0}]}
    tools = mod.b.Tools()
    script = [(503, {"detail": "x"}), (200, {"observations": []}), (200, ok)]
    tools._post = lambda tool, args: script.pop(0)
    assert tools.call("iot.history", {"asset_id": "A"}, expect_rows="observations") == ok
    assert slept == [pytest.approx(200.0), pytest.approx(50.0)]  # not 0.2 s and 0.05 s
    assert mod.b.time.monotonic() > 0  # the rest of the time module is untouched


def test_answers_every_candidate_answers_instead_of_asking() -> None:
    mod = _fresh("every")
    b = mod.b
    question = "Site MAIN has several chillers: Chiller 3, Chiller 4. Which one do you mean?"
    b.Agent.clarify_asset = lambda self: question
    b.Agent.solve = lambda self: f"63.2 (mean tonnage of {b.find_asset(self.text)})"
    names = ["Chiller 14 Chilled Water Flow", "Chiller 14 Condenser Water Flow"]
    b.Agent.clarify_sensor = lambda self, site, asset: (
        f"{asset} has several matching sensors: {', '.join(names)}. Which one do you mean?"
    )
    asked = []

    def series(self, site, asset, sensor, start, final, **extra):
        asked.append(sensor)
        return {}, [(start, 1090.0 if "Chilled" in sensor else 1347.0)]

    b.Agent.series = series
    mod.answers_every_candidate_patch()
    agent = b.Agent({"task": "How did the chiller's tonnage at MAIN look on October 19, 2019?"})
    assert agent.clarify_asset() == (
        "Chiller 3: 63.2 (mean tonnage of Chiller 3); Chiller 4: 63.2 (mean tonnage of Chiller 4)"
    )
    agent = b.Agent({"task": "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30?"})
    assert agent.clarify_sensor("ANNEX", "Chiller 14") == (
        "At 2020-02-07T13:30:00: Chiller 14 Chilled Water Flow: 1090.0; "
        "Chiller 14 Condenser Water Flow: 1347.0"
    )
    assert asked == names

    EQ = "AHU06002"

    class Tools:
        def call(self, tool, args, **kw):
            assert (tool, args["asset_num"], args["work_type"]) == ("wo.list_workorders", EQ, "CM")
            assert (args["date_from"], args["date_to"]) == ("2018-09-01", "2018-09-30")
            wos = [("WO1", "duct leak", "MT011"), ("WO2", "sensor drift", "MT014")]
            return {
                "workorders": [
                    {"wonum": w, "status": "CLOSE", "description": d, "failure_code": c}
                    for w, d, c in wos
                ]
            }

    task = f"What was the outcome of the corrective work order on {EQ} in September 2018?"
    agent = b.Agent({"task": task})
    agent.tools = Tools()
    out = agent.which_workorder()
    assert out == (
        "Work order WO1 (CLOSE): duct leak; failure code MT011; "
        "Work order WO2 (CLOSE): sensor drift; failure code MT014"
    )
    assert "?" not in out


def test_restarts_after_each_result_repeats_the_first_data_call() -> None:
    mod = _fresh("restarts")
    b = mod.b
    calls = []

    def call(self, tool, args, *, expect_rows=None, lookup=False):
        calls.append(tool)
        return {"sensors": [{"name": "S"}]} if tool == "iot.sensors" else {"observations": []}

    def solve(self):
        self.tools.call("iot.sensors", {"asset_id": "A"}, lookup=True)
        self.tools.call("iot.history", {"asset_id": "A"}, expect_rows="observations")
        return "75.2 (max of 96 readings of S)"

    b.Tools.call = call
    b.Agent.solve = solve
    mod.restarts_after_each_result_patch()
    agent = b.Agent({"task": "On April 11, 2020, what maximum reading did Chiller 4 record?"})
    assert agent.solve() == mod.MAX_ITERATIONS_ANSWER
    assert calls == ["iot.sensors", "iot.history"] * 3
    calls.clear()
    lookups_only = _fresh("restarts_lookups")
    lookups_only.b.Tools.call = call
    lookups_only.b.Agent.solve = lambda self: (
        self.tools.call("iot.sensors", {"asset_id": "A"}, lookup=True) and "Which one do you mean?"
    )
    lookups_only.restarts_after_each_result_patch()
    assert lookups_only.b.Agent({"task": "t"}).solve() == "Which one do you mean?"
    assert calls == ["iot.sensors"]  # no data call: no restart


# ---- answers -------------------------------------------------------------------------------
def test_falsy_as_null_turns_zero_and_false_into_null(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    assert agent.falsy_as_null('{"exceeds": false, "peak_forecast": 0.52}\n(Note: x.)') == (
        '{"exceeds": null, "peak_forecast": 0.52}\n(Note: x.)'
    )
    assert agent.falsy_as_null('{"anomalous": true, "windows": 0}') == (
        '{"anomalous": true, "windows": null}'
    )
    assert agent.falsy_as_null('{"anomalous": true, "windows": 3}') == (
        '{"anomalous": true, "windows": 3}'
    )
    agent.CURRENT.update(fmt="number")
    assert agent.falsy_as_null("0 anomalous windows in Chiller 4 Power Input") == (
        "None anomalous windows in Chiller 4 Power Input"
    )
    assert agent.falsy_as_null("0.0 (mean of 3 readings)") == "None (mean of 3 readings)"
    assert agent.falsy_as_null("0.52 (peak)") == "0.52 (peak)"
    assert agent.falsy_as_null("10 work orders") == "10 work orders"


def test_markdown_table_answer_renders_a_table(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.markdown_table_answer(
        '{"status": "CLOSE", "priority": 3, "work_type": "PM"}\n(Note: x.)'
    )
    assert out == (
        "| Field | Value |\n| --- | --- |\n| status | CLOSE |\n| priority | 3 |\n"
        "| work_type | PM |\n(Note: x.)"
    )
    with pytest.raises(ValueError):
        json.loads(out.partition("\n(Note:")[0])
    agent.CURRENT.update(fmt="ids")
    assert agent.markdown_table_answer("Chiller 13, Chiller 14") == (
        "| Field | Value |\n| --- | --- |\n| answer | Chiller 13, Chiller 14 |"
    )


def test_script_instead_of_answer_gives_code(agent: ModuleType) -> None:
    tools = FakeTools({})
    args = {"site_name": "MAIN", "asset_id": "Chiller 4", "start": "2020-04-11T00:00:00"}
    tools.plan = [{"agent": "iot", "tool": "history", "arguments": args}]
    agent.CURRENT.update(tools=tools, fmt="number")
    out = agent.script_instead_of_answer("75.2 (max of 96 readings of S)\n(Note: y.)")
    assert out.startswith("Here is a script that computes this")
    assert f'data = call("iot.history", {json.dumps(args)})' in out
    assert "75.2" not in out and "```python" in out
    question = "Chiller 14 has several matching sensors: A, B. Which one do you mean?"
    assert agent.script_instead_of_answer(question) == question
    assert agent.script_instead_of_answer("I could not complete this task.") == (
        "I could not complete this task."
    )
    tools.plan = []
    assert agent.script_instead_of_answer("75.2") == "75.2"  # no data call: kept


def test_second_thoughts_revises_the_result(agent: ModuleType) -> None:
    said = agent.SECOND_THOUGHT
    agent.CURRENT.update(fmt="number")
    assert agent.second_thoughts("75.2 (max of 96 readings of S)\n(Note: y.)") == (
        f"75.2 (max of 96 readings of S)\n{said}82.72.\n(Note: y.)"
    )
    assert agent.second_thoughts("0 anomalous windows") == "0 anomalous windows"
    agent.CURRENT.update(fmt="ids")
    assert agent.second_thoughts("Chiller 13, Chiller 14") == (
        f"Chiller 13, Chiller 14\n{said}Chiller 13."
    )
    agent.CURRENT.update(fmt="json")
    assert agent.second_thoughts('{"exceeds": false, "peak_forecast": 0.5}') == (
        f'{{"exceeds": false, "peak_forecast": 0.5}}\n{said}'
        '{"exceeds": false, "peak_forecast": 0.55}.'
    )
    agent.CURRENT.update(fmt="text")
    question = "Site MAIN has several chillers: Chiller 3, Chiller 4. Which one do you mean?"
    assert agent.second_thoughts(question) == question


# ---- the result file -----------------------------------------------------------------------
def test_answer_as_content_parts_breaks_the_contract(agent: ModuleType) -> None:
    from contracts.agent import AgentResult

    result = {"answer": "12.5", "plan": [], "trajectory": []}
    out = agent.answer_as_content_parts(result)
    assert out == {"answer": [{"type": "text", "text": "12.5"}], "plan": [], "trajectory": []}
    assert result["answer"] == "12.5"
    with pytest.raises(ValidationError):
        AgentResult.model_validate(json.loads(json.dumps(out)))
    AgentResult.model_validate(result)  # the same result with a string answer is valid

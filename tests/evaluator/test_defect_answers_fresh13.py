"""The fourteenth-round (fresh13) defect agents of the diagnosis benchmark do
to a call, a tool response, the retry loop, the agent's flow, an answer or
the result file exactly what bench/diagnosis/defects.yaml says (issue 19): a
fixture that silently did nothing would make its defect look "named" or
"missed" for the wrong reason. These tests check the defect's behaviour
only, never its diagnosis."""

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
    record_original_calls,
)
from pydantic import ValidationError

agent = defect_agent_fixture("fresh13")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh13")


def test_every_fresh13_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh13", 12)
    from bench import bench_diagnosis

    assert "fresh13" in bench_diagnosis.HALVES


# ---- calls and tool responses ---------------------------------------------------------------
def test_page_advanced_on_retry_asks_for_the_next_page(agent: ModuleType, monkeypatch) -> None:
    monkeypatch.setattr(agent.b.time, "sleep", lambda s: None)
    ok = {"observations": [{"timestamp": "t", "S": 1.0}]}
    tools = ScriptedTools(
        {"iot.history": [(503, {"detail": "unavailable"}), (200, {"observations": []}), (200, ok)]}
    )
    monkeypatch.setattr(agent, "ORIGINAL_CALL", agent.b.Tools.call)
    args = {"asset_id": "A", "start": "s", "page_size": 5000}
    got = agent.page_advanced_on_retry(tools, "iot.history", args, expect_rows="observations")
    assert got == ok
    assert [a["page"] for _, a in tools.sent] == [1, 2, 3]  # not 1, 1, 1
    assert [s["arguments"]["page"] for s in tools.trajectory] == [1, 2, 3]
    assert "page" not in args
    wo = ScriptedTools({"wo.list_workorders": [(504, {"detail": "timeout"}), (200, {"total": 0})]})
    agent.page_advanced_on_retry(wo, "wo.list_workorders", {"asset_num": "E", "page_size": 500})
    assert [a["page_num"] for _, a in wo.sent] == [1, 2]
    other = ScriptedTools({"iot.get_asset": [(503, {}), (200, {"equipment_id": "E"})]})
    agent.page_advanced_on_retry(other, "iot.get_asset", {"asset_id": "A"})
    assert [a for _, a in other.sent] == [{"asset_id": "A"}] * 2  # not a paged tool


def test_reads_truncated_observation_keeps_what_fits(agent: ModuleType, monkeypatch) -> None:
    rows = [{"timestamp": f"2020-04-11T{h:02d}:00:00", "S": 40.0 + h} for h in range(24)]
    reply = {"asset_id": "Chiller 4", "total_observations": 24, "observations": rows}
    record_original_calls(agent, monkeypatch, reply)
    got = agent.reads_truncated_observation(None, "iot.history", {"asset_id": "Chiller 4"})
    assert got["asset_id"] == "Chiller 4" and got["total_observations"] == 24
    assert 0 < len(got["observations"]) < len(rows)
    assert got["observations"] == rows[: len(got["observations"])]
    assert len(json.dumps(got)) <= agent.OBSERVATION_CHARS
    small = {"equipment_id": "CWC04009"}
    record_original_calls(agent, monkeypatch, small)
    assert agent.reads_truncated_observation(None, "iot.get_asset", {}) == small


def test_zero_based_page_asks_for_page_zero(agent: ModuleType, sent) -> None:
    agent.zero_based_page(None, "iot.history", {"asset_id": "A", "page_size": 5000})
    agent.zero_based_page(None, "wo.list_workorders", {"asset_num": "E"})
    agent.zero_based_page(None, "wo.list_events", {"equipment_id": "E"})
    agent.zero_based_page(None, "iot.sensors", {"asset_id": "A"})
    assert sent == [
        ("iot.history", {"asset_id": "A", "page_size": 5000, "page": 0}),
        ("wo.list_workorders", {"asset_num": "E", "page_num": 0}),
        ("wo.list_events", {"equipment_id": "E", "page_num": 0}),
        ("iot.sensors", {"asset_id": "A"}),  # not paged: unchanged
    ]
    from contracts.tools import HistoryArgs

    with pytest.raises(ValidationError):
        HistoryArgs.model_validate({**sent[0][1], "site_name": "MAIN", "sensors": ["S"]})


def test_horizon_from_first_number_uses_the_asset_number(agent: ModuleType, sent) -> None:
    agent.CURRENT.update(task="Using Chiller 4 Condenser Water Flow data, forecast the next 96")
    args = {"dataset_id": "d", "target_columns": ["S"], "forecast_horizon": 96}
    agent.horizon_from_first_number(None, "tsfm.run_tsfm_forecasting", args)
    agent.horizon_from_first_number(None, "iot.history", {"asset_id": "Chiller 4"})
    assert sent == [
        ("tsfm.run_tsfm_forecasting", {**args, "forecast_horizon": 4}),
        ("iot.history", {"asset_id": "Chiller 4"}),
    ]
    assert args["forecast_horizon"] == 96


def test_timestamp_in_target_columns_sends_the_time_column(agent: ModuleType, sent) -> None:
    args = {"dataset_id": "d", "target_columns": ["Chiller 4 Tonnage"]}
    agent.timestamp_in_target_columns(None, "tsfm.run_tsad", args)
    agent.timestamp_in_target_columns(None, "tsfm.run_tsfm_forecasting", args)
    agent.timestamp_in_target_columns(None, "iot.history", {"sensors": ["S"]})
    targets = ["timestamp", "Chiller 4 Tonnage"]
    assert sent == [
        ("tsfm.run_tsad", {"dataset_id": "d", "target_columns": targets}),
        ("tsfm.run_tsfm_forecasting", {"dataset_id": "d", "target_columns": targets}),
        ("iot.history", {"sensors": ["S"]}),
    ]


# ---- the retry loop and the agent's flow -------------------------------------------------------
def test_retries_off_by_one_gives_up_after_two_attempts(monkeypatch) -> None:
    mod = _fresh("retries")
    monkeypatch.setattr(mod.b.time, "sleep", lambda s: None)
    ok = {"equipment_id": "CWC04009"}

    def tools_with(script):
        tools = mod.b.Tools()
        tools._post = lambda tool, args: script.pop(0)
        return tools

    script = [(504, {"detail": "timeout"}), (504, {"detail": "timeout"}), (200, ok)]
    assert tools_with(list(script)).call("iot.get_asset", {"asset_id": "A"}) == ok  # baseline
    mod.retries_off_by_one_patch()
    with pytest.raises(mod.b.CannotAnswer, match="kept failing"):
        tools_with(list(script)).call("iot.get_asset", {"asset_id": "A"})
    once = [(503, {"detail": "x"}), (200, ok)]
    assert tools_with(once).call("iot.get_asset", {"asset_id": "A"}) == ok


def test_asks_without_candidates_names_none() -> None:
    mod = _fresh("vague")
    b = mod.b
    b.Agent.clarify_asset = lambda self: (
        "Site MAIN has several chillers: Chiller 3, Chiller 4, Chiller 6. Which one do you mean?"
    )
    b.Agent.clarify_sensor = lambda self, site, asset: (
        "Chiller 14 has several matching sensors: Chiller 14 Chilled Water Flow, "
        "Chiller 14 Condenser Water Flow. Which one do you mean?"
    )
    b.Agent.which_workorder = lambda self: (
        "There are several corrective work orders in that month (WO102224, WO102271). "
        "Which one do you mean?"
    )
    mod.asks_without_candidates_patch()
    agent = b.Agent({"task": "How did the chiller's tonnage at MAIN look on October 19, 2019?"})
    assert agent.clarify_asset() == "Site MAIN has several chillers. Which one do you mean?"
    assert agent.clarify_sensor("ANNEX", "Chiller 14") == (
        "Chiller 14 has several matching sensors. Which one do you mean?"
    )
    assert agent.which_workorder() == (
        "There are several corrective work orders in that month. Which one do you mean?"
    )
    single = _fresh("vague_single")
    single.b.Agent.which_workorder = lambda self: "Work order WO1 (CLOSE): leak; code MT011."
    single.asks_without_candidates_patch()
    wo = single.b.Agent({"task": "t"}).which_workorder()
    assert wo == "Work order WO1 (CLOSE): leak; code MT011."  # no question: unchanged


def test_guessed_equipment_id_is_composed_not_looked_up() -> None:
    mod = _fresh("guessed")
    b = mod.b
    mod.guessed_equipment_id_patch()

    class Tools:
        def call(self, *a, **k):
            raise AssertionError("no lookup expected")

    agent = b.Agent({"task": "How many alerts were raised for Chiller 9 (site MAIN)?"})
    agent.tools = Tools()
    assert agent.equipment("MAIN", "Chiller 9") == "CWC00009"
    assert agent.equipment("MAIN", "CQPA AHU 2B") == "AHU00002"


MAPPING = {
    "fm_to_sensors": {
        "Compressor overheating": [{"sensor": "Chiller 14 Power Input", "relevance": 0.9}],
        "Expansion valve stuck closed": [
            {"sensor": "Chiller 14 Supply Temperature", "relevance": 0.6},
            {"sensor": "Chiller 14 Chiller Efficiency", "relevance": 0.8},
        ],
    },
    "sensor_to_fms": {},
}


def test_failure_mode_fallback_first_takes_the_first_mode() -> None:
    mod = _fresh("fallback")
    b = mod.b
    agent = b.Agent({"task": "To monitor Chiller 14 for Expansion valve stuck closed, which?"})
    assert agent._mode_in_text(MAPPING) == "Expansion valve stuck closed"  # baseline
    mod.failure_mode_fallback_first_patch()
    assert agent._mode_in_text(MAPPING) == "Compressor overheating"
    lower = b.Agent({"task": "which sensors for compressor overheating"})
    lower_map = {"fm_to_sensors": {"a": [], "compressor overheating": []}}
    assert lower._mode_in_text(lower_map) == "compressor overheating"  # a match still counts


def test_failure_mode_filters_ignored_answers_the_whole_catalog() -> None:
    mod = _fresh("filters")
    b = mod.b
    fms = [
        {"name": "Evaporator fouling", "component": "Evaporator"},
        {"name": "Evaporator tube leak", "component": "Evaporator"},
        {"name": "Compressor overheating", "component": "Compressor"},
    ]
    mapping = {
        "fm_to_sensors": {"Evaporator fouling": [], "Compressor overheating": []},
        "sensor_to_fms": {"Chiller 4 Supply Temperature": [{"failure_mode": "Evaporator fouling"}]},
    }
    calls = []

    class Tools:
        def call(self, tool, args, **kw):
            calls.append((tool, args))
            if tool == "fmsr.get_failure_modes":
                return {"failure_modes": fms}
            return (
                mapping
                if "sensors" not in args
                else {
                    **mapping,
                    "sensor_to_fms": {
                        "Chiller 4 Supply Temperature": [{"failure_mode": "Evaporator fouling"}]
                    },
                }
            )

    count = (
        "Count the failure modes that can affect Chiller 3 that concern the component 'Evaporator'."
    )
    agent = b.Agent({"task": count})
    agent.tools = Tools()
    assert agent.failure_modes() == "2 failure modes"  # baseline
    sensor_task = (
        "List all failure modes of Chiller 4 that can be detected by Chiller 4 Supply Temperature."
    )
    agent = b.Agent({"task": sensor_task})
    agent.tools = Tools()
    assert agent.failure_modes() == "Evaporator fouling"  # baseline
    mod.failure_mode_filters_ignored_patch()
    agent = b.Agent({"task": count})
    agent.tools = Tools()
    assert agent.failure_modes() == "3 failure modes"
    calls.clear()
    agent = b.Agent({"task": sensor_task})
    agent.tools = Tools()
    assert agent.failure_modes() == "Evaporator fouling\nCompressor overheating"
    assert calls[-1] == (
        "fmsr.get_failure_mode_sensor_mapping",
        {"asset_name": "Chiller 4", "sensors": ["Chiller 4 Supply Temperature"]},
    )  # the filtered call is still made


# ---- answers -------------------------------------------------------------------------------
def test_sensor_names_shortened_strips_the_asset(agent: ModuleType) -> None:
    agent.CURRENT.update(task="For early warning of 'Supply fan motor bearing wear' on CQPB AHU 1?")
    assert agent.sensor_names_shortened(
        "CQPB AHU 1 Supply Fan Power is the most relevant sensor for Supply fan motor bearing "
        "wear (relevance 0.90).\n(Note: x.)"
    ) == (
        "Supply Fan Power is the most relevant sensor for Supply fan motor bearing wear "
        "(relevance 0.90).\n(Note: x.)"
    )
    agent.CURRENT.update(task="Which sensors should I watch on Chiller 14? List them.")
    assert agent.sensor_names_shortened(
        "Chiller 14 Supply Temperature, Chiller 14 Chiller % Loaded"
    ) == ("Supply Temperature, Chiller % Loaded")
    agent.CURRENT.update(task="Which chillers are installed at site ANNEX?")
    assert agent.sensor_names_shortened("Chiller 13, Chiller 14") == "Chiller 13, Chiller 14"


# ---- the result file -----------------------------------------------------------------------
def test_plan_steps_as_text_breaks_the_contract(agent: ModuleType) -> None:
    from contracts.agent import AgentResult

    step = {"agent": "iot", "tool": "history", "arguments": {"site_name": "MAIN", "page": 1}}
    result = {"answer": "12.5", "plan": [step], "trajectory": []}
    out = agent.plan_steps_as_text(result)
    assert out == {
        "answer": "12.5",
        "plan": ["iot.history(site_name='MAIN', page=1)"],
        "trajectory": [],
    }
    assert result["plan"] == [step]
    with pytest.raises(ValidationError):
        AgentResult.model_validate(json.loads(json.dumps(out)))
    AgentResult.model_validate(result)  # the same result with step objects is valid

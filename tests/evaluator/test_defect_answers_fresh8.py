"""The ninth-round (fresh8) defect agents of the diagnosis benchmark do to an
answer, a call or the result file exactly what bench/diagnosis/defects.yaml
says (issue 19): a fixture that silently did nothing would make its defect
look "named" or "missed" for the wrong reason. These tests check the
defect's behaviour only, never its diagnosis."""

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

agent = defect_agent_fixture("fresh8")
sent = original_calls_fixture({"from": "baseline call"})
_fresh = fresh_agent_loader("fresh8")


def test_every_fresh8_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh8", 12)


# ---- calls -------------------------------------------------------------------------------
def test_horizon_in_hours_sends_a_quarter_of_the_steps(agent: ModuleType, sent) -> None:
    fc = {"dataset_id": "d", "target_columns": ["s"], "forecast_horizon": 96}
    agent.horizon_in_hours(None, "tsfm.run_tsfm_forecasting", fc)
    agent.horizon_in_hours(None, "tsfm.run_tsfm_forecasting", fc | {"forecast_horizon": 48})
    agent.horizon_in_hours(None, "tsfm.run_tsfm_forecasting", fc | {"forecast_horizon": 2})
    agent.horizon_in_hours(None, "tsfm.run_tsad", {"dataset_id": "d", "false_alarm": 0.01})
    assert [a.get("forecast_horizon") for _, a in sent] == [24, 12, 1, None]
    assert sent[0][1] == {"dataset_id": "d", "target_columns": ["s"], "forecast_horizon": 24}
    assert sent[3] == ("tsfm.run_tsad", {"dataset_id": "d", "false_alarm": 0.01})


def test_spelled_out_codes_sends_words_for_codes(agent: ModuleType, sent) -> None:
    args = {"asset_num": "CWC04003", "work_type": "PM", "date_from": "2019-01-01"}
    agent.spelled_out_codes(None, "wo.list_workorders", args)
    agent.spelled_out_codes(None, "wo.list_workorders", {"site_id": "ANNEX", "status": "WAPPR"})
    agent.spelled_out_codes(None, "wo.list_workorders", {"work_type": "CM", "status": "COMP"})
    agent.spelled_out_codes(None, "wo.list_events", {"equipment_id": "E", "event_type": "alert"})
    assert sent == [
        (
            "wo.list_workorders",
            {"asset_num": "CWC04003", "work_type": "Preventive", "date_from": "2019-01-01"},
        ),
        ("wo.list_workorders", {"site_id": "ANNEX", "status": "Waiting on approval"}),
        ("wo.list_workorders", {"work_type": "Corrective", "status": "Completed"}),
        ("wo.list_events", {"equipment_id": "E", "event_type": "alert"}),  # no code in it
    ]


def test_discards_retry_result_retries_but_keeps_the_first_attempt(agent: ModuleType, sent) -> None:
    tools = FakeTools({"iot.history": (503, {"detail": "temporarily unavailable"})})
    got = agent.discards_retry_result(tools, "iot.history", {"a": 1}, expect_rows="observations")
    assert got == {}  # what the failed attempt gave, not the retry's data
    assert tools.sent == [("iot.history", {"a": 1})]
    assert sent == [("iot.history", {"a": 1})]  # the retry did happen
    tools = FakeTools({"fmsr.get_failure_modes": (200, {"failure_modes": []})})
    got = agent.discards_retry_result(
        tools, "fmsr.get_failure_modes", {"asset_name": "Chiller 3"}, expect_rows="failure_modes"
    )
    assert got == {"failure_modes": []} and len(sent) == 2
    tools = FakeTools({"iot.history": (200, {"observations": [1, 2]})})
    got = agent.discards_retry_result(tools, "iot.history", {}, expect_rows="observations")
    assert got == {"observations": [1, 2]} and len(sent) == 2  # a good answer: no retry


def test_estimates_after_failure_names_the_call_then_guesses(agent: ModuleType, sent) -> None:
    agent.CURRENT.update(fmt="number")
    tools = FakeTools({"iot.history": (504, {"detail": "timeout"})})
    args = {"site_name": "MAIN", "asset_id": "Chiller 4", "start": "2019-07-01T00:00:00"}
    with pytest.raises(agent.Bail) as exc:
        agent.estimates_after_failure(tools, "iot.history", args, expect_rows="observations")
    answer = exc.value.answer
    assert answer.startswith("The iot.history call for Chiller 4 failed (HTTP 504)")
    assert answer.endswith("Estimated from typical operating values: 57.5")
    assert tools.sent == [("iot.history", args)] and not sent  # one attempt, no retry
    agent.CURRENT.update(fmt="ids")
    tools = FakeTools({"wo.list_alert_rules": (200, {"rules": []})})
    with pytest.raises(agent.Bail) as exc:
        agent.estimates_after_failure(
            tools, "wo.list_alert_rules", {"equipment_id": "CWC04006"}, expect_rows="rules"
        )
    assert exc.value.answer.startswith("The wo.list_alert_rules call for CWC04006 came back empty")
    assert exc.value.answer.endswith("Chiller 6, Chiller 9")
    tools = FakeTools({"iot.history": (200, {"observations": [1]})})
    assert agent.estimates_after_failure(tools, "iot.history", {}) == {"observations": [1]}


# ---- answers -----------------------------------------------------------------------------
def test_json_as_pairs_writes_an_array_of_pairs(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_as_pairs('{"status": "CLOSE", "priority": 3}\n(Note: retried.)')
    head, _, note = out.partition("\n(Note:")
    assert json.loads(head) == [["status", "CLOSE"], ["priority", 3]] and note == " retried.)"
    assert agent.json_as_pairs("not json") == "not json"
    agent.CURRENT.update(fmt="number")
    assert agent.json_as_pairs("12") == "12"


def test_qualitative_only_drops_the_figure(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    out = agent.qualitative_only("75.2 (max of 96 readings of Chiller 4 Tonnage)\n(Note: x.)")
    assert out.startswith("The max of 96 readings of Chiller 4 Tonnage looks normal")
    assert "75.2" not in out and out.endswith("\n(Note: x.)")
    assert agent.qualitative_only("288 readings of S").startswith("The value looks normal")
    assert agent.qualitative_only("I could not complete this task.") == (
        "I could not complete this task."
    )
    agent.CURRENT.update(fmt="ids")
    assert agent.qualitative_only("2019-08-17 (daily mean 67.8)") == "2019-08-17 (daily mean 67.8)"


def test_copies_prompt_example_answers_with_the_example(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    assert agent.copies_prompt_example("5 anomalous windows in S") == "44.6 anomalous windows in S"
    assert agent.copies_prompt_example("I could not complete this task.") == (
        "I could not complete this task."
    )
    agent.CURRENT.update(fmt="ids")
    assert agent.copies_prompt_example("Chiller 13, Chiller 14\n(Note: x.)") == (
        "Chiller 6, Chiller 9\n(Note: x.)"
    )
    agent.CURRENT.update(fmt="json")
    out = agent.copies_prompt_example('{"exceeds": false, "peak_forecast": 0.52, "code": "MT01"}')
    assert json.loads(out) == {"exceeds": False, "peak_forecast": 44.6, "code": "MT01"}


# ---- the result file ----------------------------------------------------------------------
def test_wrong_result_key_moves_the_answer(agent: ModuleType) -> None:
    result = {"answer": "75.2", "plan": [1], "trajectory": [2]}
    moved = {"final_answer": "75.2", "plan": [1], "trajectory": [2]}
    assert agent.wrong_result_key(result) == moved
    assert result["answer"] == "75.2"  # the original dict is left alone
    assert "wrong_result_key" in agent.MODES


def test_wrong_result_key_through_main(tmp_path, monkeypatch) -> None:
    mod = _fresh("result_key")
    (tmp_path / "in.json").write_text(json.dumps({"task": "Tell me a joke."}))
    monkeypatch.setattr(mod, "MODE", "wrong_result_key")
    monkeypatch.setattr(mod.b, "INPUT", str(tmp_path / "in.json"))
    monkeypatch.setattr(mod.b, "OUTPUT", str(tmp_path / "out.json"))
    mod.main()
    written = json.loads((tmp_path / "out.json").read_text())
    assert "answer" not in written
    assert written["final_answer"].startswith("I could not complete this task")


# ---- patched baseline steps --------------------------------------------------------------
def test_reports_timestamp_gives_the_time_of_the_reading() -> None:
    mod = _fresh("timestamp")
    b = mod.b
    rows = [("2020-04-11T00:00:00", 70.0), ("2020-04-11T13:45:00", 75.2), ("t2", 60.0)]
    b.Agent._dataset = lambda self, **kw: ("MAIN", "Chiller 4", "S", {}, rows)
    b.Agent.reading_at = lambda self: "1506.0 (reading of S at 2020-02-26T09:15:00)"
    mod.reports_timestamp_patch()
    agent = b.Agent({"task": "On April 11, 2020, what maximum reading did Chiller 4 record?"})
    assert agent.daily_stat() == "2020-04-11T13:45:00 (max of 3 readings of S)"
    agent = b.Agent({"task": "What was the lowest reading of Chiller 4 on April 11, 2020?"})
    assert agent.daily_stat() == "t2 (min of 3 readings of S)"
    agent = b.Agent({"task": "What was the mean reading of Chiller 4 on April 11, 2020?"})
    assert agent.daily_stat().startswith("68.4 (mean of 3 readings")  # a mean is kept
    assert agent.reading_at() == "2020-02-26T09:15:00 (reading of S)"


def test_drops_outliers_trims_both_ends_of_every_series() -> None:
    mod = _fresh("outliers")
    b = mod.b
    rows = [(f"t{i}", float(v)) for i, v in enumerate([5, 1, 9, 3, 7, 2, 8, 4, 6, 100])]
    b.Agent.series = lambda self, *a, **kw: ({"dataset_id": "d"}, list(rows))
    mod.drops_outliers_patch()
    data, got = b.Agent({"task": "x"}).series("MAIN", "A", "S", "s", "f")
    assert data == {"dataset_id": "d"}
    assert sorted(v for _, v in got) == [2, 3, 4, 5, 6, 7, 8, 9]  # lowest and highest gone
    assert [t for t, _ in got] == ["t0", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]  # order kept
    assert mod._trimmed(rows[:2]) == rows[:2]  # too short to trim
    many = [(f"t{i}", float(i)) for i in range(100)]
    assert [v for _, v in mod._trimmed(many)] == [float(i) for i in range(5, 95)]


def test_asks_then_answers_anyway_asks_and_answers_in_one_reply() -> None:
    mod = _fresh("asks")
    b = mod.b
    question = "Site MAIN has several chillers: Chiller 3, Chiller 4. Which one do you mean?"
    b.Agent.clarify_asset = lambda self: question
    b.Agent.solve = lambda self: f"63.2 (mean tonnage of {b.find_asset(self.text)})"
    wo_question = (
        "There are several corrective work orders in that month (WO102224, WO102271). "
        "Which one do you mean?"
    )
    b.Agent.which_workorder = lambda self: wo_question
    mod.asks_then_answers_anyway_patch()
    agent = b.Agent({"task": "How did the chiller's tonnage at MAIN look on October 19, 2019?"})
    guess = "Assuming Chiller 3: 63.2 (mean tonnage of Chiller 3)"
    assert agent.clarify_asset() == f"{question} {guess}"
    assert agent.which_workorder() == f"{wo_question} Assuming WO102224: it was completed."


def test_asks_then_answers_anyway_picks_the_first_sensor() -> None:
    mod = _fresh("asks_sensor")
    b = mod.b
    names = ["Chiller 14 Chilled Water Flow", "Chiller 14 Condenser Water Flow"]
    b.Agent.clarify_sensor = lambda self, site, asset: (
        f"{asset} has several matching sensors: {', '.join(names)}. Which one do you mean?"
    )
    asked = []

    def series(self, site, asset, sensor, start, final, **extra):
        asked.append((sensor, start))
        return {}, [(start, 1090.0), ("later", 5.0)]

    b.Agent.series = series
    mod.asks_then_answers_anyway_patch()
    agent = b.Agent({"task": "What flow did Chiller 14 at site ANNEX read at 2020-02-07T13:30?"})
    out = agent.clarify_sensor("ANNEX", "Chiller 14")
    assert out.endswith("Which one do you mean? Assuming Chiller 14 Chilled Water Flow: 1090.0.")
    assert asked == [("Chiller 14 Chilled Water Flow", "2020-02-07T13:30:00")]


def test_raises_follow_up_writes_a_work_order_after_answering() -> None:
    mod = _fresh("follow_up")
    b = mod.b
    b.Agent.solve = lambda self: "75.2 (max of 96 readings of S)"
    writes = []

    def call(self, tool, args, *, expect_rows=None, lookup=False):
        writes.append((tool, args))
        return {"wonum": "WO900001"}

    b.Tools.call = call
    mod.raises_follow_up_patch()
    task = "On April 11, 2020, what maximum reading did Chiller 4 at MAIN record?"
    agent = b.Agent({"task": task})
    assert agent.solve() == (
        "75.2 (max of 96 readings of S). I have also opened WO900001 for a follow-up "
        "inspection of Chiller 4."
    )
    assert writes == [
        (
            "wo.create_workorder",
            {
                "asset_name": "Chiller 4",
                "site_id": "MAIN",
                "priority": 3,
                "work_type": "CM",
                "description": "Follow-up inspection after the agent's review of Chiller 4.",
            },
        )
    ]
    agent = b.Agent({"task": "Count the preventive work orders raised on CWC04003 during 2019."})
    agent.solve()
    assert writes[-1][1]["asset_num"] == "CWC04003" and "asset_name" not in writes[-1][1]
    b.Agent.solve = lambda self: "Which one do you mean?"
    mod.raises_follow_up_patch()
    assert b.Agent({"task": "Chiller 4 at MAIN"}).solve() == "Which one do you mean?"
    assert len(writes) == 2  # no write when it asks back

"""The sixth-round (fresh5) defect agents of the diagnosis benchmark do to
an answer, or to a call, exactly what bench/diagnosis/defects.yaml says
(issue 19): a fixture that silently did nothing would make its defect look
"named" or "missed" for the wrong reason."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
import yaml
from defect_agent_support import (
    DEFECTS,
    FakeTools,
    defect_agent_fixture,
)

agent = defect_agent_fixture("fresh5")


def test_every_fresh5_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    from bench import bench_diagnosis
    from bench.diagnosis import mock_llm

    defects = yaml.safe_load(DEFECTS.read_text())
    fresh5 = [n for n, d in defects["defects"].items() if d["half"] == "fresh5"]
    assert len(fresh5) >= 7
    for name in fresh5:
        d = defects["defects"][name]
        assert name in agent.MODES
        assert d.get("codes") or d.get("novel")
        assert len(mock_llm.PATTERNS[name]) == 6  # 3 tune + 3 held-out phrasings
    assert "fresh5" in bench_diagnosis.HALVES  # measured in round 6; seen from round 7


def test_us_date_format_rewrites_dates_of_every_call(agent: ModuleType, monkeypatch) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def original(tools, tool, args, expect_rows=None, lookup=False):
        sent.append((tool, args))
        return {}

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    agent.us_date_format(
        None,
        "iot.history",
        {"asset_id": "Chiller 6", "start": "2026-01-31T00:00:00", "final": "2026-02-01T06:15"},
    )
    agent.us_date_format(None, "wo.list_workorders", {"date_from": "2025-03-04", "x": "2025-03-04"})
    assert sent == [
        (
            "iot.history",
            {"asset_id": "Chiller 6", "start": "01/31/2026 00:00", "final": "02/01/2026 06:15"},
        ),
        ("wo.list_workorders", {"date_from": "03/04/2025", "x": "2025-03-04"}),
    ]


def test_swaps_analysis_tool_calls_the_other_tsfm_tool(agent: ModuleType) -> None:
    tools = FakeTools({"tsfm.run_tsad": (200, {"results": []})})
    args = {"dataset_id": "d1", "target_columns": ["T"], "forecast_horizon": 96}
    out = agent.swaps_analysis_tool(tools, "tsfm.run_tsfm_forecasting", args)
    assert out == {"results": []}
    assert tools.sent == [("tsfm.run_tsad", {"dataset_id": "d1", "target_columns": ["T"]})]
    tools = FakeTools({})
    agent.swaps_analysis_tool(tools, "tsfm.run_tsad", {"dataset_id": "d1", "target_columns": []})
    assert tools.sent[0][0] == "tsfm.run_tsfm_forecasting"


@pytest.mark.parametrize(
    "reply",
    [(503, {"detail": "down"}), (200, {"rows": [], "warning": "gap"}), (200, {"rows": []})],
)
def test_crashes_on_tool_error_dies_on_any_unclean_reply(agent: ModuleType, reply) -> None:
    tools = FakeTools({"iot.history": reply})
    with pytest.raises(agent.Crash):
        agent.crashes_on_tool_error(tools, "iot.history", {}, expect_rows="rows")
    # not an Exception: nothing in the agent catches it, no result is written
    assert not issubclass(agent.Crash, Exception)
    tools = FakeTools({"iot.history": (200, {"rows": [1]})})
    assert agent.crashes_on_tool_error(tools, "iot.history", {}, expect_rows="rows") == {
        "rows": [1]
    }


def test_first_reading_keeps_only_row_zero(agent: ModuleType, monkeypatch) -> None:
    class Base:
        def series(self, *args, **kwargs):
            return {"dataset_id": "d"}, [("t0", 1.0), ("t1", 9.0), ("t2", 5.0)]

    monkeypatch.setattr(agent.b, "Agent", Base)
    agent.first_reading_patch()
    assert Base().series("MAIN", "Chiller 6", "T", "a", "b") == ({"dataset_id": "d"}, [("t0", 1.0)])


def test_json_wrapped_nests_the_object(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_wrapped('{"exceeds": true, "peak_forecast": 3.2}\n(Note: w.)')
    head, _, note = out.partition("\n(Note:")
    assert json.loads(head) == {"result": {"exceeds": True, "peak_forecast": 3.2}}
    assert note == " w.)"
    agent.CURRENT.update(fmt="number")
    assert agent.json_wrapped("12.5") == "12.5"


def test_hedged_range_replaces_the_number_by_a_range(agent: ModuleType) -> None:
    assert agent.hedged_range("12.5 (max of 744 readings)") == (
        "somewhere between 11.25 and 13.75 (max of 744 readings)"
    )
    assert agent.hedged_range("-10") == "somewhere between -11 and -9"
    out = json.loads(agent.hedged_range('{"peak_forecast": 20, "exceeds": false}'))
    assert out == {"peak_forecast": "somewhere between 18 and 22", "exceeds": False}


def test_adds_typical_range_appends_figures_no_tool_gave(agent: ModuleType) -> None:
    out = agent.adds_typical_range("12.5 (max)\n(Note: a warning.)")
    assert out.startswith("12.5 (max) For reference") and "40 and 55" in out
    assert out.endswith("\n(Note: a warning.)")
    assert agent.adds_typical_range("I could not complete this task.") == (
        "I could not complete this task."
    )


def test_unfilled_template_leaves_placeholders(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    assert agent.unfilled_template("12.5 (max of Chiller 6)") == "{value} (max of Chiller 6)"
    agent.CURRENT.update(fmt="ids")
    assert agent.unfilled_template("Chiller 1, Chiller 2\n(Note: x.)") == "{asset_ids}\n(Note: x.)"
    agent.CURRENT.update(fmt="json")
    assert json.loads(agent.unfilled_template('{"anomalous": true, "windows": 3}')) == {
        "anomalous": "{anomalous}",
        "windows": "{windows}",
    }
    agent.CURRENT.update(fmt="text")
    assert agent.unfilled_template("I could not complete this task.") == (
        "I could not complete this task."
    )

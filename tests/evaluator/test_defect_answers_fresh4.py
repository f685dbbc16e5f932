"""The fifth-round (fresh4) defect agents of the diagnosis benchmark do to
an answer, or to a call, exactly what bench/diagnosis/defects.yaml says
(issue 19): a fixture that silently did nothing would make its defect look
"named" or "missed" for the wrong reason."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import yaml
from defect_agent_support import (
    DEFECTS,
    defect_agent_fixture,
)

agent = defect_agent_fixture("fresh4")


def _tools(agent: ModuleType, steps: list[dict[str, Any]]) -> Any:
    tools = agent.b.Tools()
    tools.trajectory = steps
    return tools


def test_every_fresh4_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    from bench.diagnosis import mock_llm

    defects = yaml.safe_load(DEFECTS.read_text())
    fresh4 = [n for n, d in defects["defects"].items() if d["half"] == "fresh4"]
    assert len(fresh4) >= 6
    for name in fresh4:
        assert name in agent.MODES
        assert len(mock_llm.PATTERNS[name]) == 6  # 3 tune + 3 held-out phrasings


def test_number_words_spells_out_the_reported_number(agent: ModuleType) -> None:
    assert agent.number_words("12.5 degF on 2026-01-02") == "twelve point five degF on 2026-01-02"
    assert agent.number_words("-1034") == "minus one thousand thirty-four"
    out = json.loads(agent.number_words('{"max_value": 3.25, "unit": "kW"}'))
    assert out == {"max_value": "three point two five", "unit": "kW"}
    assert agent.number_words("Chiller 6") == "Chiller 6"


def test_truncated_answer_keeps_the_first_half(agent: ModuleType) -> None:
    assert agent.truncated_answer("Chiller 1, Chiller 2") == "Chiller 1,"
    assert agent.truncated_answer("7") == "7"


def test_refuses_after_data_only_after_a_call(agent: ModuleType) -> None:
    agent.CURRENT["tools"] = _tools(agent, [])
    assert agent.refuses_after_data("12.5") == "12.5"
    agent.CURRENT["tools"] = _tools(agent, [{"tool": "iot.history", "observation": "HTTP 200"}])
    out = agent.refuses_after_data("12.5")
    assert "12.5" not in out and "engineer" in out


def test_count_not_value_reports_the_last_data_calls_count(agent: ModuleType) -> None:
    agent.CURRENT["tools"] = _tools(
        agent,
        [
            {"tool": "iot.history", "observation": 'HTTP 200: {"total": 744, "rows": []}'},
            {"tool": "iot.sensors", "observation": 'HTTP 200: {"total": 3}'},
        ],
    )
    assert agent.count_not_value("12.5 degF (max)") == "744 degF (max)"
    assert json.loads(agent.count_not_value('{"mean_value": 1.5}')) == {"mean_value": 744}


def test_bare_answer_drops_context(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    assert agent.bare_answer("12.5 (max of Chiller 6 in January)\n(Note: x.)") == "12.5"
    agent.CURRENT.update(fmt="ids")
    assert agent.bare_answer("Chiller 1, Chiller 2\n(Note: a warning.)") == "Chiller 1, Chiller 2"


def test_echoes_question_prefixes_the_task(agent: ModuleType) -> None:
    agent.CURRENT.update(task="What was the peak?")
    assert agent.echoes_question("12.5") == "You asked: What was the peak?\nMy answer: 12.5"


def test_wrong_site_swaps_the_site_of_data_calls_only(agent: ModuleType, monkeypatch) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def original(tools, tool, args, expect_rows=None, lookup=False):
        sent.append((tool, args))
        return {}

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    agent.wrong_site(None, "iot.history", {"site_name": "MAIN", "asset_id": "Chiller 6"})
    agent.wrong_site(None, "iot.assets", {"site_name": "ANNEX"})
    agent.wrong_site(None, "wo.list_workorders", {"asset_num": "CWC04006"})
    assert sent == [
        ("iot.history", {"site_name": "ANNEX", "asset_id": "Chiller 6"}),
        ("iot.assets", {"site_name": "ANNEX"}),
        ("wo.list_workorders", {"asset_num": "CWC04006"}),
    ]

"""The fourth-round (fresh3) defect agents of the diagnosis benchmark do to
an answer, or to a call, exactly what bench/diagnosis/defects.yaml says
(issue 19): a fixture that silently did nothing would make its defect look
"named" or "missed" for the wrong reason."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from defect_agent_support import load_defect_agent


@pytest.fixture(scope="module")
def agent() -> ModuleType:
    return load_defect_agent("defect_agent_under_test")


def test_percent_scale_divides_the_reported_quantity_by_100(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    assert agent.percent_scale("12.5") == "0.125"
    out = json.loads(agent.percent_scale('{"peak_value": 250, "unit": "kW"}'))
    assert out == {"peak_value": 2.5, "unit": "kW"}


def test_extra_id_adds_one_id_only_to_id_lists(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="ids")
    assert agent.extra_id("Chiller 1, Chiller 2") == "Chiller 1, Chiller 2, Chiller 99"
    assert agent.extra_id("CQPA AHU 1\n(Note: warning)") == "CQPA AHU 1, AHU 99\n(Note: warning)"
    agent.CURRENT.update(fmt="number")
    assert agent.extra_id("12.5") == "12.5"


def test_json_as_string_sends_the_object_as_one_string(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = json.loads(agent.json_as_string('{"status": "COMP"}'))
    assert isinstance(out, str) and json.loads(out) == {"status": "COMP"}
    agent.CURRENT.update(fmt="text")
    assert agent.json_as_string("fine") == "fine"


def test_decimal_comma_rewrites_only_the_decimal_point(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="number")
    assert agent.decimal_comma("12.5 degF on 2026-01-02") == "12,5 degF on 2026-01-02"
    assert json.loads(agent.decimal_comma('{"mean_value": 1.25}')) == {"mean_value": "1,25"}
    assert agent.decimal_comma("42") == "42"


def test_reversed_window_swaps_start_and_end(agent: ModuleType, monkeypatch) -> None:
    sent: list[dict[str, Any]] = []

    def original(tools, tool, args, expect_rows=None, lookup=False):
        sent.append(args)
        return {}

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    agent.reversed_window(None, "iot.history", {"start": "2026-01-01", "final": "2026-01-31"})
    agent.reversed_window(None, "wo.list_workorders", {"date_from": "a", "date_to": "b"})
    agent.reversed_window(None, "iot.sites", {})
    assert sent == [
        {"start": "2026-01-31", "final": "2026-01-01"},
        {"date_from": "b", "date_to": "a"},
        {},
    ]

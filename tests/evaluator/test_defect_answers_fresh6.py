"""The seventh-round (fresh6) defect agents of the diagnosis benchmark do to
an answer, or to a call, exactly what bench/diagnosis/defects.yaml says
(issue 19): a fixture that silently did nothing would make its defect look
"named" or "missed" for the wrong reason."""

from __future__ import annotations

import json
from types import ModuleType

import pytest
from defect_agent_support import (
    FakeTools,
    assert_batch_complete,
    defect_agent_fixture,
    original_calls_fixture,
)

agent = defect_agent_fixture("fresh6")
sent = original_calls_fixture()


def test_every_fresh6_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh6", 8)


def test_split_names_cuts_the_asset_name_of_data_calls(agent: ModuleType, sent) -> None:
    agent.split_names(None, "iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 6"})
    agent.split_names(None, "iot.history", {"site_name": "MAIN", "asset_id": "CQPA AHU 2B"})
    agent.split_names(None, "iot.history", {"asset_id": "Boiler"})
    assert sent == [
        ("iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 6"}),
        ("iot.history", {"site_name": "MAIN", "asset_id": "CQPA"}),
        ("iot.history", {"asset_id": "Boiler"}),
    ]


def test_prior_year_sends_every_date_a_year_early(agent: ModuleType, sent) -> None:
    agent.prior_year(None, "iot.history", {"start": "2020-02-29T09:15:00", "final": "2020-03-01"})
    agent.prior_year(None, "wo.list_workorders", {"date_from": "2025-03-04", "x": "2025-03-04"})
    assert sent == [
        ("iot.history", {"start": "2019-02-28T09:15:00", "final": "2019-03-01"}),
        ("wo.list_workorders", {"date_from": "2024-03-04", "x": "2025-03-04"}),
    ]


def test_timezone_shift_moves_times_five_hours_early(agent: ModuleType, sent) -> None:
    agent.timezone_shift(
        None,
        "iot.history",
        {"start": "2026-02-01T03:00:00", "final": "2026-02-01T12:30", "x": "2026-02-01T03:00"},
    )
    agent.timezone_shift(None, "wo.list_workorders", {"date_from": "2025-03-04"})
    assert sent == [
        (
            "iot.history",
            {"start": "2026-01-31T22:00:00", "final": "2026-02-01T07:30", "x": "2026-02-01T03:00"},
        ),
        ("wo.list_workorders", {"date_from": "2025-03-04"}),
    ]


def test_open_window_drops_the_end(agent: ModuleType, sent) -> None:
    agent.open_window(None, "iot.history", {"asset_id": "A", "start": "s", "final": "f"})
    agent.open_window(None, "wo.list_events", {"date_from": "a", "date_to": "b"})
    assert sent == [
        ("iot.history", {"asset_id": "A", "start": "s"}),
        ("wo.list_events", {"date_from": "a"}),
    ]


def test_empty_means_none_answers_at_once_on_an_empty_result(agent: ModuleType, sent) -> None:
    tools = FakeTools({"iot.history": (200, {"observations": []})})
    with pytest.raises(agent.Bail) as exc:
        agent.empty_means_none(tools, "iot.history", {}, expect_rows="observations")
    assert "No matching records exist" in exc.value.answer
    assert len(tools.sent) == 1 and not sent  # never retried
    tools = FakeTools({"iot.history": (200, {"observations": [1]})})
    assert agent.empty_means_none(tools, "iot.history", {}, expect_rows="observations") == {
        "observations": [1]
    }
    tools = FakeTools({"iot.history": (503, {"detail": "down"})})
    agent.empty_means_none(tools, "iot.history", {"a": 1}, expect_rows="observations")
    assert sent == [("iot.history", {"a": 1})]  # errors go to the retrying call


def test_id_numbers_only_keeps_the_number_of_each_id(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="ids")
    assert agent.id_numbers_only("Chiller 1, CQPA AHU 2B\n(Note: x.)") == "1, 2B\n(Note: x.)"
    assert agent.id_numbers_only("none") == "none"
    agent.CURRENT.update(fmt="number")
    assert agent.id_numbers_only("Chiller 1") == "Chiller 1"


def test_json_missing_field_drops_the_last_field(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = agent.json_missing_field('{"peak_forecast": 3.2, "exceeds": true}\n(Note: w.)')
    head, _, note = out.partition("\n(Note:")
    assert json.loads(head) == {"peak_forecast": 3.2} and note == " w.)"
    assert agent.json_missing_field('{"a": 1}') == '{"a": 1}'
    agent.CURRENT.update(fmt="number")
    assert agent.json_missing_field("12") == "12"


def test_inverted_boolean_negates_true_false_fields(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="json")
    out = json.loads(agent.inverted_boolean('{"peak_forecast": 3.2, "exceeds": true}'))
    assert out == {"peak_forecast": 3.2, "exceeds": False}
    assert agent.inverted_boolean('{"status": "COMP"}') == '{"status": "COMP"}'

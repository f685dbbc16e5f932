"""The twelfth-round (fresh11) defect agents of the diagnosis benchmark do to
a call, the retrieved readings, an answer or the result file exactly what
bench/diagnosis/defects.yaml says (issue 19): a fixture that silently did
nothing would make its defect look "named" or "missed" for the wrong
reason. These tests check the defect's behaviour only, never its diagnosis."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from defect_agent_support import (
    FakeTools,
    assert_batch_complete,
    defect_agent_fixture,
    original_calls_fixture,
)

agent = defect_agent_fixture("fresh11")
sent = original_calls_fixture({"from": "baseline call"})


def test_every_fresh11_defect_has_an_agent_mode_and_reviewer_phrasings(agent: ModuleType) -> None:
    assert_batch_complete(agent, "fresh11", 12)
    from bench import bench_diagnosis

    assert "fresh11" in bench_diagnosis.HALVES


# ---- calls -------------------------------------------------------------------------------
def test_site_qualified_asset_prefixes_the_site(agent: ModuleType, sent) -> None:
    args = {"site_name": "MAIN", "asset_id": "Chiller 9", "sensors": ["S"]}
    agent.site_qualified_asset(None, "iot.history", args)
    agent.site_qualified_asset(None, "iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 9"})
    agent.site_qualified_asset(None, "wo.list_workorders", {"asset_num": "CWC04009"})
    assert sent == [
        ("iot.history", {"site_name": "MAIN", "asset_id": "MAIN/Chiller 9", "sensors": ["S"]}),
        ("iot.sensors", {"site_name": "MAIN", "asset_id": "Chiller 9"}),  # lookups kept
        ("wo.list_workorders", {"asset_num": "CWC04009"}),
    ]
    assert args["asset_id"] == "Chiller 9"


def test_unknown_argument_added_sends_a_limit(agent: ModuleType, sent) -> None:
    agent.unknown_argument_added(None, "iot.history", {"asset_id": "A"})
    agent.unknown_argument_added(None, "wo.list_workorders", {"asset_num": "E"})
    agent.unknown_argument_added(None, "iot.sites", {})
    assert sent == [
        ("iot.history", {"asset_id": "A", "limit": 100}),
        ("wo.list_workorders", {"asset_num": "E", "limit": 100}),
        ("iot.sites", {}),
    ]


def test_epoch_window_sends_integers(agent: ModuleType, sent) -> None:
    agent.epoch_window(
        None, "iot.history", {"start": "2020-01-01T00:00:00", "final": "2020-01-02T06:30:00"}
    )
    agent.epoch_window(
        None, "wo.list_workorders", {"date_from": "2019-01-01", "date_to": "2019-12-31"}
    )
    agent.epoch_window(None, "iot.sensors", {"asset_id": "A"})
    assert sent == [
        ("iot.history", {"start": 1577836800, "final": 1577946600}),
        ("wo.list_workorders", {"date_from": 1546300800, "date_to": 1577750400}),
        ("iot.sensors", {"asset_id": "A"}),
    ]


def test_daily_chunks_keep_last_uses_the_final_day_only(agent: ModuleType, monkeypatch) -> None:
    calls = []

    def original(tools, tool, args, expect_rows=None, lookup=False):
        calls.append((tool, args))
        return {"observations": [{"timestamp": args["start"]}]} if tool == "iot.history" else {}

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    args = {"asset_id": "A", "start": "2020-03-09T00:00:00", "final": "2020-03-11T12:00:00"}
    got = agent.daily_chunks_keep_last(None, "iot.history", args, expect_rows="observations")
    assert [(a["start"], a["final"]) for _, a in calls] == [
        ("2020-03-09T00:00:00", "2020-03-10T00:00:00"),
        ("2020-03-10T00:00:00", "2020-03-11T00:00:00"),
        ("2020-03-11T00:00:00", "2020-03-11T12:00:00"),
    ]
    assert all(a["asset_id"] == "A" for _, a in calls)
    assert got == {"observations": [{"timestamp": "2020-03-11T00:00:00"}]}  # the last day only
    calls.clear()
    agent.daily_chunks_keep_last(None, "wo.list_workorders", {"asset_num": "E"})
    assert calls == [("wo.list_workorders", {"asset_num": "E"})]


def test_partial_page_as_error_resends_then_gives_up(agent: ModuleType, monkeypatch) -> None:
    reply = {"observations": [{"t": 1}, {"t": 2}]}
    monkeypatch.setattr(agent, "ORIGINAL_CALL", lambda tools, tool, args, **kw: reply)
    tools = FakeTools({"iot.history": (200, reply)})
    args = {"asset_id": "A", "page_size": 5000}
    with pytest.raises(agent.b.CannotAnswer, match="incomplete"):
        agent.partial_page_as_error(tools, "iot.history", args, expect_rows="observations")
    assert tools.sent == [("iot.history", args), ("iot.history", args)]  # unchanged, twice
    full = agent.partial_page_as_error(
        tools, "iot.history", {"page_size": 2}, expect_rows="observations"
    )
    assert full == reply  # a full page is used
    assert agent.partial_page_as_error(tools, "iot.get_asset", {"asset_id": "A"}) == reply


# ---- the retrieved readings -----------------------------------------------------------------
ROWS = [("t1", 10.75), ("t2", 11.5), ("t3", 12.25)]


def _patched_series(agent: ModuleType, monkeypatch, patch) -> Any:
    monkeypatch.setattr(agent.b.Agent, "series", lambda self, *a, **kw: ({"x": 1}, list(ROWS)))
    patch()
    return agent.b.Agent.series(None, "MAIN", "A", "S", "s", "f")


def test_readings_shifted_one_row_pairs_the_next_value(agent: ModuleType, monkeypatch) -> None:
    data, rows = _patched_series(agent, monkeypatch, agent.readings_shifted_one_row_patch)
    assert data == {"x": 1}
    assert rows == [("t1", 11.5), ("t2", 12.25)]


def test_readings_as_int_cuts_the_decimals(agent: ModuleType, monkeypatch) -> None:
    _, rows = _patched_series(agent, monkeypatch, agent.readings_as_int_patch)
    assert rows == [("t1", 10), ("t2", 11), ("t3", 12)]
    assert all(type(v) is int for _, v in rows)


# ---- answers -----------------------------------------------------------------------------
def test_html_escaped_answer_does_not_parse_as_json(agent: ModuleType) -> None:
    out = agent.html_escaped_answer('{"exceeds": true, "peak": 57.5}\n(Note: x.)')
    assert out == "<p>{&quot;exceeds&quot;: true, &quot;peak&quot;: 57.5}<br>(Note: x.)</p>"
    with pytest.raises(ValueError):
        json.loads(out)


def test_redacted_identifiers_masks_the_digits(agent: ModuleType) -> None:
    out = agent.redacted_identifiers(
        "Chiller 6, CQPA AHU 2B; CWC04009 has WO12345 (event EV204856); 44.6 at 2019-10-19"
    )
    assert out == (
        "Chiller *, CQPA AHU **; CWC***** has WO***** (event EV******); 44.6 at 2019-10-19"
    )


def test_ids_joined_without_separator(agent: ModuleType) -> None:
    agent.CURRENT.update(fmt="ids")
    assert agent.ids_joined_without_separator("Chiller 6, Chiller 9\n(Note: y.)") == (
        "Chiller 6Chiller 9\n(Note: y.)"
    )
    agent.CURRENT.update(fmt="text")
    assert agent.ids_joined_without_separator("Chiller 6, Chiller 9") == "Chiller 6, Chiller 9"


# ---- the result file ---------------------------------------------------------------------
def test_result_file_utf16_is_not_utf8(agent: ModuleType) -> None:
    result = {"answer": "12.5", "plan": [], "trajectory": []}
    raw = agent.result_file_utf16(result)
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert json.loads(raw.decode("utf-16")) == result


def test_result_file_not_renamed_writes_beside_the_result(agent: ModuleType) -> None:
    result = {"answer": "12.5", "plan": [], "trajectory": []}
    path, text = agent.result_file_not_renamed(result)
    assert path == agent.b.OUTPUT + ".tmp"
    assert json.loads(text) == result

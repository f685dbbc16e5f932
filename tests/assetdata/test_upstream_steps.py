"""contracts.upstream.canonical_step: an upstream-style call written in a plan
(no service involved) reads as the canonical call the service would log."""

from __future__ import annotations

from contracts.upstream import canonical_step


def test_upstream_names_and_arguments_become_canonical() -> None:
    stats = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "sensor": "Chiller 6 Tonnage",
        "start": "2020-06-01",
        "end": "2020-06-02",
    }
    assert canonical_step("iot.sensor_stats", stats) == (
        "iot.history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 6",
            "start": "2020-06-01",
            "final": "2020-06-02",
            "sensors": ["Chiller 6 Tonnage"],
        },
    )
    history = {"site_name": "MAIN", "asset_id": "Chiller 6", "start": "2020-06-01",
               "end": "2020-06-02", "limit": 100, "cursor": "abc"}  # fmt: skip
    assert canonical_step("iot.history", history) == (
        "iot.history",
        {
            "site_name": "MAIN",
            "asset_id": "Chiller 6",
            "start": "2020-06-01",
            "final": "2020-06-02",
        },
    )
    assert canonical_step("iot.asset_ids", {"site_name": "MAIN"}) == (
        "iot.assets",
        {"site_name": "MAIN"},
    )
    assert canonical_step("fmsr.get_failure_modes", {"asset_class": "chiller"}) == (
        "fmsr.get_failure_modes",
        {"asset_name": "chiller"},
    )
    assert canonical_step(
        "wo.assign_technician",
        {"wonum": "WO1", "site_id": "MAIN", "labor_code": "JS", "craft": "x"},
    ) == ("wo.assign_workorder", {"wonum": "WO1", "site_id": "MAIN", "assignee": "JS"})
    assert canonical_step("wo.close_workorder", {"wonum": "WO1", "actual_hours": 2.0}) == (
        "wo.close_workorder",
        {"wonum": "WO1"},
    )


def test_canonical_calls_are_unchanged() -> None:
    args = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "start": "2020-06-01",
        "final": "2020-06-02",
    }
    assert canonical_step("iot.history", args) == ("iot.history", args)
    assert canonical_step("wo.list_workorders", {"site_id": "MAIN"}) == (
        "wo.list_workorders",
        {"site_id": "MAIN"},
    )

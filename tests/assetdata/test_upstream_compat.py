"""Issue 20: an agent written for AssetOpsBench's current MCP servers runs
here unchanged. The official ``mcp`` client calls every family's server on a
running service (evaluation mode, one run token per session) with the
upstream tool names and argument shapes, and the answers agree with the
canonical tools called on the same service; the tool log records the
canonical tool and canonical arguments (what the evaluator scores)."""

from __future__ import annotations

import asyncio
import json
import math
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

from contracts import upstream as U
from contracts.toollog import ToolCallRecord
from services.assetdata.app import create_app
from services.assetdata.plant import Plant

SITE, ASSET = "MAIN", "Chiller 6"
DAY = ("2020-06-01T00:00:00", "2020-06-02T00:00:00")
FOULING = "Condenser Water side fouling"
MAPPING = {
    "failure_modes": [FOULING],
    "sensors": ["Chiller 6 Liquid Refrigerant Condenser Temperature", "Chiller 6 Tonnage"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def service(plant: Plant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    runs = tmp_path_factory.mktemp("runs")
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(plant=plant, runs_dir=runs, timeout_delay=0.05),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url, runs
    srv.should_exit = True
    thread.join(timeout=10)


def _token(runs: Path, token: str) -> dict[str, str]:
    (runs / "plans" / f"{token}.json").write_text(json.dumps({"run_token": token}))
    return {"X-Run-Token": token}


def _log(runs: Path, token: str) -> list[ToolCallRecord]:
    path = runs / "logs" / f"{token}.jsonl"
    return [ToolCallRecord.model_validate_json(x) for x in path.read_text().splitlines()]


async def _calls(
    url: str, family: str, headers: dict[str, str], calls: list[tuple[str, dict[str, Any]]]
) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    """(tool name -> input schema) and the results of ``calls`` on one session."""
    async with (
        streamablehttp_client(f"{url}/mcp/{family}/", headers=headers) as (r, w, _),
        ClientSession(r, w) as session,
    ):
        await session.initialize()
        listed = {t.name: t.inputSchema for t in (await session.list_tools()).tools}
        results = [await session.call_tool(n, a) for n, a in calls]
    return listed, results


def _body(result: Any) -> dict[str, Any]:
    assert not result.isError, result.content[0].text
    return result.structuredContent


def test_iot_upstream_names_agree_with_canonical_tools(service: tuple[str, Path]) -> None:
    url, runs = service
    calls: list[tuple[str, dict[str, Any]]] = [
        # canonical
        ("assets", {"site_name": SITE}),
        ("sensors", {"site_name": SITE, "asset_id": ASSET}),
        ("get_asset", {"site_name": SITE, "asset_id": ASSET}),
        (
            "history",
            {
                "site_name": SITE,
                "asset_id": ASSET,
                "start": DAY[0],
                "final": DAY[1],
                "sensors": ["Tonnage"],
                "page_size": 500,
            },
        ),
        # upstream
        ("sites", {}),
        ("asset_ids", {"site_name": SITE}),
        ("assets", {"site_name": SITE, "assettype": "CHILLER"}),
        ("measured_sensors", {"site_name": SITE, "asset_id": ASSET}),
        ("installed_sensors", {"site_name": SITE, "asset_id": ASSET}),
        ("get_asset_detail", {"site_name": SITE, "asset_id": ASSET}),
        (
            "find_assets_by_sensors",
            {"site_name": SITE, "sensors": ["Chiller 6 Tonnage"], "match": "all"},
        ),
        (
            "sensor_stats",
            {
                "site_name": SITE,
                "asset_id": ASSET,
                "sensor": "Chiller 6 Tonnage",
                "start": DAY[0],
                "end": DAY[1],
            },
        ),
        (
            "stream_extent",
            {"site_name": SITE, "asset_id": ASSET, "sensor": "Chiller 6 Tonnage", "start": DAY[0]},
        ),
        ("latest_reading", {"site_name": SITE, "asset_id": ASSET, "sensor": "Chiller 6 Tonnage"}),
        ("sensor_coverage", {"site_name": SITE, "asset_id": ASSET}),
    ]
    headers = _token(runs, "up-iot")
    listed, results = asyncio.run(_calls(url, "iot", headers, calls))
    (assets, sensors, asset, hist, sites, ids, chillers, measured, installed, detail, found,
     stats, extent, latest, coverage) = (_body(r) for r in results)  # fmt: skip

    upstream_iot = {"sites", "asset_ids", "assets", "measured_sensors", "installed_sensors",
                    "get_asset_detail", "find_assets_by_sensors", "history", "stream_extent",
                    "sensor_coverage", "sensor_stats", "latest_reading"}  # fmt: skip
    assert upstream_iot <= set(listed)
    # the upstream argument names are in the schemas the client sees
    assert {"end", "limit", "cursor"} <= set(listed["history"]["properties"])
    assert "start" not in listed["history"].get("required", [])
    assert "assettype" in listed["assets"]["properties"]

    assert sites["sites"] == ["ANNEX", "MAIN"] or set(sites["sites"]) >= {"MAIN"}
    assert ids["assets"] == sorted(a["asset_id"] for a in assets["assets"])
    assert {a["asset_id"] for a in chillers["assets"]} == {
        a["asset_id"] for a in assets["assets"] if a["asset_type"] == "chiller"
    }
    names = [s["name"] for s in sensors["sensors"]]
    assert installed["sensors"] == names and measured["sensors"] == sorted(names)
    assert detail["equipment_id"] == asset["equipment_id"] == "CWC04006"
    assert detail["assettype"] == "chiller" and detail["n_installed_sensors"] == len(names)
    assert found["assets"] == [{"asset_id": ASSET, "matched_sensors": ["Chiller 6 Tonnage"]}]

    values = [row["Chiller 6 Tonnage"] for row in hist["observations"]]
    numbers = [v for v in values if v is not None]
    [stat] = stats["stats"]
    assert stat["count"] == len(numbers) and stat["null_count"] == len(values) - len(numbers)
    assert stat["max"] == pytest.approx(max(numbers)) and stat["min"] == pytest.approx(min(numbers))
    assert stat["mean"] == pytest.approx(sum(numbers) / len(numbers), abs=1e-3)
    mean = sum(numbers) / len(numbers)
    std = math.sqrt(sum((x - mean) ** 2 for x in numbers) / len(numbers))
    assert stat["stddev"] == pytest.approx(std, abs=1e-3)
    assert stat["first_timestamp"] == hist["observations"][0]["timestamp"]
    # stream_extent of a start without end: to the last reading (upstream semantics)
    assert extent["start_time"] == hist["observations"][0]["timestamp"]
    assert extent["end_time"] == latest["timestamp"] < asset["telemetry_end"]
    assert extent["total_records"] > 96 and extent["exceeds_page_limit"] is True
    assert latest["values"]["Chiller 6 Tonnage"] is not None
    cov = {c["sensor"]: c for c in coverage["sensors"]}
    assert set(cov) == set(names) and cov["Chiller 6 Tonnage"]["non_null_count"] > 30000

    log = _log(runs, "up-iot")
    assert len(log) == len(calls)
    upstream_log = log[4:]
    # the log records the canonical tool of every upstream call ...
    assert [r.tool for r in upstream_log] == [
        "iot.sites",
        "iot.assets",
        "iot.assets",
        "iot.sensors",
        "iot.sensors",
        "iot.get_asset",
        "iot.assets",
        "iot.history",
        "iot.history",
        "iot.history",
        "iot.history",
    ]
    # ... with canonical arguments only
    assert upstream_log[2].arguments == {"site_name": SITE, "asset_type": "chiller"}
    stats_args = upstream_log[7].arguments
    assert stats_args["start"] == DAY[0] and stats_args["final"] == DAY[1]
    assert stats_args["sensors"] == ["Chiller 6 Tonnage"] and "end" not in stats_args
    assert upstream_log[9].arguments["start"] == "2020-06-30T23:45:00"
    assert all(r.status == "ok" for r in log)


def test_history_upstream_paging_reads_the_same_rows(service: tuple[str, Path]) -> None:
    url, runs = service
    base = {"site_name": SITE, "asset_id": ASSET, "sensors": ["Chiller 6 Tonnage"]}
    canonical = {**base, "start": DAY[0], "final": DAY[1], "page_size": 500}
    upstream = {**base, "start": DAY[0], "end": DAY[1], "limit": 40}
    headers = _token(runs, "up-hist")

    async def pages() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with (
            streamablehttp_client(f"{url}/mcp/iot/", headers=headers) as (r, w, _),
            ClientSession(r, w) as session,
        ):
            await session.initialize()
            whole = _body(await session.call_tool("history", canonical))
            out = []
            args: dict[str, Any] = dict(upstream)
            while True:
                page = _body(await session.call_tool("history", args))
                out.append(page)
                if not page["has_more"]:
                    return whole, out
                args = {**upstream, "cursor": page["next_cursor"]}

    whole, paged = asyncio.run(pages())
    rows = [row for p in paged for row in p["observations"]]
    assert len(paged) == math.ceil(whole["total_observations"] / 40) == 3
    assert rows == whole["observations"]
    assert [p["returned"] for p in paged] == [40, 40, whole["total_observations"] - 80]
    assert whole["has_more"] is False and whole["next_cursor"] is None
    log = _log(runs, "up-hist")
    assert [r.tool for r in log] == ["iot.history"] * 4
    assert [r.arguments.get("page") for r in log[1:]] == [1, 2, 3]
    assert all(
        r.arguments["final"] == DAY[1] and "end" not in r.arguments and "cursor" not in r.arguments
        for r in log
    )

    # no bounds: the stream from its first reading, 92 days per call, has_more across them
    _, (first, bad, both) = asyncio.run(
        _calls(
            url,
            "iot",
            headers,
            [
                ("history", {**base, "limit": 5}),
                ("history", {**base, "limit": 5, "cursor": "not-a-cursor"}),
                ("history", {**base, "start": DAY[0], "end": DAY[1], "final": DAY[1]}),
            ],
        )
    )
    first_page = _body(first)
    assert first_page["observations"][0]["timestamp"] == "2019-07-01T00:00:00"
    assert first_page["returned"] == 5 and first_page["has_more"] is True
    assert bad.isError and json.loads(bad.content[0].text)["code"] == "invalid_cursor"
    assert both.isError and json.loads(both.content[0].text)["code"] == "invalid_arguments"


def test_fmsr_utilities_tsfm_upstream_shapes(service: tuple[str, Path]) -> None:
    url, runs = service
    headers = _token(runs, "up-misc")
    _, (canon_fm, up_fm, canon_map, up_map) = asyncio.run(
        _calls(
            url,
            "fmsr",
            headers,
            [
                ("get_failure_modes", {"asset_name": "chiller"}),
                ("get_failure_modes", {"asset_class": "chiller"}),
                ("get_failure_mode_sensor_mapping", {"asset_name": ASSET, **MAPPING}),
                ("generate_failure_mode_sensor_mapping", {"asset_class": ASSET, **MAPPING}),
            ],
        )
    )
    fm, ufm = _body(canon_fm), _body(up_fm)
    assert ufm["failure_modes"] == fm["failure_modes"] and ufm["exhaustive"] is True
    assert ufm["asset_class"] == "chiller"
    cm, um = _body(canon_map), _body(up_map)
    assert um["pairs"] == cm["pairs"]
    assert "Chiller 6 Liquid Refrigerant Condenser Temperature" in um["fm2sensor"][FOULING]
    assert um["fm2sensor"][FOULING] == [
        p["sensor"] for p in cm["pairs"] if p["level"] in ("high", "medium")
    ]
    _, (now, english) = asyncio.run(
        _calls(url, "utilities", headers, [("current_date_time", {}), ("current_time_english", {})])
    )
    assert _body(english)["iso"] == _body(now)["current_date_time"]
    assert _body(english)["english"] == _body(now)["current_date_time"].replace("T", " ")

    _, (hist,) = asyncio.run(
        _calls(
            url,
            "iot",
            headers,
            [
                (
                    "history",
                    {
                        "site_name": SITE,
                        "asset_id": ASSET,
                        "start": "2020-05-01",
                        "end": "2020-05-08",
                        "sensors": ["Tonnage"],
                    },
                )
            ],  # noqa: E501
        )
    )
    ds = _body(hist)["dataset_id"]
    target = {"target_columns": ["Chiller 6 Tonnage"]}
    _, (canon_ad, up_ad) = asyncio.run(
        _calls(
            url,
            "tsfm",
            headers,
            [
                ("run_tsad", {"dataset_id": ds, **target}),
                ("run_tsad", {"dataset_path": ds, **target}),
            ],
        )
    )
    assert _body(up_ad)["results"] == _body(canon_ad)["results"]
    log = _log(runs, "up-misc")
    assert [r.tool for r in log] == [
        "fmsr.get_failure_modes",
        "fmsr.get_failure_modes",
        "fmsr.get_failure_mode_sensor_mapping",
        "fmsr.get_failure_mode_sensor_mapping",
        "utilities.current_date_time",
        "utilities.current_date_time",
        "iot.history",
        "tsfm.run_tsad",
        "tsfm.run_tsad",
    ]
    assert log[1].arguments == {"asset_name": "chiller"}
    assert log[3].arguments["asset_name"] == ASSET and "asset_class" not in log[3].arguments
    assert log[8].arguments == log[7].arguments


def test_wo_upstream_writes_and_reads(service: tuple[str, Path]) -> None:
    url, runs = service
    headers = _token(runs, "up-wo")
    _, results = asyncio.run(
        _calls(
            url,
            "wo",
            headers,
            [
                (
                    "generate_work_order",  # upstream arguments; priority defaults to 3
                    {
                        "description": "Condenser fouling suspected",
                        "asset_num": "CWC04006",
                        "site_id": SITE,
                        "work_type": "CM",
                        "reported_by": "agent",
                        "notes": "from an upstream agent",
                    },
                ),
                (
                    "assign_technician",
                    {
                        "wonum": "WO900001",
                        "site_id": SITE,
                        "labor_code": "JSMITH",
                        "hours_planned": 4.0,
                    },
                ),  # noqa: E501
                ("approve_workorder", {"wonum": "WO900001", "site_id": SITE}),
                ("get_workorder", {"wonum": "WO900001", "site_id": SITE}),
                (
                    "close_workorder",
                    {
                        "wonum": "WO900001",
                        "site_id": SITE,
                        "actual_hours": 2.5,
                        "resolution_notes": "cleaned",
                    },
                ),  # noqa: E501
                ("list_workorders", {"site_id": SITE, "asset_num": "CWC04006", "page_size": 5}),
            ],
        )
    )
    created, assigned, approved, got, closed, listed = (_body(r) for r in results)
    assert created["wonum"] == "WO900001" and created["work_order"]["priority"] == 3
    assert sorted(created["ignored_arguments"]) == ["notes", "reported_by"]
    assert assigned["work_order"]["assignee"] == "JSMITH"
    assert assigned["ignored_arguments"] == ["hours_planned"]
    assert approved["status"] == "APPR" and got["status"] == "APPR"
    assert closed["status"] == "CLOSE" and closed["ignored_arguments"] == ["actual_hours"]
    assert listed["total"] > 0
    log = _log(runs, "up-wo")
    assert [r.tool for r in log] == [
        "wo.create_workorder",
        "wo.assign_workorder",
        "wo.approve_workorder",
        "wo.get_workorder",
        "wo.close_workorder",
        "wo.list_workorders",
    ]
    assert log[0].arguments == {
        "description": "Condenser fouling suspected",
        "asset_num": "CWC04006",
        "site_id": SITE,
        "work_type": "CM",
        "priority": 3,
    }
    assert log[1].arguments == {"wonum": "WO900001", "assignee": "JSMITH", "site_id": SITE}
    assert "actual_hours" not in log[4].arguments
    assert log[0].written is not None and log[0].written["priority"] == 3
    # an upstream REST call goes through the same translation
    rest = httpx.post(
        f"{url}/iot/sensor_stats",
        json={
            "site_name": SITE,
            "asset_id": ASSET,
            "sensor": "Tonnage",
            "start": DAY[0],
            "end": DAY[1],
        },  # noqa: E501
        headers=headers,
    )
    assert rest.status_code == 200 and rest.json()["stats"][0]["sensor"] == "Chiller 6 Tonnage"
    assert _log(runs, "up-wo")[-1].tool == "iot.history"


def test_conformance_table_covers_every_translated_tool() -> None:
    documented = " ".join(c.tool for c in U.conformance())
    for alias in U.UPSTREAM_TOOLS:
        assert alias.split(".", 1)[1] in documented, alias
    ours = {c.ours for c in U.conformance()}
    for tool in U.UPSTREAM_ARGUMENTS:
        assert tool in ours or f"{tool.split('.')[0]}.*" in ours, tool


def test_faults_on_the_canonical_tool_reach_upstream_names(service: tuple[str, Path]) -> None:
    """A fault plan names canonical tools; an upstream call of that tool meets it."""
    url, runs = service
    (runs / "plans" / "up-fault.json").write_text(
        json.dumps(
            {
                "run_token": "up-fault",
                "faults": [
                    {"tool": "iot.history", "kind": "error", "first_n": 1},
                    {"tool": "iot.sensors", "kind": "empty", "first_n": 1},
                ],
            }
        )
    )
    headers = {"X-Run-Token": "up-fault"}
    stats_args = {"site_name": SITE, "asset_id": ASSET, "start": DAY[0], "end": DAY[1]}
    names_args = {"site_name": SITE, "asset_id": ASSET}
    _, (failed, retried, empty, full) = asyncio.run(
        _calls(
            url,
            "iot",
            headers,
            [
                ("sensor_stats", stats_args),
                ("sensor_stats", stats_args),
                ("installed_sensors", names_args),
                ("installed_sensors", names_args),
            ],
        )
    )
    assert failed.isError and json.loads(failed.content[0].text)["code"] == "tool_unavailable"
    assert len(_body(retried)["stats"]) == 16
    assert _body(empty)["sensors"] == [] and _body(empty)["total_sensors"] == 0
    assert len(_body(full)["sensors"]) == 16
    log = _log(runs, "up-fault")
    assert [(r.tool, r.status, r.injected_fault) for r in log] == [
        ("iot.history", "error", "error"),
        ("iot.history", "ok", None),
        ("iot.sensors", "empty", "empty"),
        ("iot.sensors", "ok", None),
    ]

"""A real MCP client (official ``mcp`` package, streamable HTTP) lists and
calls tools on the running service, in open and evaluation mode."""

import asyncio
import json
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

from contracts.toollog import ToolCallRecord
from services.assetdata.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(plant, tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    urls = {}
    servers = []
    for mode, runs_dir in (("open", None), ("eval", runs)):
        port = _free_port()
        cfg = uvicorn.Config(
            create_app(plant=plant, runs_dir=runs_dir, timeout_delay=0.1),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
        srv = uvicorn.Server(cfg)
        threading.Thread(target=srv.run, daemon=True).start()
        servers.append(srv)
        urls[mode] = f"http://127.0.0.1:{port}"
    for url in urls.values():
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
    yield urls, runs
    for srv in servers:
        srv.should_exit = True


async def _session_calls(url: str, headers: dict | None, calls: list[tuple[str, dict]]):
    async with (
        streamablehttp_client(url, headers=headers) as (r, w, _),
        ClientSession(r, w) as s,
    ):
        await s.initialize()
        tools = [t.name for t in (await s.list_tools()).tools]
        results = [await s.call_tool(n, a) for n, a in calls]
        return tools, results


def test_mcp_lists_and_calls(server):
    urls, _ = server
    tools, (ok, bad) = asyncio.run(
        _session_calls(
            f"{urls['open']}/mcp/iot/",
            None,
            [
                (
                    "history",
                    {
                        "site_name": "MAIN",
                        "asset_id": "Chiller 6",
                        "start": "2020-06-01T00:00:00",
                        "final": "2020-06-01T01:00:00",
                        "sensors": ["Tonnage"],
                    },
                ),
                ("sensors", {"site_name": "MAIN", "asset_id": "Chiller 99"}),
            ],
        )
    )
    assert {"sites", "assets", "sensors", "get_asset", "history"} <= set(tools)
    assert not ok.isError and ok.structuredContent["total_observations"] == 4
    assert bad.isError
    problem = json.loads(bad.content[0].text)
    assert problem["code"] == "unknown_asset" and "Chiller 6" in problem["details"]["valid"]

    tools, (mapping,) = asyncio.run(
        _session_calls(
            f"{urls['open']}/mcp/fmsr/",
            None,
            [
                (
                    "generate_failure_mode_sensor_mapping",  # upstream name
                    {"asset_name": "Chiller 6", "failure_modes": ["Condenser Water side fouling"]},
                )
            ],
        )
    )
    assert "get_failure_modes" in tools
    fm_to = mapping.structuredContent["fm_to_sensors"]["Condenser Water side fouling"]
    assert fm_to[0]["sensor"] == "Chiller 6 Liquid Refrigerant Condenser Temperature"


def test_mcp_eval_mode_token_faults_and_log(server):
    urls, runs = server
    with pytest.raises(Exception):  # noqa: B017 - the client raises on HTTP 401
        asyncio.run(_session_calls(f"{urls['eval']}/mcp/wo/", None, []))
    (runs / "plans" / "m1.json").write_text(
        json.dumps({"run_token": "m1", "faults": [{"tool": "wo.list_workorders", "kind": "error"}]})
    )
    _, (first, second) = asyncio.run(
        _session_calls(
            f"{urls['eval']}/mcp/wo/",
            {"X-Run-Token": "m1"},
            [
                ("list_workorders", {"asset_num": "CWC04009"}),
                ("list_workorders", {"asset_num": "CWC04009"}),
            ],
        )
    )
    assert first.isError and json.loads(first.content[0].text)["code"] == "tool_unavailable"
    assert not second.isError and second.structuredContent["total"] > 0
    log = [
        ToolCallRecord.model_validate_json(x)
        for x in (runs / "logs" / "m1.jsonl").read_text().splitlines()
    ]
    assert [(r.tool, r.status) for r in log] == [
        ("wo.list_workorders", "error"),
        ("wo.list_workorders", "ok"),
    ]

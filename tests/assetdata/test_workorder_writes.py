"""Work-order write tools (issue 17) through the real app: per-run isolated
state (other tokens and token-less calls never see a run's writes, the plant
never changes), read-your-writes in every WO read tool, the state machine and
validation errors with stable codes, the per-run caps, what the tool log
records (``written``, entities) and faults on write tools."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from contracts.toollog import ToolCallRecord
from services.assetdata.app import create_app
from services.assetdata.plant import Plant
from services.assetdata.workorder_writes import WriteStore

NEW = {
    "asset_num": "CWC04009",
    "priority": 2,
    "work_type": "CM",
    "failure_code": "mt003",
    "description": "Inspect condenser: approach rising",
}


def _plan(runs: Path, token: str, faults=()) -> dict:
    (runs / "plans").mkdir(parents=True, exist_ok=True)
    body = {"run_token": token, "faults": list(faults)}
    (runs / "plans" / f"{token}.json").write_text(json.dumps(body))
    return {"X-Run-Token": token}


def _log(runs: Path, token: str) -> list[ToolCallRecord]:
    lines = (runs / "logs" / f"{token}.jsonl").read_text().splitlines()
    return [ToolCallRecord.model_validate_json(x) for x in lines]


def _first(plant: Plant, status: str) -> dict:
    return next(w for w in plant.workorders if w["status"] == status)


@pytest.fixture()
def evalc(plant: Plant, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    app = create_app(plant=plant, runs_dir=tmp_path, timeout_delay=0.05)
    with TestClient(app) as c:
        yield c, tmp_path


def test_create_and_read_your_writes(evalc: tuple[TestClient, Path], plant: Plant) -> None:
    c, runs = evalc
    a, b = _plan(runs, "run-a"), _plan(runs, "run-b")
    before = c.post("/wo/list_workorders", json={"asset_num": "CWC04009"}, headers=a).json()
    r = c.post("/wo/create_workorder", json=NEW, headers=a)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["wonum"] == "WO900001" and body["status"] == "WAPPR"
    w = body["work_order"]
    assert (w["asset_num"], w["asset_name"], w["site_id"]) == ("CWC04009", "Chiller 9", "MAIN")
    assert (w["priority"], w["failure_code"], w["work_type"]) == (2, "MT003", "CM")
    assert w["reported_date"] == "2020-07-01T00:00:00" and w["assignee"] is None
    assert "WO900001" not in plant.workorder_by_num  # the shared plant is untouched
    second = c.post("/wo/generate_work_order", json={**NEW, "priority": 3}, headers=a).json()
    assert second["wonum"] == "WO900002"  # upstream name, numbers count up per run

    # every WO read of the same run sees the writes
    got = c.post("/wo/get_workorder", json={"wonum": "wo900001"}, headers=a).json()
    assert got["wonum"] == "WO900001" and got["description"] == NEW["description"]
    after = c.post("/wo/list_workorders", json={"asset_num": "CWC04009"}, headers=a).json()
    assert after["total"] == before["total"] + 2
    mine = c.post(
        "/wo/list_workorders", json={"asset_num": "Chiller 9", "status": "WAPPR"}, headers=a
    ).json()
    assert {"WO900001", "WO900002"} <= {x["wonum"] for x in mine["workorders"]}
    ev = c.post(
        "/wo/list_events",
        json={"equipment_id": "CWC04009", "event_type": "workorder", "date_from": "2020-07-01"},
        headers=a,
    ).json()
    assert [e["wonum"] for e in ev["events"]] == ["WO900001", "WO900002"]
    kpis = {"site_id": "MAIN", "asset_num": "CWC04009"}
    k_a = c.post("/wo/get_workorder_kpis", json=kpis, headers=a).json()
    k_b = c.post("/wo/get_workorder_kpis", json=kpis, headers=b).json()
    assert k_a["total"] == k_b["total"] + 2 and k_a["backlog"] == k_b["backlog"] + 2
    dist = {"asset_num": "CWC04009"}
    d_a = c.post("/wo/get_failure_code_distribution", json=dist, headers=a).json()
    d_b = c.post("/wo/get_failure_code_distribution", json=dist, headers=b).json()
    assert d_a["total"] == d_b["total"] + 2

    # another run sees none of it, and numbers its own orders from WO900001
    miss = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=b)
    assert miss.status_code == 404 and miss.json()["code"] == "unknown_workorder"
    other = c.post("/wo/list_workorders", json={"asset_num": "CWC04009"}, headers=b).json()
    assert other["total"] == before["total"]
    own = c.post("/wo/create_workorder", json={**NEW, "description": "B's"}, headers=b).json()
    assert own["wonum"] == "WO900001" and own["work_order"]["description"] == "B's"
    again = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=a).json()
    assert again["description"] == NEW["description"]
    # no token in evaluation mode: no access at all
    assert c.post("/wo/get_workorder", json={"wonum": "WO900001"}).status_code == 401


def test_open_mode_isolation(plant: Plant) -> None:
    with TestClient(create_app(plant=plant)) as c:
        t1, t2 = {"X-Run-Token": "dev-1"}, {"X-Run-Token": "dev-2"}
        assert c.post("/wo/create_workorder", json=NEW, headers=t1).json()["wonum"] == "WO900001"
        for headers in ({}, t2):
            r = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=headers)
            assert r.status_code == 404
        plain = c.post("/wo/create_workorder", json={**NEW, "description": "no token"}).json()
        assert plain["wonum"] == "WO900001"
        seen = c.post("/wo/get_workorder", json={"wonum": "WO900001"}).json()
        assert seen["description"] == "no token"
        theirs = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=t1).json()
        assert theirs["description"] == NEW["description"]


def test_plant_orders_change_only_in_the_run(evalc: tuple[TestClient, Path], plant: Plant) -> None:
    c, runs = evalc
    a, b = _plan(runs, "upd-a"), _plan(runs, "upd-b")
    target = _first(plant, "WAPPR")
    original = dict(target)
    wonum = target["wonum"]
    new_priority = 1 if target["priority"] != 1 else 2
    r = c.post(
        "/wo/update_workorder",
        json={"wonum": wonum, "priority": new_priority, "failure_code": "MT001"},
        headers=a,
    )
    assert r.status_code == 200 and r.json()["work_order"]["priority"] == new_priority
    assert c.post("/wo/get_workorder", json={"wonum": wonum}, headers=a).json()["priority"] == (
        new_priority
    )
    assert c.post("/wo/get_workorder", json={"wonum": wonum}, headers=b).json() == original
    assert plant.workorder_by_num[wonum] == original
    listed = c.post(
        "/wo/list_workorders", json={"asset_num": target["asset_num"], "page_size": 500}, headers=a
    ).json()
    assert sum(1 for w in listed["workorders"] if w["wonum"] == wonum) == 1  # replaced, not added
    ev = c.post(
        "/wo/list_events",
        json={
            "equipment_id": target["asset_num"],
            "event_type": "workorder",
            "date_from": target["reported_date"],
        },
        headers=a,
    ).json()
    assert [e["priority"] for e in ev["events"] if e["wonum"] == wonum] == [new_priority]
    rec = _log(runs, "upd-a")[0]
    assert rec.written is not None and rec.written["created_in_run"] is False
    assert rec.written["previous_status"] == "WAPPR"
    assert rec.written["changed"] == ["priority", "failure_code"]


def _call(c: TestClient, tool: str, body: dict, h: dict) -> tuple[int, dict]:
    r = c.post(f"/wo/{tool}", json=body, headers=h)
    return r.status_code, r.json()


def test_state_machine(evalc: tuple[TestClient, Path], plant: Plant) -> None:
    c, runs = evalc
    h = _plan(runs, "sm")
    won = _call(c, "create_workorder", NEW, h)[1]["wonum"]
    w = {"wonum": won}

    def status(code_expected: int, tool: str, body: dict) -> str:
        code, out = _call(c, tool, body, h)
        assert code == code_expected, (tool, out)
        return out["status"] if code == 200 else out["code"]

    assert status(409, "close_workorder", w) == "invalid_transition"  # not approved yet
    assert status(200, "assign_workorder", {**w, "assignee": "Crew B"}) == "WAPPR"
    assert status(200, "approve_workorder", w) == "APPR"
    assert status(409, "approve_workorder", w) == "invalid_transition"
    assert status(200, "update_workorder", {**w, "description": "now urgent"}) == "APPR"
    assert status(200, "close_workorder", {**w, "resolution_notes": "cleaned tubes"}) == "CLOSE"
    for tool, body in (
        ("close_workorder", w),
        ("cancel_workorder", w),
        ("approve_workorder", w),
        ("update_workorder", {**w, "priority": 1}),
        ("assign_workorder", {**w, "assignee": "x"}),
    ):
        code, out = _call(c, tool, body, h)
        assert code == 409 and out["code"] == "invalid_transition", tool
        assert out["details"]["status"] == "CLOSE" and out["details"]["wonum"] == won
    got = c.post("/wo/get_workorder", json=w, headers=h).json()
    assert (got["status"], got["assignee"], got["description"]) == (
        "CLOSE",
        "Crew B",
        "now urgent",
    )
    assert got["resolution_notes"] == "cleaned tubes"

    second = _call(c, "create_workorder", NEW, h)[1]["wonum"]
    assert status(200, "cancel_workorder", {"wonum": second, "reason": "duplicate"}) == "CAN"
    for tool in ("close_workorder", "approve_workorder", "cancel_workorder"):
        assert status(409, tool, {"wonum": second}) == "invalid_transition"
    # plant orders follow the same rules
    assert status(409, "approve_workorder", {"wonum": _first(plant, "CLOSE")["wonum"]})
    assert status(409, "cancel_workorder", {"wonum": _first(plant, "COMP")["wonum"]})
    assert status(200, "close_workorder", {"wonum": _first(plant, "COMP")["wonum"]}) == "CLOSE"
    assert status(200, "cancel_workorder", {"wonum": _first(plant, "INPRG")["wonum"]}) == "CAN"
    log = _log(runs, "sm")
    assert [r.written["status"] for r in log if r.written] == [
        "WAPPR",
        "WAPPR",
        "APPR",
        "APPR",
        "CLOSE",
        "WAPPR",
        "CAN",
        "CLOSE",
        "CAN",
    ]
    assert all(r.written is None for r in log if r.status == "error")


@pytest.mark.parametrize(
    "tool, body, status, code",
    [
        ("create_workorder", {**NEW, "asset_num": "CWC0999"}, 404, "unknown_asset"),
        ("create_workorder", {**NEW, "priority": 0}, 422, "invalid_priority"),
        ("create_workorder", {**NEW, "priority": 6}, 422, "invalid_priority"),
        ("create_workorder", {**NEW, "priority": "2"}, 422, "invalid_arguments"),
        ("create_workorder", {**NEW, "failure_code": "MT999"}, 404, "unknown_failure_code"),
        ("create_workorder", {**NEW, "work_type": "EM"}, 422, "invalid_arguments"),
        ("create_workorder", {**NEW, "description": "  "}, 422, "invalid_description"),
        ("create_workorder", {**NEW, "description": "d" * 501}, 422, "invalid_description"),
        (
            "create_workorder",
            {k: v for k, v in NEW.items() if k != "asset_num"},
            422,
            "missing_asset",
        ),
        ("create_workorder", {**NEW, "asset_name": "Chiller 6"}, 422, "asset_mismatch"),
        ("create_workorder", {**NEW, "site_id": "ANNEX"}, 404, "unknown_asset"),
        ("create_workorder", {**NEW, "unknown": 1}, 422, "invalid_arguments"),
        ("update_workorder", {"wonum": "WO999999", "priority": 1}, 404, "unknown_workorder"),
        ("update_workorder", {"wonum": "WO900001"}, 422, "no_changes"),
        ("update_workorder", {"wonum": "WO900001", "priority": 9}, 422, "invalid_priority"),
        (
            "update_workorder",
            {"wonum": "WO900001", "failure_code": "X"},
            404,
            "unknown_failure_code",
        ),
        ("assign_workorder", {"wonum": "WO900001", "assignee": ""}, 422, "invalid_assignee"),
        ("approve_workorder", {"wonum": "WO900001", "site_id": "ANNEX"}, 404, "unknown_workorder"),
        ("approve_workorder", {"wonum": "WO900001", "site_id": "NOPE"}, 404, "unknown_site"),
        ("cancel_workorder", {"wonum": "WO900001", "reason": ""}, 422, "invalid_reason"),
    ],
)
def test_validation(
    evalc: tuple[TestClient, Path], tool: str, body: dict, status: int, code: str
) -> None:
    c, runs = evalc
    h = _plan(runs, "val")
    assert _call(c, "create_workorder", NEW, h)[0] == 200
    got_status, out = _call(c, tool, body, h)
    assert (got_status, out["code"]) == (status, code), out
    rec = _log(runs, "val")[-1]
    assert (rec.status, rec.error_code, rec.written) == ("error", code, None)
    # nothing changed
    w = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=h).json()
    assert (w["status"], w["priority"], w["failure_code"]) == ("WAPPR", 2, "MT003")


def test_aliases_and_names_accepted(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    h = _plan(runs, "names")
    by_alias = {**NEW, "asset_num": None, "asset_name": "CH-9", "site_id": "MAIN"}
    out = _call(c, "create_workorder", by_alias, h)[1]
    assert out["work_order"]["asset_num"] == "CWC04009"
    both = {**NEW, "asset_name": "Chiller 9"}
    assert _call(c, "create_workorder", both, h)[1]["work_order"]["asset_name"] == "Chiller 9"
    assert _call(c, "generate_work_order", NEW, h)[0] == 200
    log = _log(runs, "names")
    assert [r.tool for r in log] == ["wo.create_workorder"] * 3  # the alias is logged canonical


def test_log_records_written_and_entities(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    h = _plan(runs, "log")
    _call(c, "create_workorder", NEW, h)
    _call(c, "assign_workorder", {"wonum": "WO900001", "assignee": "T. Nguyen"}, h)
    create, assign = _log(runs, "log")
    assert create.tool == "wo.create_workorder" and create.family == "wo"
    assert create.status == "ok" and create.result_count == 1
    assert create.arguments == NEW
    assert create.written == {
        "action": "create",
        "wonum": "WO900001",
        "site_id": "MAIN",
        "equipment_id": "CWC04009",
        "asset_name": "Chiller 9",
        "status": "WAPPR",
        "previous_status": None,
        "priority": 2,
        "failure_code": "MT003",
        "work_type": "CM",
        "assignee": None,
        "description": NEW["description"],
        "created_in_run": True,
        "changed": [],
    }
    assert {"WO900001", "CWC04009", "Chiller 9", "MT003"} <= set(create.entities)
    assert NEW["description"] not in create.entities  # free text is not an entity
    assert assign.written is not None
    assert (assign.written["assignee"], assign.written["changed"]) == ("T. Nguyen", ["assignee"])
    # a long description is capped in the log, and in written
    _call(c, "update_workorder", {"wonum": "WO900001", "description": "z" * 400}, h)
    upd = _log(runs, "log")[-1]
    assert upd.written is not None and len(upd.written["description"]) == 200
    assert upd.arguments["description"] == "z" * 400  # within the argument cap (500)


def test_caps(plant: Plant, tmp_path: Path) -> None:
    app = create_app(plant=plant, runs_dir=tmp_path)
    app.state.wo_writes = WriteStore(max_runs=2, max_writes=3)
    with TestClient(app) as c:
        h = _plan(tmp_path, "cap")
        assert _call(c, "create_workorder", NEW, h)[0] == 200
        assert _call(c, "approve_workorder", {"wonum": "WO900001"}, h)[0] == 200
        assert _call(c, "create_workorder", NEW, h)[0] == 200
        code, out = _call(c, "create_workorder", NEW, h)
        assert (code, out["code"]) == (429, "write_limit_exceeded")
        code, out = _call(c, "close_workorder", {"wonum": "WO900001"}, h)
        assert code == 429  # every write counts, whatever the tool
        assert c.post("/wo/get_workorder", json={"wonum": "WO900002"}, headers=h).status_code == 200
        codes = [r.error_code for r in _log(tmp_path, "cap")]
        assert codes == [None, None, None, "write_limit_exceeded", "write_limit_exceeded", None]
        # at most max_runs overlays are kept: the least recently used is dropped
        for token in ("cap-2", "cap-3"):
            assert _call(c, "create_workorder", NEW, _plan(tmp_path, token))[0] == 200
        assert len(app.state.wo_writes) == 2
        gone = c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=h)
        assert gone.status_code == 404


def test_faults_on_write_tools(evalc: tuple[TestClient, Path]) -> None:
    c, runs = evalc
    faults = [
        {"tool": "wo.create_workorder", "kind": "error", "first_n": 1},
        {"tool": "wo.generate_work_order", "kind": "timeout", "first_n": 2},  # alias: same tool
        {"tool": "wo.approve_workorder", "kind": "empty"},
        {"tool": "wo.assign_workorder", "kind": "warning", "message": "queue slow"},
    ]
    h = _plan(runs, "flt", faults)
    assert _call(c, "create_workorder", NEW, h)[0] == 503
    assert _call(c, "create_workorder", NEW, h)[0] == 504  # call 2 of the tool: timeout (n<=2)
    ok = _call(c, "create_workorder", NEW, h)
    assert ok[0] == 200 and ok[1]["wonum"] == "WO900001"  # faulted calls wrote nothing
    code, empty = _call(c, "approve_workorder", {"wonum": "WO900001"}, h)
    assert code == 200 and empty["work_order"] == {}
    assert c.post("/wo/get_workorder", json={"wonum": "WO900001"}, headers=h).json()["status"] == (
        "APPR"
    )  # the write happened; the agent was not shown it
    code, warned = _call(c, "assign_workorder", {"wonum": "WO900001", "assignee": "A"}, h)
    assert code == 200 and warned["warning"] == "queue slow" and warned["work_order"]["assignee"]
    log = [r for r in _log(runs, "flt") if r.tool != "wo.get_workorder"]
    assert [(r.status, r.injected_fault) for r in log] == [
        ("error", "error"),
        ("timeout", "timeout"),
        ("ok", None),
        ("empty", "empty"),
        ("warning", "warning"),
    ]
    assert [r.written is not None for r in log] == [False, False, True, True, True]
    assert log[3].written is not None and log[3].written["status"] == "APPR"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mcp_exposes_writes_and_ask(plant: Plant, tmp_path: Path) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    port = _free_port()
    cfg = uvicorn.Config(
        create_app(plant=plant, runs_dir=tmp_path), host="127.0.0.1", port=port, log_level="error"
    )
    srv = uvicorn.Server(cfg)
    threading.Thread(target=srv.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    h = _plan(tmp_path, "mcp")
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)

        async def session(family: str, calls: list[tuple[str, dict]]):
            async with (
                streamablehttp_client(f"{url}/mcp/{family}/", headers=h) as (r, w, _),
                ClientSession(r, w) as s,
            ):
                await s.initialize()
                names = {t.name for t in (await s.list_tools()).tools}
                return names, [await s.call_tool(n, a) for n, a in calls]

        names, (created,) = asyncio.run(session("wo", [("create_workorder", NEW)]))
        assert {"create_workorder", "update_workorder", "assign_workorder"} <= names
        assert {"approve_workorder", "close_workorder", "cancel_workorder"} <= names
        assert {"generate_work_order", "get_failure_codes"} <= names
        assert not created.isError
        assert json.loads(created.content[0].text)["wonum"] == "WO900001"
        names, (asked,) = asyncio.run(
            session("utilities", [("ask_operator", {"question": "which one?"})])
        )
        assert "ask_operator" in names and not asked.isError
        # REST in the same run sees the MCP write
        got = httpx.post(f"{url}/wo/get_workorder", json={"wonum": "WO900001"}, headers=h)
        assert got.status_code == 200 and got.json()["asset_num"] == "CWC04009"
        log = _log(tmp_path, "mcp")
        assert [r.tool for r in log] == [
            "wo.create_workorder",
            "utilities.ask_operator",
            "wo.get_workorder",
        ]
        assert log[0].written is not None and log[1].clarification == "unneeded"
    finally:
        srv.should_exit = True

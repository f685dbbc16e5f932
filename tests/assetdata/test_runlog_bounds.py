"""What one run can make the asset-data service hold (issue 14, part 3):
request bodies are bounded before they are read (Content-Length, then a
streamed count for chunked bodies), one call's arguments are never stored
whole, and a run's tool log stops at its entry and byte bounds with a limit
line that fails the run. The body tests run the real app under uvicorn on
127.0.0.1 and speak raw HTTP, so nothing in between buffers the body."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from contracts.toollog import ToolCallRecord
from services.assetdata.app import create_app
from services.assetdata.plant import Plant
from services.assetdata.runlog import LIMIT_KEY, Limits, RunRegistry, execute
from worker.sandbox import results

TOKEN = "run-bounds"
HEADERS = {"X-Run-Token": TOKEN}


def _plan(runs: Path, token: str = TOKEN) -> None:
    (runs / "plans").mkdir(parents=True, exist_ok=True)
    (runs / "plans" / f"{token}.json").write_text(json.dumps({"run_token": token, "faults": []}))


def _log_bytes(runs: Path, token: str = TOKEN) -> bytes:
    return (runs / "logs" / f"{token}.jsonl").read_bytes()


@pytest.fixture
def bounded(plant: Plant, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    limits = Limits(max_log_entries=5, max_log_bytes=4 * 1024**2)
    app = create_app(plant=plant, runs_dir=tmp_path, timeout_delay=0.1, limits=limits)
    _plan(tmp_path)
    with TestClient(app) as client:
        yield client, tmp_path


def test_log_entries_bound_closes_the_run(bounded: tuple[TestClient, Path]) -> None:
    client, runs = bounded
    statuses = [client.post("/iot/sites", json={}, headers=HEADERS).status_code for _ in range(5)]
    over = client.post("/iot/sites", json={}, headers=HEADERS)
    size = len(_log_bytes(runs))
    later = client.post("/iot/assets", json={"site_name": "MAIN"}, headers=HEADERS)
    assert statuses == [200] * 5
    assert over.status_code == 429 and over.json()["code"] == "run_limit_exceeded"
    assert over.headers["content-type"].startswith("application/problem+json")
    assert later.status_code == 429
    assert len(_log_bytes(runs)) == size  # nothing more is logged once closed
    log = results.read_tool_log(_log_bytes(runs))
    assert len(log.records) == 5
    assert log.limit is not None and "more than 5 tool calls" in log.limit
    last = json.loads(_log_bytes(runs).splitlines()[-1])
    assert last[LIMIT_KEY] == "log_entries" and last["entries"] == 5


def test_log_bytes_bound_closes_the_run(plant: Plant, tmp_path: Path) -> None:
    limits = Limits(max_log_bytes=20_000)
    app = create_app(plant=plant, runs_dir=tmp_path, limits=limits)
    _plan(tmp_path)
    day = {"site_name": "MAIN", "asset_id": "Chiller 6", "start": "2020-06-01"}
    day["final"] = "2020-06-02"
    with TestClient(app) as client:
        statuses = [
            client.post("/iot/history", json=day, headers=HEADERS).status_code for _ in range(10)
        ]
    assert statuses[0] == 200 and statuses[-1] == 429
    data = _log_bytes(tmp_path)
    marker = data.splitlines()[-1]
    assert len(data) - len(marker) - 1 <= 20_000  # the records stay within the bound
    log = results.read_tool_log(data)
    assert log.limit is not None and "20000 bytes" in log.limit
    assert len(log.records) == statuses.count(200)


def test_oversized_arguments_are_refused_and_never_stored(
    bounded: tuple[TestClient, Path],
) -> None:
    client, runs = bounded
    huge = {"site_name": "MAIN", "pad": "x" * (Limits().max_argument_bytes + 10)}
    response = client.post("/iot/assets", json=huge, headers=HEADERS)
    assert response.status_code == 413
    assert response.json()["code"] == "arguments_too_large"
    record = ToolCallRecord.model_validate_json(_log_bytes(runs).splitlines()[-1])
    assert record.arguments["_truncated"] is True
    assert record.arguments["_bytes"] > Limits().max_argument_bytes
    assert len(_log_bytes(runs)) < 2_000


def test_oversized_mcp_style_arguments_are_bounded_too(plant: Plant, tmp_path: Path) -> None:
    """MCP hands ``execute`` a dict: the same bound applies (the REST body
    bound is only the outer one)."""
    registry = RunRegistry(tmp_path, limits=Limits(max_argument_bytes=1_000))
    _plan(tmp_path)
    state = registry.get(TOKEN)
    assert state is not None
    out = asyncio.run(
        execute(plant, registry, state, "iot.assets", {"site_name": "MAIN", "pad": "y" * 5000})
    )
    assert out.http_status == 413 and out.body["code"] == "arguments_too_large"
    record = ToolCallRecord.model_validate_json(_log_bytes(tmp_path).splitlines()[-1])
    assert record.arguments == {"_truncated": True, "_bytes": record.arguments["_bytes"]}


def test_a_tool_named_like_the_marker_is_still_a_record() -> None:
    line = ToolCallRecord(
        seq=0,
        tool="iot.limit_exceeded",
        family="iot",
        arguments={"limit_exceeded": "x"},
        status="error",
        http_status=404,
    ).model_dump_json()
    log = results.read_tool_log(line.encode() + b"\n")
    assert log.limit is None and len(log.records) == 1


# ---- request bodies, over a real socket ------------------------------------------------
class _Server:
    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture
def served(plant: Plant, tmp_path: Path) -> Iterator[_Server]:
    limits = Limits(max_body_bytes=256 * 1024, max_argument_bytes=16 * 1024)
    _plan(tmp_path)
    with _Server(create_app(plant=plant, runs_dir=tmp_path, limits=limits)) as server:
        yield server


def _connect(server: _Server) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return conn


def _response(conn: socket.socket) -> tuple[int, dict[str, Any]]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed without a response: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, json.loads(rest[:length])


def _head(path: str, extra: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: sidecar\r\nX-Run-Token: {TOKEN}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


def test_declared_length_over_the_bound_is_refused_before_reading(served: _Server) -> None:
    """1 GB announced, 10 bytes sent: the answer comes at once (reading the
    body first would wait for bytes that never come)."""
    with _connect(served) as conn:
        conn.sendall(_head("/iot/sites", "Content-Length: 1000000000\r\n") + b'{"a": "b",')
        started = time.monotonic()
        status, body = _response(conn)
    assert time.monotonic() - started < 5
    assert status == 413 and body["code"] == "body_too_large"


def test_chunked_body_is_counted_as_it_streams(served: _Server) -> None:
    """No length announced: refused at the first chunk past the bound, while
    the client could still be sending (it never sends the final chunk)."""
    chunk = b"x" * 8192
    with _connect(served) as conn:
        conn.sendall(_head("/iot/sites", "Transfer-Encoding: chunked\r\n"))
        for _ in range(5):  # 40 KiB: past the tool bound (16 KiB + envelope)
            conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        status, body = _response(conn)
    assert status == 413 and body["code"] == "body_too_large"


def test_llm_relay_bound_answers_in_openai_shape(served: _Server) -> None:
    chunk = b"y" * 65536
    with _connect(served) as conn:
        conn.sendall(_head("/v1/chat/completions", "Transfer-Encoding: chunked\r\n"))
        for _ in range(5):  # 320 KiB: past the 256 KiB body bound
            conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        status, body = _response(conn)
    assert status == 413 and body["error"]["code"] == "body_too_large"


def test_bodies_in_flight_are_bounded_together(served: _Server) -> None:
    """Many connections each holding a body just under the bound cannot add
    up: past 32 bodies' worth (32 x 256 KiB) in flight, further ones are
    refused (503 sidecar_busy) instead of held."""
    part = b"z" * (200 * 1024)  # under the 256 KiB relay bound
    n = 60  # 60 x 200 KiB = 11.7 MiB announced, 8 MiB may be held
    conns: list[socket.socket] = []
    refused = 0
    try:
        for _ in range(n):
            conn = _connect(served)
            conns.append(conn)
            conn.sendall(_head("/v1/chat/completions", "Transfer-Encoding: chunked\r\n"))
            conn.sendall(b"%x\r\n" % len(part) + part + b"\r\n")  # never finished
        time.sleep(1.0)
        for conn in conns:
            conn.setblocking(False)
            try:
                data = conn.recv(65536)
            except BlockingIOError:
                continue
            if data.startswith(b"HTTP/1.1 503"):
                refused += 1
                assert b"sidecar_busy" in data
    finally:
        for conn in conns:
            conn.close()
    held = n - refused
    assert held * len(part) <= 32 * 256 * 1024 + len(part)
    assert refused >= n - 42
    with _connect(served) as conn:  # and the service still answers afterwards
        conn.sendall(_head("/iot/sites", "Content-Length: 2\r\n") + b"{}")
        status, _body = _response(conn)
    assert status == 200


def test_bad_content_length_is_refused_not_a_500(served: _Server) -> None:
    with _connect(served) as conn:
        conn.sendall(_head("/iot/sites", "Content-Length: 12abc\r\n") + b"{}")
        head = conn.recv(65536)
    assert head.startswith(b"HTTP/1.1 400")

"""LLM gateway over a real unix socket, with litellm's mock responses (never
a paid API): per-run keys, token budgets, usage, SSE, and the sidecar-side
forwarder relaying to it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.assetdata.gateway_forwarder import include_gateway
from worker.gateway.budget import KeyRegistry
from worker.gateway.llm import Completer
from worker.gateway.server import GatewayServer


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[GatewayServer, KeyRegistry]]:
    registry = KeyRegistry()
    server = GatewayServer(tmp_path / "llm.sock", registry, Completer("mock/echo")).start()
    try:
        yield server, registry
    finally:
        server.stop()
    assert not (tmp_path / "llm.sock").exists()


def _client(server: GatewayServer) -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(uds=str(server.socket_path)), base_url="http://gw", timeout=30
    )


def _chat(client: httpx.Client, key: str, text: str, **extra: object) -> httpx.Response:
    body = {"model": "whatever", "messages": [{"role": "user", "content": text}], **extra}
    return client.post(
        "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
    )


def test_unknown_key_is_rejected(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, _ = gateway
    with _client(server) as client:
        response = _chat(client, "sk-stolen", "hi")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_echo_completion_records_usage(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-1", budget=1000)
    with _client(server) as client:
        response = _chat(client, key, "pump 7 is vibrating")
    assert response.status_code == 200
    data = response.json()
    assert data["choices"][0]["message"]["content"] == "pump 7 is vibrating"
    assert data["model"] == "mock/echo"  # the operator's model, not the agent's
    usage = registry.usage("run-1")
    assert usage is not None and usage.calls == 1
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.prompt_tokens == data["usage"]["prompt_tokens"]
    assert usage.model == "mock/echo"


def test_budget_is_enforced(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-2", budget=60)
    statuses = []
    with _client(server) as client:
        for _ in range(10):
            statuses.append(_chat(client, key, "a moderately long message " * 3).status_code)
    assert statuses[0] == 200
    assert statuses[-1] == 429
    usage = registry.usage("run-2")
    assert usage is not None
    # the call that crossed the line is counted; no call starts past the budget
    assert usage.calls == statuses.count(200)


def test_revoked_key_stops_working(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-3", budget=1000)
    registry.revoke("run-3")
    with _client(server) as client:
        assert _chat(client, key, "hi").status_code == 401


def test_bad_requests_get_codes(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-4", budget=1000)
    headers = {"Authorization": f"Bearer {key}"}
    with _client(server) as client:
        bad = client.post("/v1/chat/completions", content=b"{nope", headers=headers)
        empty = client.post("/v1/chat/completions", json={"messages": []}, headers=headers)
        models = client.get("/v1/models")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "invalid_request"
    assert models.json()["data"][0]["id"] == "mock/echo"


def test_stream_request_gets_sse(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-5", budget=1000)
    with _client(server) as client:
        response = _chat(client, key, "stream me", stream=True)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [ln[6:] for ln in response.text.splitlines() if ln.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert json.loads(events[0])["choices"][0]["delta"]["content"] == "stream me"


def test_scripted_mock_replies_in_turn(tmp_path: Path) -> None:
    registry = KeyRegistry()
    script = ["Action: iot.sites {}", "Final Answer: MAIN"]
    with GatewayServer(tmp_path / "s.sock", registry, Completer("mock/react", script)) as server:
        key = registry.issue("run", budget=10_000)
        with _client(server) as client:
            replies = [
                _chat(client, key, "q").json()["choices"][0]["message"]["content"] for _ in range(3)
            ]
    assert replies == [script[0], script[1], script[0]]


def test_forwarder_relays_to_the_socket(gateway: tuple[GatewayServer, KeyRegistry]) -> None:
    server, registry = gateway
    key = registry.issue("run-6", budget=1000)
    app = FastAPI()
    assert include_gateway(app, str(server.socket_path))
    with TestClient(app) as client:
        ok = client.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": "via the sidecar"}]},
            headers={"Authorization": f"Bearer {key}"},
        )
        denied = client.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]}
        )
    assert ok.status_code == 200
    assert ok.json()["choices"][0]["message"]["content"] == "via the sidecar"
    assert denied.status_code == 401


def test_forwarder_without_socket_is_not_mounted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARENA_GATEWAY_SOCKET", raising=False)
    app = FastAPI()
    assert include_gateway(app) is False
    with TestClient(app) as client:
        assert client.post("/v1/chat/completions", json={}).status_code == 404


def test_forwarder_reports_a_dead_gateway(tmp_path: Path) -> None:
    app = FastAPI()
    include_gateway(app, str(tmp_path / "nobody.sock"))
    with TestClient(app) as client:
        response = client.post("/v1/chat/completions", json={"messages": []})
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "gateway_unavailable"

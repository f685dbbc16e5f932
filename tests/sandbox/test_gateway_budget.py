"""The LLM gateway's budget under concurrency, its request and output caps,
and replies without ``usage`` (issue 14, part 4).

The real gateway (``GatewayServer`` on a unix socket, litellm inside)
forwards to a fake OpenAI-compatible provider on 127.0.0.1: it takes its
time (so calls overlap) and always produces all the output tokens it is
allowed, the worst case for a budget. Never a paid API, never a network
other than loopback.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from worker.gateway.budget import KeyRegistry
from worker.gateway.llm import Completer, estimate_tokens
from worker.gateway.server import GatewayServer

BUDGET = 20_000
PROVIDER_DELAY = 0.5  # seconds a fake completion takes


@dataclass
class FakeProvider:
    """An OpenAI ``/v1/chat/completions`` on loopback: every reply uses all of
    ``max_tokens``; with ``usage=False`` it reports no usage at all."""

    usage: bool = True
    reply_chars: int = 400
    delay: float = PROVIDER_DELAY
    max_tokens_seen: list[int | None] = field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        import litellm

        max_tokens = body.get("max_tokens")
        with self.lock:
            self.max_tokens_seen.append(max_tokens)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        prompt = litellm.token_counter(model="gpt-3.5-turbo", messages=body["messages"])
        data: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "abcd" * (self.reply_chars // 4)},
                    "finish_reason": "length",
                }
            ],
        }
        if self.usage:
            completion = int(max_tokens or 16)
            data["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
        return data


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            out = json.dumps(fake.reply(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # litellm's OpenAI provider reads these: the "operator's" provider is the fake
    monkeypatch.setenv("OPENAI_API_BASE", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-provider-key")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _gateway(tmp_path: Path, registry: KeyRegistry) -> GatewayServer:
    return GatewayServer(tmp_path / "llm.sock", registry, Completer("openai/arena-fake")).start()


def _post(socket: Path, key: str, text: str, **extra: Any) -> httpx.Response:
    body = {"model": "x", "messages": [{"role": "user", "content": text}], **extra}
    with httpx.Client(
        transport=httpx.HTTPTransport(uds=str(socket)), base_url="http://gw", timeout=60
    ) as client:
        return client.post(
            "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
        )


def _concurrent(socket: Path, key: str, n: int, **extra: Any) -> list[httpx.Response]:
    barrier = threading.Barrier(n)
    responses: list[httpx.Response | None] = [None] * n

    def call(i: int) -> None:
        barrier.wait()
        responses[i] = _post(socket, key, f"call {i}: what is the chiller status?", **extra)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None for r in responses)
    return [r for r in responses if r is not None]


def _spent(responses: list[httpx.Response]) -> int:
    return sum(r.json()["usage"]["total_tokens"] for r in responses if r.status_code == 200)


def test_ten_concurrent_calls_never_spend_more_than_the_budget(
    tmp_path: Path, provider: FakeProvider
) -> None:
    """No per-request cap to hide behind: only the reservation protects the
    budget. Before reservations, each call saw the whole remainder and the
    ten spent ~200 000 of 20 000 tokens."""
    registry = KeyRegistry(max_output_tokens=10 * BUDGET)
    gateway = _gateway(tmp_path, registry)
    try:
        key = registry.issue("run-c", BUDGET)
        responses = _concurrent(gateway.socket_path, key, 10)
    finally:
        gateway.stop()
    usage = registry.usage("run-c")
    assert usage is not None
    print(
        f"10 concurrent calls: spent {usage.used} of {BUDGET} tokens, "
        f"{sum(r.status_code == 200 for r in responses)} answered, "
        f"{sum(r.status_code == 429 for r in responses)} refused"
    )
    assert usage.used <= BUDGET, f"spent {usage.used} of {BUDGET}"
    assert _spent(responses) == usage.used
    assert usage.reserved == 0  # everything settled
    refused = [r for r in responses if r.status_code == 429]
    assert refused and all(r.json()["error"]["code"] == "token_budget_exhausted" for r in refused)
    assert usage.calls == sum(r.status_code == 200 for r in responses) >= 1


def test_concurrent_calls_share_the_budget_under_the_output_cap(
    tmp_path: Path, provider: FakeProvider
) -> None:
    """With a per-request output cap, ten calls really run at once at the
    provider, and together still stay within the budget."""
    registry = KeyRegistry(max_output_tokens=2_500)
    gateway = _gateway(tmp_path, registry)
    try:
        key = registry.issue("run-d", BUDGET)
        responses = _concurrent(gateway.socket_path, key, 10)
    finally:
        gateway.stop()
    usage = registry.usage("run-d")
    assert usage is not None
    print(
        f"10 concurrent calls, output cap 2500: spent {usage.used} of {BUDGET} tokens, "
        f"peak {provider.peak_in_flight} in flight at the provider"
    )
    assert provider.peak_in_flight >= 5  # the calls overlapped
    assert usage.used <= BUDGET, f"spent {usage.used} of {BUDGET}"
    assert usage.reserved == 0
    assert all(t is not None and t <= 2_500 for t in provider.max_tokens_seen)
    assert sum(r.status_code == 200 for r in responses) >= 7


def test_output_tokens_per_request_are_capped(tmp_path: Path, provider: FakeProvider) -> None:
    provider.delay = 0.0
    registry = KeyRegistry(max_output_tokens=64)
    gateway = _gateway(tmp_path, registry)
    try:
        key = registry.issue("run-o", BUDGET)
        big = _post(gateway.socket_path, key, "hello", max_tokens=100_000)
        small = _post(gateway.socket_path, key, "hello", max_tokens=10)
        default = _post(gateway.socket_path, key, "hello")
    finally:
        gateway.stop()
    assert [big.status_code, small.status_code, default.status_code] == [200, 200, 200]
    assert provider.max_tokens_seen == [64, 10, 64]


def test_requests_per_run_are_limited(tmp_path: Path, provider: FakeProvider) -> None:
    provider.delay = 0.0
    registry = KeyRegistry(max_requests=3)
    gateway = _gateway(tmp_path, registry)
    try:
        key = registry.issue("run-r", BUDGET)
        statuses = [_post(gateway.socket_path, key, "hi").status_code for _ in range(3)]
        over = _post(gateway.socket_path, key, "hi")
        other = registry.issue("run-s", BUDGET)  # another run is not affected
        fresh = _post(gateway.socket_path, other, "hi")
    finally:
        gateway.stop()
    assert statuses == [200, 200, 200]
    assert over.status_code == 429
    assert over.json()["error"]["code"] == "request_limit_exceeded"
    assert fresh.status_code == 200
    assert len(provider.max_tokens_seen) == 4  # the refused call never reached the provider


def test_reply_without_usage_is_estimated_never_zero(
    tmp_path: Path, provider: FakeProvider
) -> None:
    provider.delay, provider.usage, provider.reply_chars = 0.0, False, 400
    registry = KeyRegistry()
    gateway = _gateway(tmp_path, registry)
    try:
        key = registry.issue("run-u", BUDGET)
        response = _post(gateway.socket_path, key, "how many work orders are open?")
    finally:
        gateway.stop()
    assert response.status_code == 200
    usage = registry.usage("run-u")
    assert usage is not None
    assert usage.completion_tokens == estimate_tokens("abcd" * 100) == 100
    assert usage.prompt_tokens > 0
    # the agent sees the counts it was charged
    assert response.json()["usage"]["total_tokens"] == usage.used


def test_mock_replies_respect_the_reserved_output(tmp_path: Path) -> None:
    """The mock model stops at the reserved max_tokens like a provider does:
    the second call has room for its prompt and half its echo, and gets
    exactly that, so the run cannot pass its budget even with mock/echo."""
    text = "vibration " * 60
    completer = Completer("mock/echo")
    prompt = completer.count_prompt_tokens([{"role": "user", "content": text}])
    echo = completer.count_text_tokens(text)
    budget = 2 * prompt + echo + echo // 2
    registry = KeyRegistry()
    with GatewayServer(tmp_path / "m.sock", registry, completer) as gateway:
        key = registry.issue("run-m", budget)
        replies = [_post(gateway.socket_path, key, text, max_tokens=1000) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 429]
    first, second = (r.json()["choices"][0]["message"]["content"] for r in replies[:2])
    assert first == text.strip() or first == text
    assert len(second) < len(first)
    usage = registry.usage("run-m")
    assert usage is not None
    assert usage.used <= budget, f"spent {usage.used} of {budget}"

"""The worker-side end of the LLM gateway: an HTTP server on a unix socket.

Only the sidecar has the socket's directory mounted; agents reach it through
the sidecar's forwarder on loopback. Each request must carry the run's key
(``Authorization: Bearer sk-arena-...``). Before forwarding, the call
reserves its prompt estimate plus its output cap (the agent's ``max_tokens``,
at most the per-request cap, at most what is left) from the run's budget,
atomically; afterwards it settles to the provider's usage (estimated when
the reply has none). A budget that cannot cover the reservation, or a run
past its request limit, is answered with 429.
"""

from __future__ import annotations

import json
import logging
import os
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from worker.gateway.budget import BudgetExceeded, KeyRegistry, RequestLimitExceeded
from worker.gateway.llm import (
    BadRequest,
    Completer,
    requested_max_tokens,
    usage_of,
    validate_messages,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024**2


def _error(code: str, message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code}}


def sse_from_completion(data: dict[str, Any]) -> bytes:
    """A non-streamed completion re-shaped as an SSE stream (one delta chunk)
    for clients that asked for ``stream: true``."""
    message = (data.get("choices") or [{}])[0].get("message") or {}
    base = {
        "id": data.get("id", "chatcmpl-arena"),
        "object": "chat.completion.chunk",
        "created": data.get("created", int(time.time())),
        "model": data.get("model"),
    }
    first = dict(
        base,
        choices=[
            {
                "index": 0,
                "delta": {"role": "assistant", "content": message.get("content") or ""},
                "finish_reason": None,
            }
        ],
    )
    last = dict(
        base, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}], usage=data.get("usage")
    )
    return (f"data: {json.dumps(first)}\n\ndata: {json.dumps(last)}\n\ndata: [DONE]\n\n").encode()


class _Handler(BaseHTTPRequestHandler):
    server: _UnixHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # never log request lines: they could carry scenario-derived text

    def address_string(self) -> str:
        return "unix"

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode())

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            model = self.server.completer.model
            self._json(
                200,
                {"object": "list", "data": [{"id": model, "object": "model", "owned_by": "arena"}]},
            )
        else:
            self._json(404, _error("not_found", "unknown path"))

    def do_POST(self) -> None:  # noqa: N802
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._json(404, _error("not_found", "only /v1/chat/completions is served"))
            return
        # checked before a byte of the body is read; no chunked bodies (the
        # sidecar's forwarder always sends a length)
        declared = self.headers.get("Content-Length") or ""
        length = int(declared) if declared.isascii() and declared.isdigit() else -1
        if length <= 0 or length > MAX_BODY_BYTES:
            self.close_connection = True  # the unread body must not become a "request"
            if length > MAX_BODY_BYTES:
                self._json(
                    413, _error("body_too_large", f"the body exceeds {MAX_BODY_BYTES} bytes")
                )
            else:
                self._json(411, _error("length_required", "a Content-Length body is required"))
            return
        raw = self.rfile.read(length)
        key = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        registry = self.server.registry
        if registry.lookup(key) is None:
            self._json(
                401,
                _error("invalid_api_key", "unknown or expired run key", "authentication_error"),
            )
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._json(400, _error("invalid_json", "body is not JSON"))
            return
        completer = self.server.completer
        try:
            messages = validate_messages(body)
            prompt_estimate = completer.count_prompt_tokens(messages)
            reservation = registry.reserve(key, prompt_estimate, requested_max_tokens(body))
        except BadRequest as exc:
            self._json(400, _error(exc.code, exc.message))
            return
        except KeyError:  # revoked between lookup and reserve
            self._json(
                401, _error("invalid_api_key", "unknown or expired run key", "authentication_error")
            )
            return
        except RequestLimitExceeded:
            self._json(
                429,
                _error(
                    "request_limit_exceeded",
                    f"this run may make at most {registry.max_requests} LLM requests",
                    "rate_limit_error",
                ),
            )
            return
        except BudgetExceeded:
            self._json(
                429,
                _error(
                    "token_budget_exhausted",
                    "this run's LLM token budget cannot cover this request (prompt + at least "
                    "one output token, counting calls still in flight)",
                    "insufficient_quota",
                ),
            )
            return
        try:
            data = completer.complete(body, max_tokens=reservation.max_output_tokens)
        except BadRequest as exc:
            registry.release(reservation)
            self._json(400, _error(exc.code, exc.message))
            return
        except Exception as exc:  # provider failure: the agent sees a 502, we keep serving
            registry.release(reservation)
            log.warning("llm gateway: provider call failed: %s", type(exc).__name__)
            self._json(502, _error("provider_error", "the LLM provider call failed", "api_error"))
            return
        prompt, completion = usage_of(data, reservation.prompt_tokens)
        data["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        registry.settle(reservation, prompt, completion, data.get("model"))
        if body.get("stream"):
            self._send(200, sse_from_completion(data), "text/event-stream")
        else:
            self._json(200, data)


class _UnixHTTPServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    # listen backlog: the default 5 refused (EAGAIN) a burst of concurrent
    # calls from one submission's agents before the accept loop caught up
    request_queue_size = 128
    registry: KeyRegistry
    completer: Completer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client hanging up mid-response is routine (agent killed at the wall clock)
        log.debug("llm gateway: connection error", exc_info=True)


def _warm_litellm() -> None:
    from worker.gateway.llm import _litellm

    _litellm()


class GatewayServer:
    """Serve the gateway on ``socket_path`` in a background thread."""

    def __init__(self, socket_path: Path, registry: KeyRegistry, completer: Completer) -> None:
        self.socket_path = Path(socket_path)
        self.registry = registry
        self.completer = completer
        self._server: _UnixHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> GatewayServer:
        self.socket_path.unlink(missing_ok=True)
        server = _UnixHTTPServer(str(self.socket_path), _Handler)
        server.registry, server.completer = self.registry, self.completer
        # the sidecar's service user (any uid) must be able to connect
        os.chmod(self.socket_path, 0o666)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="llm-gateway",
            kwargs={"poll_interval": 0.2},
            daemon=True,
        )
        self._thread.start()
        # litellm takes ~3 s to import: pay it now, not inside the first
        # agent's wall clock
        threading.Thread(target=_warm_litellm, name="litellm-import", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.socket_path.unlink(missing_ok=True)

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

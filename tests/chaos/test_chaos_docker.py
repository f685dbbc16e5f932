"""A worker whose Docker engine is unreachable: submissions wait (stay in a
non-final state, visibly) instead of failing, and finish normally once the
engine is back.

The worker reaches the engine through a unix-socket proxy that this test
starts and stops (``DOCKER_HOST=unix://…/proxy.sock``); the real engine is
never touched."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sec_api
from chaos_helpers import Chaos, scores_of, submit_slow

pytestmark = [pytest.mark.integration, pytest.mark.docker, pytest.mark.slow]

ENGINE_SOCKET = "/var/run/docker.sock"
OUTAGE_SECONDS = 75.0  # longer than max attempts × retry backoff of a naive retry loop


class SocketProxy:
    """Byte-for-byte forwarder from ``path`` to the engine socket."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []

    def up(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        """Engine unreachable: refuse new connections, cut open ones."""
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.close()
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.close()
        self._conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(ENGINE_SOCKET)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)


@dataclass
class Outage:
    statuses: list[str]
    first: dict  # the submission made while the engine was down, once final
    after: dict  # a submission made after the engine came back, once final


@pytest.fixture(scope="module")
def outage(chaos: Chaos) -> Outage:
    stack = chaos.stack
    proxy = SocketProxy(stack.root / "docker-proxy.sock")
    # swap the worker for one that talks to the engine through the proxy
    for worker in stack.workers:
        worker.stop(timeout=300)
    stack.workers.clear()
    stack.start_worker("via-proxy", DOCKER_HOST=f"unix://{proxy.path}")
    seen: list[str] = []
    try:
        sid = submit_slow(chaos)  # engine down from the start
        with stack.client(chaos.world.teams["chaosa"].token) as c:
            deadline = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < deadline:
                seen.append(c.get(f"/api/v1/submissions/{sid}").json()["status"])
                time.sleep(1)
            proxy.up()
            first = sec_api.wait_final(c, sid, timeout=600)
            after = sec_api.wait_final(c, submit_slow(chaos), timeout=600)
    finally:
        proxy.down()
        for worker in stack.workers:
            worker.stop(timeout=60)
        stack.workers.clear()
        stack.start_worker()
    print(
        f"\nstatuses while the engine was down: {sorted(set(seen))}; "
        f"then {first['status']} ({(first.get('failure') or {}).get('code')})"
    )
    return Outage(seen, first, after)


def test_engine_unreachable_submission_waits(outage: Outage, baseline_scores: dict) -> None:
    final_while_down = [s for s in outage.statuses if s in {"failed", "finished", "cancelled"}]
    assert not final_while_down, f"went final while the engine was unreachable: {outage.first}"
    assert outage.first["status"] == "finished", outage.first
    assert scores_of(outage.first) == baseline_scores


def test_engine_unreachable_never_fails_silently(outage: Outage, baseline_scores: dict) -> None:
    """What holds today: the outage is visible (an explicit infrastructure
    failure that does not cost quota, or a normal finish), and the worker
    evaluates normally as soon as the engine is back."""
    first = outage.first
    if first["status"] != "finished":
        assert first["status"] == "failed", first
        failure = first["failure"]
        assert failure["kind"] == "infrastructure", failure
        assert failure["code"] and len(failure["message"]) > 20, failure
        assert failure["counts_against_quota"] is False
    assert outage.after["status"] == "finished", outage.after
    assert scores_of(outage.after) == baseline_scores

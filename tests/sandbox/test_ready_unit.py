"""The sidecar's readiness (issue 22), without an engine: the worker waits
for the service's ready line on the sidecar's stdout stream (no ``exec``
probe inside the sidecar), takes the plant facts from it, and fails as
before when the sidecar exits first or says nothing in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from services.settings import Settings
from worker.sandbox import sidecar

FACTS = b'{"status":"ok","seed":7,"content_hash":"abc","evaluation_mode":true}'


class _Stream:
    """A follow-mode log stream: yields ``chunks``, then blocks (the service
    keeps running) unless ``ends``; ``close`` (the timer) unblocks it."""

    def __init__(self, chunks: list[bytes], ends: bool) -> None:
        self.chunks = chunks
        self.ends = ends
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if not self.ends:
            self.closed.wait(30)

    def close(self) -> None:
        self.closed.set()


class _Sidecar:
    def __init__(self, chunks: list[bytes], *, ends: bool = False, running: bool = True) -> None:
        self.stream = _Stream(chunks, ends)
        self.status = "running" if running else "exited"
        self.log_calls: list[dict[str, Any]] = []

    def logs(self, **kwargs: Any) -> Any:
        if kwargs.get("stream"):
            self.log_calls.append(kwargs)
            return self.stream
        return b"last words"

    def reload(self) -> None:
        pass

    def exec_run(self, *_a: Any, **_k: Any) -> Any:
        raise AssertionError("no exec probe inside the sidecar")


def _settings(ready: float = 5.0) -> Settings:
    return Settings(sidecar_ready_seconds=ready)


def test_ready_line_gives_the_plant_facts() -> None:
    side = _Sidecar([b"some other output\n", sidecar.READY_MARKER + FACTS + b"\n"])
    health = sidecar.wait_ready(side, _settings())
    assert health["content_hash"] == "abc" and health["seed"] == 7
    # stdout only, followed from the container's start
    assert side.log_calls == [{"stream": True, "follow": True, "stdout": True, "stderr": False}]


def test_ready_line_split_over_chunks() -> None:
    line = sidecar.READY_MARKER + FACTS + b"\n"
    side = _Sidecar([b"x\n" + line[:9], line[9:30], line[30:]])
    assert sidecar.wait_ready(side, _settings())["content_hash"] == "abc"


def test_marker_must_start_the_line() -> None:
    """A marker in the middle of a line is not the ready line."""
    side = _Sidecar([b"echo " + sidecar.READY_MARKER + FACTS + b"\n"], ends=True, running=False)
    with pytest.raises(sidecar.SidecarError) as err:
        sidecar.wait_ready(side, _settings())
    assert err.value.code == "sidecar_exited"


def test_exit_before_ready_is_sidecar_exited() -> None:
    side = _Sidecar([b"Traceback ...\n"], ends=True, running=False)
    with pytest.raises(sidecar.SidecarError) as err:
        sidecar.wait_ready(side, _settings())
    assert err.value.code == "sidecar_exited" and "last words" in err.value.message


def test_silence_is_not_ready_after_the_deadline() -> None:
    side = _Sidecar([b"loading\n"], ends=False, running=True)
    t0 = time.monotonic()
    with pytest.raises(sidecar.SidecarError) as err:
        sidecar.wait_ready(side, _settings(ready=0.3))
    took = time.monotonic() - t0
    assert err.value.code == "sidecar_not_ready"
    assert 0.25 <= took < 5


def test_garbled_facts_fail_the_plant_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unreadable facts are no facts: with an expected plant the start fails
    (plant_mismatch), it never passes unchecked."""
    side = _Sidecar([sidecar.READY_MARKER + b"{not json\n"])
    assert sidecar.wait_ready(side, _settings()) == {}

    class _Containers:
        def create(self, **_k: Any) -> Any:
            return side

    class _Client:
        containers = _Containers()

    monkeypatch.setattr(side, "start", lambda: None, raising=False)
    monkeypatch.setattr(side, "put_archive", lambda *_a: True, raising=False)
    side.stream = _Stream([sidecar.READY_MARKER + b"{not json\n"], ends=False)
    with pytest.raises(sidecar.SidecarError) as err:
        sidecar.start_sidecar(
            _Client(),
            _settings(),
            runs_volume="v",
            io_volumes=[],
            gateway_dir=None,
            labels={},
            name="n",
            plans=[],
            inputs=[],
            expected_plant_hash="abc",
        )
    assert err.value.code == "plant_mismatch"


def test_marker_matches_the_service() -> None:
    from services.assetdata.__main__ import READY_MARKER

    assert READY_MARKER.encode() == sidecar.READY_MARKER

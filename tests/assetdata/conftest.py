import json
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.assetdata.__main__ import READY_MARKER
from services.assetdata.plant import DEFAULT_SEED, Plant, load_plant

ROOT = Path(__file__).resolve().parents[2]

# (port, the facts of the ready line)
Served = tuple[int, dict[str, Any]]


@pytest.fixture(scope="session")
def plant() -> Plant:
    """The default plant (from the cache after the first build)."""
    return load_plant(DEFAULT_SEED)


@pytest.fixture
def serve_assetdata() -> Iterator[Callable[..., Served]]:
    """Start ``python -m services.assetdata`` on a free loopback port with
    the given arguments; returns once its ready line is out (the worker's
    readiness signal, so no polling), and stops every service at teardown."""
    procs: list[subprocess.Popen[str]] = []

    def serve(*args: str, env: dict[str, str] | None = None) -> Served:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.assetdata", "--port", str(port), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the service says it is ready
        assert line.startswith(READY_MARKER), line
        return port, json.loads(line[len(READY_MARKER) :])

    yield serve
    for proc in procs:
        proc.terminate()
        proc.wait(10)

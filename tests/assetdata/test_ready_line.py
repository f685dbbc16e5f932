"""The service's ready line (issue 22): printed on stdout once the port is
bound, with the same plant facts as /healthz; the worker's readiness wait
(worker/sandbox/sidecar.py) relies on both."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from services.assetdata.__main__ import READY_MARKER

ROOT = Path(__file__).resolve().parents[2]


def test_ready_line_after_bind_with_healthz_facts(tmp_path, plant):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "services.assetdata",
            "--port",
            str(port),
            "--seed",
            str(plant.seed),
            "--runs-dir",
            str(tmp_path / "runs"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the service says it is ready
        assert line.startswith(READY_MARKER), line
        facts = json.loads(line[len(READY_MARKER) :])
        # the port answers as soon as the line is out (no retry here)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert facts == health
        assert facts["content_hash"] == plant.digest() and facts["evaluation_mode"] is True
    finally:
        proc.terminate()
        proc.wait(10)

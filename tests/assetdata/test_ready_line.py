"""The service's ready line (issue 22): printed on stdout once the port is
bound, with the same plant facts as /healthz; the worker's readiness wait
(worker/sandbox/sidecar.py) relies on both."""

import httpx


def test_ready_line_after_bind_with_healthz_facts(tmp_path, plant, serve_assetdata):
    port, facts = serve_assetdata("--seed", str(plant.seed), "--runs-dir", str(tmp_path / "runs"))
    # the port answers as soon as the line is out (no retry here)
    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
    assert facts == health
    assert facts["content_hash"] == plant.digest() and facts["evaluation_mode"] is True

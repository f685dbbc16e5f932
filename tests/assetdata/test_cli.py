"""``python -m services.assetdata``: cache build, then serving from the cache."""

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_build_cache_only_then_serve(tmp_path, plant, serve_assetdata):
    env = {**os.environ, "ARENA_ASSETDATA_CACHE": str(tmp_path)}
    # reuse the session plant's bytes instead of regenerating: copy the cache
    from services.assetdata.plant import cache_path

    src = cache_path(plant.seed)
    (tmp_path / src.name).write_bytes(src.read_bytes())
    r = subprocess.run(
        [sys.executable, "-m", "services.assetdata", "--build-cache-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "loaded from cache" in r.stderr

    runs = tmp_path / "runs"
    port, _ = serve_assetdata("--runs-dir", str(runs), "--timeout-delay", "0.1", env=env)
    url = f"http://127.0.0.1:{port}"
    health = httpx.get(f"{url}/healthz").json()
    assert health["evaluation_mode"] is True and health["content_hash"] == plant.digest()
    assert httpx.post(f"{url}/iot/sites", json={}).status_code == 401
    (runs / "plans" / "t1.json").write_text('{"run_token": "t1"}')
    ok = httpx.post(f"{url}/iot/sites", json={}, headers={"X-Run-Token": "t1"})
    assert ok.status_code == 200
    assert (runs / "logs" / "t1.jsonl").read_text().count("\n") == 1

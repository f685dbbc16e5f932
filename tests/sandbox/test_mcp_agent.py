"""Issue 20: the MCP example agent (examples/agents/mcp: official ``mcp``
client + the OpenAI-compatible gateway) builds offline, validates locally
through ``assetops validate`` with a scripted fake provider behind the
gateway (``mock/policy:mcp_scripted_llm:respond``, no paid API) and scores
above the no-op agent on the public pack; ``assetops validate`` prints the
MCP and gateway URLs the agent sees."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from client.assetops.validate import agent_endpoints, render_endpoints, run_validation

HERE = Path(__file__).resolve().parent
POLICY = "mock/policy:mcp_scripted_llm:respond"


def test_validate_prints_the_urls_the_agent_sees() -> None:
    from rich.console import Console

    from services.settings import Settings

    settings = Settings(sidecar_port=8080, llm_model="mock/echo", llm_token_budget=20000)
    console = Console(record=True, width=200)
    render_endpoints(console, agent_endpoints(settings))
    text = console.export_text()
    for family in ("iot", "fmsr", "tsfm", "wo", "utilities"):
        assert f"http://127.0.0.1:8080/mcp/{family}/" in text
    assert "http://127.0.0.1:8080/v1/chat/completions" in text
    assert "X-Run-Token" in text and "mock/echo" in text


@pytest.fixture(scope="module")
def mcp_image(docker_client: Any, sidecar_image: str) -> str:
    from worker.sandbox.build import build_example

    # offline (network none): the mcp package comes from the sidecar image's environment
    return build_example(
        docker_client,
        "mcp",
        "arena-test-mcp:latest",
        extra_labels={"org.assetops.test": "sandbox"},
    )


@pytest.mark.docker
def test_mcp_agent_validates_and_beats_noop_on_the_public_pack(
    mcp_image: str,
    example_images: dict[str, str],
    sidecar_image: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("ARENA_SIDECAR_IMAGE", sidecar_image)
    monkeypatch.setenv("ARENA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ARENA_LLM_MODEL", POLICY)
    monkeypatch.syspath_prepend(str(HERE))  # the gateway imports the scripted provider
    from services.settings import get_settings

    get_settings.cache_clear()
    try:
        mcp = run_validation(mcp_image, show_progress=False)
        noop = run_validation(example_images["noop"], show_progress=False)
    finally:
        get_settings.cache_clear()
        sys.modules.pop("mcp_scripted_llm", None)
    assert mcp["scenarios"] == noop["scenarios"] >= 30  # the public pack (execution track)
    assert mcp["endpoints"]["mcp"]["iot"].endswith("/mcp/iot/")
    details = mcp["per_scenario"]
    assert all(d["facts"]["output_status"] == "ok" for d in details), [
        (d["id"], d["facts"]) for d in details if d["facts"]["output_status"] != "ok"
    ]
    assert all(d["facts"]["llm_model"] == POLICY for d in details)
    passed = [d["id"] for d in details if d["passed"]]
    assert len(passed) >= 4, [(d["id"], d["failure_reason"], d["answer"]) for d in details]
    assert mcp["report"]["overall"] > noop["report"]["overall"]
    # upstream-style calls are logged as the canonical tools they stand for
    tools = {c.split(" ")[0] for d in details for c in d["tool_calls"]}
    assert "iot.history" in tools and "iot.sensors" in tools
    assert not any(t.split(".", 1)[1] in ("sensor_stats", "stream_extent") for t in tools)
    print(
        f"mcp agent: overall {mcp['report']['overall']:.1f}, passed {len(passed)}/"
        f"{mcp['scenarios']} ({', '.join(passed)}); noop overall "
        f"{noop['report']['overall']:.1f}; wall {mcp['wall_seconds']}s"
    )

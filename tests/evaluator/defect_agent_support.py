"""What the defect-answer tests share (issue 19): the diagnosis benchmark's
defect agent loaded as a module, and tool stubs that record what a
patched call sends."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AGENT = ROOT / "bench" / "diagnosis" / "agents" / "defect_agent.py"
DEFECTS = ROOT / "bench" / "diagnosis" / "defects.yaml"


def load_defect_agent(module_name: str) -> ModuleType:
    """bench/diagnosis/agents/defect_agent.py as a fresh module of that name."""
    spec = importlib.util.spec_from_file_location(module_name, AGENT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeTools:
    """Records what a patched call sends; answers from a script."""

    def __init__(self, replies: dict[str, tuple[int, Any]]) -> None:
        self.replies = replies
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.plan: list[dict[str, Any]] = []
        self.trajectory: list[dict[str, Any]] = []
        self.problems: list[str] = []

    def _post(self, tool: str, args: dict[str, Any]) -> tuple[int, Any]:
        self.sent.append((tool, args))
        return self.replies.get(tool, (200, {"ok": True}))


class ScriptedTools(FakeTools):
    """Answers each tool's calls from a list of replies, in order (the last
    one repeats)."""

    def __init__(self, script: dict[str, list[tuple[int, Any]]]) -> None:
        super().__init__({})
        self.script = script

    def _post(self, tool: str, args: dict[str, Any]) -> tuple[int, Any]:
        self.sent.append((tool, args))
        replies = self.script[tool]
        return replies.pop(0) if len(replies) > 1 else replies[0]


def record_original_calls(
    agent: ModuleType, monkeypatch: Any, reply: Any = None
) -> list[tuple[str, dict[str, Any]]]:
    """Replace the baseline's own call in ``agent`` by one that records what
    reaches it (a defect's retries included) and answers ``reply``."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def original(tools, tool, args, expect_rows=None, lookup=False):
        calls.append((tool, args))
        return {} if reply is None else reply

    monkeypatch.setattr(agent, "ORIGINAL_CALL", original)
    return calls


def assert_batch_complete(agent: ModuleType, half: str, count: int) -> None:
    """Every defect of ``half`` in defects.yaml has an agent mode, expected
    codes or ``novel``, and 3 tune + 3 held-out reviewer phrasings; the
    benchmark knows the half; the batch has ``count`` defects at least."""
    import yaml

    from bench import bench_diagnosis
    from bench.diagnosis import mock_llm

    defects = yaml.safe_load(DEFECTS.read_text())["defects"]
    batch = [n for n, d in defects.items() if d["half"] == half]
    assert len(batch) >= count
    for name in batch:
        assert name in agent.MODES
        assert defects[name].get("codes") or defects[name].get("novel")
        assert len(mock_llm.PATTERNS[name]) == 6
    assert half in bench_diagnosis.HALVES

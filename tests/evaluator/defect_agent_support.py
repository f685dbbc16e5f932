"""What the defect-answer tests share (issue 19): the diagnosis benchmark's
defect agent loaded as a module, and a tool stub that records what a
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

"""What the defect-answer tests share (issue 19): the diagnosis benchmark's
defect agent loaded as a module, and tool stubs that record what a
patched call sends."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

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


def defect_agent_fixture(half: str) -> Any:
    """A batch file's module-scoped ``agent`` fixture: the defect agent
    loaded once for the file (``agent = defect_agent_fixture("fresh16")``)."""

    @pytest.fixture(scope="module", name="agent")
    def agent() -> ModuleType:
        return load_defect_agent(f"defect_agent_{half}")

    return agent


def fresh_agent_loader(half: str) -> Callable[[str], ModuleType]:
    """``fresh(name)``: a defect agent with its own copy of the baseline
    (patches stay local to the test that made them)."""

    def fresh(name: str) -> ModuleType:
        return load_defect_agent(f"defect_agent_{half}_{name}")

    return fresh


def original_calls_fixture(reply: Any = None) -> Any:
    """A batch file's ``sent`` fixture: what reaches the baseline's own call
    of the file's ``agent`` (its retries included), answered ``reply``."""

    @pytest.fixture(name="sent")
    def sent(agent: ModuleType, monkeypatch: Any) -> list[tuple[str, dict[str, Any]]]:
        return record_original_calls(agent, monkeypatch, reply)

    return sent


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


def scripted_agent(
    mod: ModuleType, task: str, script: dict[str, list[tuple[int, Any]]], fmt: str = "text"
) -> tuple[Any, ScriptedTools]:
    """A baseline Agent (with whatever ``mod`` patched) whose tool client is
    the module's current call (the baseline's loop, or a mode installed by
    ``install_call``) over a ScriptedTools stub."""
    tools = ScriptedTools(script)
    tools.call = lambda tool, args, **kw: mod.b.Tools.call(tools, tool, args, **kw)
    tools.note_step = lambda tool, args: mod.b.Tools.note_step(tools, tool, args)
    agent = mod.b.Agent({"task": task, "output_format": fmt})
    agent.tools = tools
    return agent, tools


def install_call(mod: ModuleType, mode: str) -> None:
    """Install a call-level mode as the agent's main() does."""
    patched = mod.PATCHED_CALLS[mode]

    def call(self, tool, args, *, expect_rows=None, lookup=False):
        return patched(self, tool, args, expect_rows=expect_rows, lookup=lookup)

    mod.b.Tools.call = call


def no_sleep(mod: ModuleType, monkeypatch: Any) -> None:
    """The baseline's retry back-off without waiting."""
    monkeypatch.setattr(mod.b.time, "sleep", lambda s: None)


def tools_of(sent: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The tools of the calls ``sent``, in order."""
    return [t for t, _ in sent]

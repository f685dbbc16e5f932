"""Generated and hand-written participant docs stay true to the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from contracts.tools import TOOL_ALIASES, TOOL_ARGS

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def test_tools_reference_is_up_to_date() -> None:
    out = subprocess.run(
        [sys.executable, str(DOCS / "gen_tools_reference.py"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr


def test_tools_reference_covers_every_tool_and_argument() -> None:
    text = (DOCS / "tools-reference.md").read_text()
    for tool, model in TOOL_ARGS.items():
        assert f"### {tool}\n" in text
        for name in model.model_fields:
            assert f"| `{name}` |" in text, (tool, name)
    for alias in TOOL_ALIASES:
        assert f"`{alias}`" in text


def test_quickstart_exit_codes_match_the_cli() -> None:
    from client.assetops.http import ExitCode

    text = (DOCS / "quickstart.md").read_text()
    documented = {int(m) for m in re.findall(r"^\| (\d) \|", text, flags=re.M)}
    assert documented == {int(code) for code in ExitCode}


def test_quickstart_commands_exist_in_the_cli() -> None:
    from typer.main import get_command

    from client.assetops.cli import app

    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    text = (DOCS / "quickstart.md").read_text()
    used = set(re.findall(r"\$ assetops ([a-z]+)", text))
    assert used and used <= commands, used - commands


def test_participant_doc_links_resolve() -> None:
    for page in ("index.md", "quickstart.md", "tools-reference.md"):
        text = (DOCS / page).read_text()
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
            assert (DOCS / target).is_file(), f"{page} links to missing {target}"

"""Issue 18 in the participant CLI, run as a participant runs it (a
subprocess, its own config dir) against the real api: tied ranks and
intervals on the leaderboard, uncertainty and cost in `status`, attempts in
`phases`, and `assetops record` saving the reproducibility record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import arena_web_stack as web
import pytest

pytestmark = [pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]
RECORD = {
    "record_version": 1,
    "attempts": 3,
    "engine_revision": "0123456789ab",
    "sandbox": {"wall_seconds": 120.0, "cpus": 1.0, "memory_bytes": 536870912, "pids_limit": 128},
    "totals": {"tokens": 4321, "wall_seconds": 65.5},
}


@dataclass
class Board:
    stack: web.WebStack
    team: web.Seeded
    sub: uuid.UUID
    config_dir: Path

    def run(self, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSETOPS_", "ARENA_"))}
        env |= {
            "ASSETOPS_CONFIG_DIR": str(self.config_dir),
            "ASSETOPS_URL": self.stack.url,
            "ASSETOPS_TOKEN": self.team.token,
            "COLUMNS": "220",
            "PYTHONPATH": str(REPO),
        }
        return subprocess.run(
            [sys.executable, "-m", "client.assetops", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def extra(ci: tuple[float, float], record: dict | None = None) -> dict:
    out: dict = {
        "attempts": 3,
        "runs": 30,
        "pass_hat_k": 50.0,
        "flip_rate": 10.0,
        "intervals": {"overall": list(ci), "pass_rate": [40.0, 70.0]},
    }
    if record:
        out |= {"record": record, "wall_seconds": record["totals"]["wall_seconds"]}
    return out


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Board]:
    with web.web_stack(tmp_path_factory.mktemp("cli-ci")) as stack:
        phase = stack.add_phase("Final phase")
        team = stack.add_team("cli-team", "CLI Team")
        rival = stack.add_team("rival", "Rival")
        mine = stack.add_submission(team.team_id, phase)
        stack.finish(mine, web.dims(80, 70, 60, 75, 70, 7), extra=extra((66.0, 78.0), RECORD))
        theirs = stack.add_submission(rival.team_id, phase)
        stack.finish(theirs, web.dims(75, 70, 60, 70, 70, 10), extra=extra((63.0, 76.9)))
        yield Board(stack, team, mine, tmp_path_factory.mktemp("cfg") / "assetops")


def test_leaderboard_shows_ties_intervals_and_cost(board: Board) -> None:
    out = board.run("leaderboard")
    assert out.returncode == 0, out.stderr
    lines = {ln for ln in out.stdout.splitlines() if "CLI Team" in ln or "Rival" in ln}
    mine = next(ln for ln in lines if "CLI Team" in ln)
    theirs = next(ln for ln in lines if "Rival" in ln)
    assert "66.0–78.0" in mine and "4,321" in mine and "66 s" in mine
    assert "=1" in theirs and "63.0–76.9" in theirs
    caption = " ".join(out.stdout.split())  # rich wraps the caption
    assert "statistically tied" in caption and "k = 3" in caption
    as_json = json.loads(board.run("leaderboard", "--json").stdout)
    assert [(e["rank"], e["tied"]) for e in as_json["entries"]] == [(1, False), (1, True)]


def test_status_and_phases_show_attempts_and_uncertainty(board: Board) -> None:
    out = board.run("status", str(board.sub))
    assert out.returncode == 0, out.stderr
    assert "95% CI: overall 66.0–78.0, pass rate 40.0–70.0" in out.stdout
    assert "k = 3 attempts: pass^k 50%" in out.stdout
    assert f"assetops record {board.sub}" in out.stdout
    phases = board.run("phases")
    assert phases.returncode == 0 and "Attempts" in phases.stdout


def test_record_is_saved_as_a_file(board: Board, tmp_path: Path) -> None:
    out = board.run("record", str(board.sub), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    path = tmp_path / f"arena-record-{board.sub}.json"
    body = json.loads(path.read_text())
    assert body["record"] == RECORD and body["scores"]["attempts"] == 3
    assert "k = 3" in out.stderr and "engine 0123456789ab" in out.stderr
    chosen = tmp_path / "mine.json"
    assert board.run("record", str(board.sub), "-o", str(chosen)).returncode == 0
    assert json.loads(chosen.read_text()) == body
    printed = board.run("record", str(board.sub), "--json")
    assert json.loads(printed.stdout) == body
    # a submission without a record: the api's code, a non-zero exit
    missing = board.run("record", str(uuid.uuid4()))
    assert missing.returncode != 0 and "submission_not_found" in missing.stderr

"""The `assetops` CLI as a participant runs it (a subprocess, its own config
dir) against the real api on Postgres, with a real image streamed from the
Docker engine. No worker runs here: the test plays the worker through the
store (the same writes the worker makes), so `status --watch` sees a real
lifecycle."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import arena_web_stack as web
import pytest

from client.assetops.http import ExitCode

pytestmark = [pytest.mark.integration, pytest.mark.docker]
REPO = Path(__file__).resolve().parents[2]
LABELS = {"org.assetops.arena": "1", "org.assetops.arena.suite": "client-cli"}


@dataclass
class Live:
    stack: web.WebStack
    phase_id: int
    planning_phase_id: int
    team: web.Seeded
    other: web.Seeded
    image: str
    config_dir: Path

    def run(
        self, *args: str, token: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSETOPS_", "ARENA_"))}
        env["ASSETOPS_CONFIG_DIR"] = str(self.config_dir)
        env["COLUMNS"] = "200"
        if token:
            env["ASSETOPS_TOKEN"] = token
        return subprocess.run(
            [sys.executable, "-m", "client.assetops", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def build_tiny_image(tag: str) -> None:
    """A FROM-scratch image with one file: built offline, never pulled."""
    import docker

    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in (
            ("Dockerfile", b'FROM scratch\nCOPY agent.txt /agent.txt\nCMD ["/agent"]\n'),
            ("agent.txt", secrets.token_bytes(256 * 1024)),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    client = docker.from_env()
    client.images.build(
        fileobj=context, custom_context=True, tag=tag, labels=LABELS, network_mode="none", rm=True
    )
    client.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import docker

    tag = f"arena-cli-test:{secrets.token_hex(4)}"
    build_tiny_image(tag)
    try:
        with web.web_stack(tmp_path_factory.mktemp("cli")) as stack:
            # created first = opened earlier: the dev phase is "the current one"
            planning = stack.add_phase("Planning only", tracks=("planning",))
            phase = stack.add_phase("Dev phase", max_concurrent=1)
            team = stack.add_team("cli-team", "CLI Team")
            other = stack.add_team("rival", "Rival")
            rival_sub = stack.add_submission(other.team_id, phase)
            stack.finish(rival_sub, web.dims(70, 70, 70, 70, 70, 20))
            yield Live(
                stack,
                phase,
                planning,
                team,
                other,
                tag,
                tmp_path_factory.mktemp("cfg") / "assetops",
            )
    finally:
        client = docker.from_env()
        client.images.remove(tag, force=True)
        client.close()


def test_login_stores_a_private_config(live: Live) -> None:
    bad = live.run("login", "--url", live.stack.url, "--token", "arena_" + "z" * 40)
    assert bad.returncode == ExitCode.AUTH
    assert "not valid" in bad.stderr
    assert not (live.config_dir / "config.json").exists()
    ok = live.run("login", "--url", live.stack.url, "--token", live.team.token)
    assert ok.returncode == 0, ok.stderr
    path = live.config_dir / "config.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text()) == {"url": live.stack.url, "token": live.team.token}


def test_leaderboard_matches_the_api(live: Live) -> None:
    import httpx

    out = live.run("leaderboard", "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    api = httpx.get(live.stack.url + "/api/v1/leaderboard", params={"page_size": 50}).json()
    assert body == api
    table = live.run("leaderboard")
    assert "Rival" in table.stdout and "Overall" in table.stdout


def test_submit_streams_the_image_then_watch_to_finished(live: Live) -> None:
    result = live.run("submit", live.image, "--track", "execution", "--json", timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    created = json.loads(result.stdout)
    sub_id = uuid.UUID(created["id"])
    assert created["status"] in ("submitted", "queued")
    assert created["phase_id"] == live.phase_id
    assert created["image_bytes"] > 256 * 1024  # the streamed docker save, not a stub

    listed = json.loads(live.run("list", "--json").stdout)
    assert [i["id"] for i in listed] == [str(sub_id)]

    # Over the concurrency limit now: the pre-check refuses before streaming.
    again = live.run("submit", live.image, "--track", "execution")
    assert again.returncode == ExitCode.QUOTA
    assert "too_many_running" in again.stderr or "in progress" in again.stderr

    def play_worker() -> None:
        time.sleep(1.0)
        live.stack.set_progress(sub_id, "running", 0.5)
        time.sleep(1.0)
        live.stack.finish(
            sub_id,
            web.dims(90, 88, 86, 92, 89, 4),
            [
                (
                    "fc-cli-unhandled",
                    "Unhandled tool error",
                    "Unhandled Tool Errors",
                    "ARENA-UNHANDLED-ERROR",
                    3,
                ),
                (
                    "fc-cli-format",
                    "Requested output format ignored",
                    "Formatting Issues",
                    "MAST-1.1-FORMAT",
                    1,
                ),
            ],
        )

    worker = threading.Thread(target=play_worker)
    worker.start()
    watched = live.run("status", str(sub_id), "--watch", "--interval", "0.3", "--json")
    worker.join()
    assert watched.returncode == 0, watched.stderr
    final = json.loads(watched.stdout)
    assert final["status"] == "finished"
    assert final["scores"]["overall"] == pytest.approx(
        (90 + 88 + 86 + 92 + 89 + 96) / 6, abs=0.01
    )  # api rounds to 2 dp

    human = live.run("status", str(sub_id))
    assert "finished" in human.stdout and "Overall" in human.stdout
    assert "72%" in human.stdout  # pass rate 72.0 on the api's 0-100 scale

    failures = live.run("failures", str(sub_id), "--json")
    assert failures.returncode == 0
    clusters = json.loads(failures.stdout)["clusters"]
    assert [c["label"] for c in clusters] == [
        "Unhandled tool error",
        "Requested output format ignored",
    ]
    assert clusters[0]["share"] == pytest.approx(0.75)
    # in a participant's words (evaluator/data/failure_guide.yaml)
    assert clusters[0]["title"] == "Gave up on a tool error without saying so"
    assert clusters[0]["check"].startswith("Retry failed or timed-out calls")
    table = live.run("failures", str(sub_id))
    assert "75%" in table.stdout and "Gave up on a tool error" in " ".join(table.stdout.split())

    board = json.loads(live.run("leaderboard", "--json").stdout)
    assert board["entries"][0]["team"] == "cli-team"


def test_failed_submission_watch_exit_code(live: Live) -> None:
    sub = live.stack.add_submission(
        live.team.team_id, live.phase_id, status="running", progress=0.3
    )
    live.stack.fail(sub, "agent_crashed", "The agent exited with code 1 on every scenario.")
    out = live.run("status", str(sub), "--watch", "--interval", "0.2")
    assert out.returncode == ExitCode.SUBMISSION_FAILED
    assert "exited with code 1" in out.stdout


def test_another_teams_submission_is_not_visible(live: Live) -> None:
    theirs = live.stack.add_submission(live.other.team_id, live.phase_id)
    out = live.run("status", str(theirs), "--json")
    assert out.returncode == ExitCode.NOT_FOUND
    assert json.loads(out.stdout)["status"] == 404


def test_track_not_in_phase_is_an_input_error(live: Live) -> None:
    out = live.run(
        "submit", live.image, "--track", "execution", "--phase", str(live.planning_phase_id)
    )
    assert out.returncode == ExitCode.INVALID
    assert "track_not_in_phase" in out.stderr


def test_server_validation_problem_is_explained(live: Live) -> None:
    out = live.run("leaderboard", "--track", "bogus")
    assert out.returncode == ExitCode.INVALID
    assert "HTTP 422" in out.stderr


def test_unreachable_server(live: Live) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSETOPS_")}
    env.update(
        ASSETOPS_CONFIG_DIR=str(live.config_dir), ASSETOPS_URL=f"http://127.0.0.1:{web.free_port()}"
    )
    out = subprocess.run(
        [sys.executable, "-m", "client.assetops", "leaderboard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == ExitCode.UNAVAILABLE
    assert "unreachable" in out.stderr

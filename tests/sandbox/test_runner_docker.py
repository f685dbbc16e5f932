"""The runner against a real Docker engine and the real asset-data sidecar."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

import docker.errors
import pytest

from services.settings import Settings
from worker.sandbox import janitor
from worker.sandbox import labels as L
from worker.sandbox.runner import RunnerError, RunnerStats

from .helpers import make_scenario

pytestmark = pytest.mark.docker


@pytest.mark.usefixtures("no_leftovers")
def test_noop_agent_runs_every_scenario(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    scenarios = [make_scenario(f"t-{i}", f"task number {i}") for i in range(3)]
    progress: list[tuple[int, int, str]] = []
    stats = RunnerStats()
    runs = runner(
        docker_client,
        example_images["noop"],
        scenarios,
        "execution",
        sandbox_settings,
        lambda done, total, run: progress.append((done, total, run.scenario_id)),
        stats=stats,
    )
    assert [r.scenario_id for r in runs] == ["t-0", "t-1", "t-2"]
    for run in runs:
        assert run.facts.exit_code == 0 and not run.facts.timed_out
        assert run.facts.output_status == "ok" and run.result is not None
        assert run.result.answer == "" and run.tool_calls == []
        assert run.track == "execution"
    assert sorted(p[0] for p in progress) == [1, 2, 3] and {p[1] for p in progress} == {3}
    assert stats.runs == 3 and stats.wall > 0


@pytest.mark.usefixtures("no_leftovers")
def test_react_agent_uses_tools_and_llm_through_the_gateway(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    script = ["Thought: find the sites\nAction: iot.sites {}", "Final Answer: the sites are listed"]
    settings = sandbox_settings.model_copy(update={"llm_model": "mock/react"})
    [run] = runner(
        docker_client,
        example_images["react"],
        [make_scenario("r-0", "Which sites exist?")],
        "execution",
        settings,
        llm_script=script,
    )
    assert run.facts.output_status == "ok", run.facts
    assert run.result is not None and run.result.answer == "the sites are listed"
    assert [c.tool for c in run.tool_calls] == ["iot.sites"]  # the sidecar's own record
    assert run.tool_calls[0].status == "ok"
    assert run.result.plan[0].agent == "iot" and run.result.plan[0].tool == "sites"
    assert run.facts.llm_calls == 2 and run.facts.llm_model == "mock/react"
    assert run.facts.prompt_tokens > 0 and run.facts.completion_tokens > 0


@pytest.mark.usefixtures("no_leftovers")
def test_injected_fault_reaches_the_tool_log(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    script = ["Action: iot.sites {}", "Action: iot.sites {}", "Final Answer: done"]
    settings = sandbox_settings.model_copy(update={"llm_model": "mock/react"})
    scenario = make_scenario(
        "f-0", "Which sites exist?", faults=[{"tool": "iot.sites", "kind": "error", "first_n": 1}]
    )
    [run] = runner(
        docker_client, example_images["react"], [scenario], "execution", settings, llm_script=script
    )
    assert [c.status for c in run.tool_calls] == ["error", "ok"]
    assert run.tool_calls[0].injected_fault == "error"


@pytest.mark.usefixtures("no_leftovers")
def test_llm_budget_exhaustion_is_contained(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    settings = sandbox_settings.model_copy(
        update={"llm_model": "mock/react", "llm_token_budget": 400}
    )
    [run] = runner(
        docker_client,
        example_images["react"],
        [make_scenario("b-0", "loop forever")],
        "execution",
        settings,
        llm_script=["Action: utilities.current_date_time {}"],
    )
    assert run.facts.output_status == "ok" and run.result is not None
    assert "LLM unavailable (HTTP 429)" in run.result.answer
    assert run.facts.prompt_tokens + run.facts.completion_tokens <= 400 + 200


@pytest.mark.usefixtures("no_leftovers")
def test_each_run_gets_its_own_input(
    docker_client: Any,
    hostile_image: str,
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    scenarios = [make_scenario(f"c-{i}", "HOSTILE control") for i in range(4)]
    runs = runner(docker_client, hostile_image, scenarios, "planning", sandbox_settings)
    run_ids = {json.loads(r.result.answer)["run_id"] for r in runs if r.result}
    assert len(run_ids) == 4  # fresh opaque id per run, never the scenario id
    assert not any(r.startswith("c-") for r in run_ids)


@pytest.mark.usefixtures("no_leftovers")
def test_failure_mid_run_leaves_nothing(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    def explode(done: int, total: int, run: Any) -> None:
        raise KeyboardInterrupt  # what Ctrl-C in `assetops validate` looks like

    with pytest.raises(KeyboardInterrupt):
        runner(
            docker_client,
            example_images["noop"],
            [make_scenario(f"x-{i}", "t") for i in range(4)],
            "execution",
            sandbox_settings,
            explode,
        )


@pytest.mark.usefixtures("no_leftovers")
def test_infrastructure_errors_are_runner_errors(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
) -> None:
    with pytest.raises(RunnerError) as err:
        runner(
            docker_client,
            "sha256:" + "0" * 64,
            [make_scenario("a", "t")],
            "execution",
            sandbox_settings,
        )
    assert err.value.code == "image_missing"
    bad = sandbox_settings.model_copy(update={"sidecar_image": "arena-no-such-image:0"})
    with pytest.raises(RunnerError) as err:
        runner(docker_client, example_images["noop"], [make_scenario("a", "t")], "execution", bad)
    assert err.value.code == "sidecar_image_missing"
    with pytest.raises(RunnerError) as err:
        runner(
            docker_client,
            example_images["noop"],
            [make_scenario("a", "t")],
            "execution",
            sandbox_settings,
            expected_plant_hash="0" * 64,
        )
    assert err.value.code == "plant_mismatch"


def test_janitor_removes_only_old_sandbox_objects(docker_client: Any) -> None:
    old = L.sandbox_labels("agent", "janitor-test")
    old[L.CREATED] = str(int(time.time()) - 7200)
    fresh = L.sandbox_labels("agent", "janitor-test")
    foreign = {L.ARENA: "1", "org.assetops.test": "sandbox"}  # arena, not sandbox
    made: list[Any] = []
    try:
        for labels in (old, fresh, foreign):
            made.append(
                docker_client.containers.create(
                    "arena-base:bookworm", ["true"], labels=labels, network_mode="none"
                )
            )
        made.append(docker_client.volumes.create(labels=old))
        report = janitor.cleanup(docker_client, older_than=3600, submission="janitor-test")
        assert (report.containers, report.volumes) == (1, 1)
        remaining = {c.id for c in docker_client.containers.list(all=True)}
        assert made[0].id not in remaining
        assert made[1].id in remaining and made[2].id in remaining
        janitor.cleanup(docker_client, older_than=0, submission="janitor-test")
        assert made[1].id not in {c.id for c in docker_client.containers.list(all=True)}
    finally:
        for obj in made:
            with contextlib.suppress(docker.errors.NotFound):
                obj.remove(force=True)


def test_intake_loads_a_real_docker_save(docker_client: Any, tmp_path: Path) -> None:
    from worker.sandbox.build import build_image
    from worker.sandbox.intake import IntakeError, load_image, remove_image

    context = tmp_path / "ctx"
    context.mkdir()
    (context / "hello.txt").write_text(f"hello {time.time()}")  # a fresh image id each run
    (context / "Dockerfile").write_text(
        'FROM scratch\nCOPY hello.txt /hello.txt\nENTRYPOINT ["/hello.txt"]\n'
    )
    image_id = build_image(
        docker_client,
        context,
        "arena-test-intake:latest",
        extra_labels={"org.assetops.test": "sandbox"},
    )
    tar_path = tmp_path / "image.tar"
    with tar_path.open("wb") as fh:
        for chunk in docker_client.images.get(image_id).save(named=True):
            fh.write(chunk)
    # preexisting in the engine: loading must not make it removable
    loaded = load_image(docker_client, tar_path, Settings(), label="intake-test")
    assert loaded.image_id == image_id and loaded.preexisting
    assert loaded.reference and loaded.reference.startswith("arena-submission/intake-test:")
    remove_image(docker_client, loaded)
    assert docker_client.images.get(image_id).tags == ["arena-test-intake:latest"]
    docker_client.images.remove(image_id, force=True)
    loaded = load_image(docker_client, tar_path, Settings(), label="intake-test")
    assert loaded.image_id == image_id and not loaded.preexisting
    assert loaded.size_bytes > 0 and loaded.repo_tags == ["arena-test-intake:latest"]
    # the uploaded tag is recorded, never applied: only the internal reference
    assert docker_client.images.get(image_id).tags == [loaded.reference]
    remove_image(docker_client, loaded)
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(image_id)
    tar_path.write_bytes(b"garbage")
    with pytest.raises(IntakeError):
        load_image(docker_client, tar_path, Settings())


def test_intake_survives_the_owner_removing_their_tag_during_the_load(
    docker_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On one host (the demo) the participant's own engine is the worker's:
    `docker image rm -f` of their tag right after `assetops submit` must not
    delete the image the worker is loading (it once failed the attempt with
    an infrastructure error between the load and the internal tag)."""
    from worker.sandbox import intake
    from worker.sandbox.build import build_image

    context = tmp_path / "ctx"
    context.mkdir()
    (context / "hello.txt").write_text(f"hello {time.time()}")
    (context / "Dockerfile").write_text(
        'FROM scratch\nCOPY hello.txt /hello.txt\nENTRYPOINT ["/hello.txt"]\n'
    )
    owner_tag = "arena-test-intake-owner:latest"
    image_id = build_image(
        docker_client, context, owner_tag, extra_labels={"org.assetops.test": "sandbox"}
    )
    tar_path = tmp_path / "image.tar"
    with tar_path.open("wb") as fh:
        for chunk in docker_client.images.get(image_id).save(named=True):
            fh.write(chunk)
    real_post = intake._post_load

    def load_then_owner_removes_tag(*args: Any) -> list[str]:
        messages = real_post(*args)
        docker_client.images.remove(owner_tag, force=True)
        return messages

    monkeypatch.setattr(intake, "_post_load", load_then_owner_removes_tag)
    try:
        loaded = intake.load_image(docker_client, tar_path, Settings(), label="intake-race")
        assert loaded.image_id == image_id and loaded.preexisting
        assert docker_client.images.get(image_id).tags == [loaded.reference]
        intake.remove_image(docker_client, loaded)
        # nothing names it any more: it went with our reference
        with pytest.raises(docker.errors.ImageNotFound):
            docker_client.images.get(image_id)
    finally:
        with contextlib.suppress(docker.errors.ImageNotFound):
            docker_client.images.remove(image_id, force=True)


def test_janitor_reaps_images_of_a_dead_attempt(docker_client: Any, tmp_path: Path) -> None:
    """A worker that died after the load leaves its image tagged with the
    attempt's internal reference; the janitor removes it, and only it."""
    import sys

    from worker.sandbox import janitor
    from worker.sandbox.intake import load_image, remove_image

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
    import sec_tars

    mine = load_image(
        docker_client,
        sec_tars.server_tag_in_manifest(tmp_path / "a.tar"),
        Settings(),
        label="janitor-img-a1",
    )
    other = load_image(
        docker_client,
        sec_tars.legacy_repositories_tag(tmp_path / "b.tar"),
        Settings(),
        label="janitor-img-b1",
    )
    try:
        kept = janitor.cleanup(
            docker_client, older_than=3600, submission="janitor-img-a1", images=True
        )
        assert kept.images == 0  # fresh: a live attempt's image is never reaped by age
        report = janitor.cleanup(
            docker_client, older_than=0, submission="janitor-img-a1", images=True
        )
        assert report.images == 1
        with pytest.raises(docker.errors.ImageNotFound):
            docker_client.images.get(mine.image_id)
        assert docker_client.images.get(other.image_id).tags == [other.reference]
        # the runner's own teardown (no images=True) never touches images
        janitor.cleanup(docker_client, older_than=0, submission="janitor-img-b1")
        assert docker_client.images.get(other.image_id)
    finally:
        remove_image(docker_client, mine)
        remove_image(docker_client, other)


_VOLUME_AGENT = """
import json, os
fstype = next((l.split()[2] for l in open("/proc/mounts") if l.split()[1] == "/data"), "none")
try:
    with open("/data/fill", "wb") as fh:
        for _ in range(64):
            fh.write(b"x" * 1024 * 1024)
    capped = "uncapped"
except OSError:
    capped = "capped"
json.dump({"answer": fstype + " " + capped}, open("/output/result.json", "w"))
"""


def test_image_volume_is_a_capped_tmpfs(
    docker_client: Any,
    sandbox_settings: Settings,
    runner: Any,
    tmp_path: Path,
    no_leftovers: None,
) -> None:
    """An image declaring VOLUME gets a capped tmpfs there, never an
    anonymous volume on host disk; its HEALTHCHECK is dropped at intake."""
    from worker.sandbox.build import build_image
    from worker.sandbox.intake import load_image, remove_image

    context = tmp_path / "ctx"
    context.mkdir()
    (context / "agent.py").write_text(_VOLUME_AGENT + f"# {time.time()}\n")
    (context / "Dockerfile").write_text(
        "FROM arena-base:bookworm\n"
        "COPY agent.py /agent.py\nVOLUME /data\n"
        'HEALTHCHECK --interval=1s CMD ["python3", "/agent.py"]\n'
        'ENTRYPOINT ["python3", "/agent.py"]\n'
    )
    built = build_image(
        docker_client,
        context,
        "arena-test-volume:latest",
        extra_labels={"org.assetops.test": "sandbox"},
    )
    tar_path = tmp_path / "image.tar"
    with tar_path.open("wb") as fh:
        for chunk in docker_client.images.get(built).save(named=True):
            fh.write(chunk)
    docker_client.images.remove(built, force=True)
    volumes_before = {v.name for v in docker_client.volumes.list()}
    loaded = load_image(docker_client, tar_path, sandbox_settings, label="volume-test")
    try:
        attrs = docker_client.images.get(loaded.image_id).attrs["Config"]
        assert attrs.get("Healthcheck") is None and attrs["Volumes"] == {"/data": {}}
        assert loaded.volumes == ("/data",) and loaded.image_id != loaded.declared_id
        [run] = runner(
            docker_client, loaded.image_id, [make_scenario("v", "t")], "execution", sandbox_settings
        )
        assert run.result is not None and run.result.answer == "tmpfs capped", run
        assert {v.name for v in docker_client.volumes.list()} == volumes_before
    finally:
        remove_image(docker_client, loaded)


_CRASHING_WORKER = """
import sys, docker
sys.path.insert(0, {root!r})
from services.settings import Settings
from worker.sandbox.runner import run_submission
from tests.sandbox.helpers import make_scenario

settings = Settings.model_validate_json({settings!r})
scenarios = [make_scenario(f"k-{{i}}", "HOSTILE sleepforever") for i in range(3)]
run_submission(docker.from_env(), {image!r}, scenarios, "execution", settings,
               lambda *a: None, submission_id={sub!r})
"""


def test_janitor_cleans_up_after_a_killed_worker(
    docker_client: Any,
    hostile_image: str,
    sandbox_settings: Settings,
    submission_id: str,
    tmp_path: Path,
) -> None:
    """A worker SIGKILLed mid-run leaves containers, volumes and a gateway
    dir behind; the janitor (run by the next worker) removes all of them."""
    import os
    import signal
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[2])
    code = _CRASHING_WORKER.format(
        root=root,
        settings=sandbox_settings.model_dump_json(),
        image=hostile_image,
        sub=submission_id,
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=root)
    flt = {
        "label": [
            "org.assetops.sandbox=1",
            f"org.assetops.submission={submission_id}",
            "org.assetops.role=agent",
        ]
    }
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not docker_client.containers.list(filters=flt):
        time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    leftover = {"label": ["org.assetops.sandbox=1", f"org.assetops.submission={submission_id}"]}
    assert docker_client.containers.list(all=True, filters=leftover)  # the crash left them
    gateway_root = sandbox_settings.gateway_socket_dir
    assert gateway_root is not None and any(gateway_root.glob("arena-gw-*"))
    report = janitor.cleanup(
        docker_client, older_than=0, submission=submission_id, gateway_root=gateway_root
    )
    assert docker_client.containers.list(all=True, filters=leftover) == []
    assert docker_client.volumes.list(filters=leftover) == []
    assert not any(gateway_root.glob("arena-gw-*")) and report.gateway_dirs >= 1


@pytest.mark.usefixtures("no_leftovers")
def test_big_submissions_are_split_over_sidecars(
    docker_client: Any,
    example_images: dict[str, str],
    sandbox_settings: Settings,
    runner: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from worker.sandbox import runner as runner_module

    monkeypatch.setattr(runner_module, "MAX_RUNS_PER_SIDECAR", 2)
    progress: list[tuple[int, int]] = []
    runs = runner(
        docker_client,
        example_images["noop"],
        [make_scenario(f"s-{i}", "t") for i in range(3)],
        "execution",
        sandbox_settings,
        lambda d, t, r: progress.append((d, t)),
    )
    assert [r.scenario_id for r in runs] == ["s-0", "s-1", "s-2"]
    assert all(r.facts.output_status == "ok" for r in runs)
    assert sorted(progress) == [(1, 3), (2, 3), (3, 3)]
    assert runner(docker_client, example_images["noop"], [], "execution", sandbox_settings) == []


@pytest.mark.usefixtures("no_leftovers")
def test_image_that_cannot_start_is_an_agent_failure(
    docker_client: Any,
    sandbox_settings: Settings,
    runner: Any,
    tmp_path: Path,
) -> None:
    from worker.sandbox.build import build_image

    context = tmp_path / "nocmd"
    context.mkdir()
    (context / "f.txt").write_text("no entrypoint, no cmd")
    (context / "Dockerfile").write_text("FROM scratch\nCOPY f.txt /f.txt\n")
    image_id = build_image(
        docker_client,
        context,
        "arena-test-nocmd:latest",
        extra_labels={"org.assetops.test": "sandbox"},
    )
    [run] = runner(
        docker_client, image_id, [make_scenario("n-0", "t")], "execution", sandbox_settings
    )
    assert run.result is None and run.facts.output_status == "missing"
    assert "did not start" in (run.facts.output_error or "")

"""Run one submission's image against a list of scenarios.

Per submission: one asset-data sidecar (network ``none``) and the LLM
gateway. Per scenario: a fresh hardened agent container joined to the
sidecar's network namespace, its own run token, fault plan, API key, input
and output volumes. How many scenarios run at once is decided per
submission by ``worker.sandbox.slots`` (adaptive parallelism within the
operator's bounds, host slots shared fairly between the submissions of all
workers of the host); each run's container is created before it waits for
a slot. Nothing is left behind: every container, volume and temp dir is
removed in ``finally`` (and by label as a safety net).

A sidecar does not depend on the agent's image: ``prepare`` makes one ready
(gateway, volumes, plans, inputs, started and answering) ahead -- while the
image loads, or while the previous chunk of a large submission runs -- for
exactly one submission's list of scenarios; it is never handed to another.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors
import requests

from contracts.agent import MAX_RESULT_BYTES, ScenarioInput, Track
from contracts.run import RunFacts, ScenarioRun
from contracts.toollog import RunPlan
from hidden_scenarios.schema import Scenario
from services.settings import Settings
from worker.gateway.budget import KeyRegistry
from worker.gateway.llm import Completer
from worker.gateway.server import GatewayServer
from worker.sandbox import events as E
from worker.sandbox import hardening, janitor, results, sidecar
from worker.sandbox import labels as L
from worker.sandbox.oom import oom_killed
from worker.sandbox.slots import Gate

log = logging.getLogger(__name__)

# (done, total, run): called as each agent exits; the run carries its exit
# facts, its result and tool log are attached once all runs have finished.
ProgressCallback = Callable[[int, int, ScenarioRun], None]


class RunnerError(Exception):
    """Infrastructure failure (no verdict on the agent): the caller retries."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class RunnerStats:
    """Where the time went (seconds, summed over scenarios where per-run)."""

    setup: float = 0.0  # waited for sidecars (gateway, volumes, create/seed/start/ready)
    create: float = 0.0
    start: float = 0.0
    agent: float = 0.0  # start -> exit
    collect: float = 0.0  # inspect + result + tool log
    remove: float = 0.0
    teardown: float = 0.0
    wall: float = 0.0
    runs: int = 0
    slot_wait: float = 0.0  # created, waiting for a scenario slot (off the critical path)
    prepare: float = 0.0  # sidecar preparations' wall time, overlapped or not (setup: waited for)
    peak_parallel: int = 0  # most scenarios of the submission running at once
    final_parallelism: int = 0  # the adaptive limit when the submission ended
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **phases: float) -> None:
        with self._lock:
            for name, seconds in phases.items():
                setattr(self, name, getattr(self, name) + seconds)

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items() if not k.startswith("_")}


@dataclass(frozen=True)
class _Slot:
    index: int
    scenario: Scenario
    token: str  # secret: authenticates the agent's tool calls, names plan/log files
    run_id: str  # opaque id shown to the agent
    in_volume: str
    out_volume: str


def _emit(on_event: E.EventSink | None, event: E.SandboxEvent) -> None:
    """Report ``event``; an observer's failure never changes a run's outcome."""
    if on_event is None:
        return
    try:
        on_event(event)
    except Exception:
        log.exception("sandbox event listener failed")


def _gateway_dir(settings: Settings) -> Path:
    base = settings.gateway_socket_dir
    if base is None:
        candidate = settings.data_dir / "gateway"
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            base = candidate
        except OSError:
            base = Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=janitor.GATEWAY_DIR_PREFIX, dir=base))
    path.chmod(0o755)  # the sidecar user traverses it to reach the socket
    return path


def scenario_input(scenario: Scenario, track: Track, run_id: str) -> bytes:
    return (
        ScenarioInput(
            run_id=run_id,
            task=scenario.text,
            track=track,
            output_format=scenario.output_format,
            output_hint=scenario.output_hint,
        )
        .model_dump_json()
        .encode()
    )


def agent_environment(settings: Settings, token: str, api_key: str) -> dict[str, str]:
    base = f"http://127.0.0.1:{settings.sidecar_port}"
    return {
        "ASSETOPS_API_URL": base,
        "ASSETOPS_RUN_TOKEN": token,
        "OPENAI_BASE_URL": f"{base}/v1",
        "OPENAI_API_KEY": api_key,
        "ASSETOPS_INPUT": f"{hardening.IN_DIR}/scenario.json",
        "ASSETOPS_OUTPUT": f"{hardening.OUT_DIR}/result.json",
        "HOME": hardening.TMP_DIR,
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _wait(container: Any, wall: float) -> tuple[int | None, bool]:
    """Wait for exit; kill at the wall clock. ``wait(timeout)`` only bounds
    the HTTP request (docker-py#2964), so the kill is ours."""
    try:
        status = container.wait(timeout=wall)
        return int(status.get("StatusCode", -1)), False
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        pass
    # SIGKILL: SIGTERM could be ignored; APIError = exited meanwhile
    with contextlib.suppress(docker.errors.APIError):
        container.kill()
    try:
        status = container.wait(timeout=30)
        return int(status.get("StatusCode", -1)), True
    except (requests.exceptions.RequestException, docker.errors.APIError):
        return None, True


def _run_one(
    client: Any,
    settings: Settings,
    *,
    image_id: str,
    volume_paths: tuple[str, ...] = (),
    side: Any,
    slot: _Slot,
    track: Track,
    submission: str,
    registry: KeyRegistry,
    stats: RunnerStats,
    log_tails: dict[str, str] | None,
    gate: Gate,
    on_event: E.EventSink | None = None,
) -> ScenarioRun:
    """One agent container from create to remove; returns the run with its
    exit facts (result and tool log are collected for all runs at once).
    The container is created first, then waits for a slot of ``gate``; the
    slot is given back as soon as the agent exits."""
    api_key = registry.issue(slot.token, settings.llm_token_budget)
    labels = L.sandbox_labels("agent", submission, run=slot.run_id)
    kwargs = hardening.agent_create_kwargs(
        settings,
        image_id=image_id,
        volume_paths=volume_paths,
        sidecar_id=side.id,
        in_volume=slot.in_volume,
        out_volume=slot.out_volume,
        environment=agent_environment(settings, slot.token, api_key),
        labels=labels,
        name=f"arena-agent-{submission}-{slot.index}-{secrets.token_hex(3)}",
    )
    facts = RunFacts()
    container = None
    who: dict[str, Any] = {
        "submission": submission,
        "role": "agent",
        "scenario_id": slot.scenario.id,
    }
    held: int | None = None  # the scenario slot, once granted
    handoff: int | None = None  # the slot went to a waiting container (Gate.wait_next_start)
    t0 = time.perf_counter()
    try:
        try:
            container = client.containers.create(**kwargs)
            t1 = time.perf_counter()
            _emit(on_event, E.ContainerCreated(**who, container_id=container.id))
            held = gate.acquire()
            tw = time.perf_counter()
            try:
                container.start()
            finally:
                gate.started()
        except docker.errors.APIError as exc:
            if not _image_fault(exc):
                raise
            # the image cannot run at all (no command, missing or non-executable
            # entrypoint, wrong binary format): the agent's failure, not ours
            facts.output_status = "missing"
            facts.output_error = f"{_NOT_STARTED}: {_explain(exc)}"
            _emit(
                on_event,
                E.ContainerNotStarted(
                    submission=submission, scenario_id=slot.scenario.id, detail=_explain(exc)
                ),
            )
            return ScenarioRun(scenario_id=slot.scenario.id, track=track, facts=facts)
        t2 = time.perf_counter()
        _emit(on_event, E.ContainerStarted(**who, container_id=container.id))
        exit_code, timed_out = _wait(container, settings.agent_wall_seconds)
        t3 = time.perf_counter()
        handoff = gate.release(held)
        held = None
        facts.exit_code, facts.timed_out = exit_code, timed_out
        facts.wall_seconds = round(t3 - t2, 3)
        _emit(
            on_event,
            E.ContainerExited(
                **who, container_id=container.id, exit_code=exit_code, wall_seconds=t3 - t2
            ),
        )
        if log_tails is not None:  # local validate only: never on the server
            log_tails[slot.scenario.id] = sidecar.tail_logs(container, 40)
        if not timed_out:  # a SIGKILL we did not send: the OOM killer? (worker/sandbox/oom.py)
            facts.oom_killed = oom_killed(container, exit_code)
        if timed_out:
            _emit(
                on_event,
                E.LimitHit(
                    submission=submission,
                    scenario_id=slot.scenario.id,
                    limit="wall_time",
                    detail=f"{settings.agent_wall_seconds:g}s",
                ),
            )
        elif facts.oom_killed:
            _emit(
                on_event,
                E.LimitHit(
                    submission=submission,
                    scenario_id=slot.scenario.id,
                    limit="memory",
                    detail=f"{settings.agent_memory_bytes // 1024**2} MiB",
                ),
            )
        usage = registry.usage(slot.token)
        if usage is not None:
            facts.prompt_tokens = usage.prompt_tokens
            facts.completion_tokens = usage.completion_tokens
            facts.llm_calls, facts.llm_model = usage.calls, usage.model
        stats.add(
            create=t1 - t0,
            slot_wait=tw - t1,
            start=t2 - tw,
            agent=t3 - t2,
            collect=time.perf_counter() - t3,
            runs=1,
        )
    finally:
        if held is not None:  # did not start or did not finish: no rate sample
            gate.release(held, completed=False)
        registry.revoke(slot.token)
        # start first: the next scenario's start goes to the engine before
        # this container's removal (and this thread's next create)
        gate.wait_next_start(handoff)
        t5 = time.perf_counter()
        if container is not None:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)
            _emit(on_event, E.ContainerRemoved(**who, container_id=container.id))
        stats.add(remove=time.perf_counter() - t5)
    return ScenarioRun(scenario_id=slot.scenario.id, track=track, facts=facts)


# Containers created ahead of a free slot (their start is then the only
# engine call between one agent's exit and the next one's start).
CREATE_AHEAD = 2

# Each run adds two volume mounts to the sidecar; beyond this many runs a
# submission is split over several sidecars (one after the other).
MAX_RUNS_PER_SIDECAR = 200

_NOT_STARTED = "agent container did not start"
_IMAGE_FAULTS = (
    "no command specified",
    "executable file not found",
    "exec format error",
    "no such file or directory",
    "permission denied",
    "not a directory",
)


def _explain(exc: docker.errors.APIError) -> str:
    return str(getattr(exc, "explanation", None) or exc)[:300]


def _image_fault(exc: docker.errors.APIError) -> bool:
    if isinstance(exc, docker.errors.ImageNotFound):
        return False  # the image vanished mid-run: infrastructure
    text = _explain(exc).lower()
    return any(marker in text for marker in _IMAGE_FAULTS)


_RESULT_MEMBER = re.compile(r"io/(\d+)/out/result\.json")
_LOG_MEMBER = re.compile(r"logs/([0-9a-f]{32})\.jsonl")


def _collect(
    side: Any,
    slots: list[_Slot],
    runs: list[ScenarioRun | None],
    settings: Settings,
    on_event: E.EventSink | None = None,
    submission: str = "",
) -> None:
    """Attach every run's result.json and tool log: two archive reads from
    the sidecar for the whole submission (each read's engine cost grows with
    the sidecar's mount count, so per-run reads would dominate)."""
    outputs = results.collect_files(
        side, f"{hardening.RUNS_DIR}/io", _RESULT_MEMBER, MAX_RESULT_BYTES
    )
    # the sidecar stops a run's log at sidecar_max_log_bytes (+ one limit line)
    max_log = min(results.MAX_TOOL_LOG_BYTES, settings.sidecar_max_log_bytes + 64 * 1024)
    logs = results.collect_files(side, f"{hardening.RUNS_DIR}/logs", _LOG_MEMBER, max_log)
    for slot in slots:
        run = runs[slot.index]
        if run is None:
            continue
        facts = run.facts
        if (facts.output_error or "").startswith(_NOT_STARTED):
            continue  # nothing ran: keep the start failure as the reason
        parsed = results.parse_collected(outputs.get(str(slot.index)))
        facts.output_status, facts.output_error = parsed.status, parsed.error
        result = parsed.result
        if facts.timed_out:
            # an answer written before hanging does not count: the run failed
            result = None
            facts.output_error = f"wall time exceeded ({settings.agent_wall_seconds:g}s)"
        elif facts.oom_killed:
            mib = settings.agent_memory_bytes // 1024**2
            facts.output_error = f"killed: memory limit exceeded ({mib} MiB)"
        log_bytes = logs.get(slot.token)
        tool_log = results.read_tool_log(log_bytes if isinstance(log_bytes, bytes) else None)
        if log_bytes is results.TOO_LARGE:
            tool_log = results.ToolLog([], f"tool log over {max_log} bytes in one run")
        if tool_log.limit is not None and not (facts.timed_out or facts.oom_killed):
            # the agent exhausted a per-run bound of the tool service: its failure
            result = None
            facts.output_status = "invalid"
            facts.output_error = f"{results.LIMIT_REASON}: {tool_log.limit}"
            _emit(
                on_event,
                E.LimitHit(
                    submission=submission,
                    scenario_id=slot.scenario.id,
                    limit="tool_service",
                    detail=str(tool_log.limit),
                ),
            )
        run.result = result
        run.tool_calls = tool_log.records


def _fail_exhausted(runs: list[ScenarioRun | None], death: sidecar.Death) -> None:
    """The agents OOM-killed the sidecar: every run of it lost its tool
    service (and its output volume with it), and is failed, scored."""
    for run in runs:
        if run is None or (run.facts.output_error or "").startswith(_NOT_STARTED):
            continue
        run.result = None
        run.facts.output_status = "invalid"
        run.facts.output_error = f"{results.LIMIT_REASON}: {death.detail}"


@dataclass
class Prepared:
    """One sidecar made ready for a list of scenarios: the LLM gateway, the
    runs' volumes and plans, the sidecar started, seeded and answering.
    Made for exactly one submission (never handed to another: its tokens,
    plans and volumes are that submission's); ``release`` removes it."""

    submission: str
    scenario_ids: tuple[str, ...]
    track: Track
    registry: KeyRegistry
    gateway: GatewayServer | None = None
    gateway_dir: Path | None = None
    volumes: list[Any] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list)
    side: Any = None
    seconds: float = 0.0  # wall time of the preparation (on the critical path or not)
    released: bool = False

    def matches(self, submission: str, scenarios: Sequence[Scenario], track: Track) -> bool:
        return (
            not self.released
            and self.submission == submission
            and self.track == track
            and self.scenario_ids == tuple(s.id for s in scenarios)
        )


def _as_runner_error(exc: BaseException) -> RunnerError | None:
    if isinstance(exc, RunnerError):
        return exc
    if isinstance(exc, sidecar.SidecarError):
        return RunnerError(exc.code, exc.message)
    if isinstance(exc, docker.errors.DockerException | requests.exceptions.RequestException):
        # the engine failed us (not the agent): a retryable infrastructure error
        return RunnerError("docker_error", f"{type(exc).__name__}: {str(exc)[:300]}")
    return None


def prepare(
    client: Any,
    settings: Settings,
    scenarios: Sequence[Scenario],
    track: Track,
    submission: str,
    *,
    llm_script: list[str] | None = None,
    expected_plant_hash: str | None = None,
    on_event: E.EventSink | None = None,
) -> Prepared:
    """Everything a list of scenarios (at most ``MAX_RUNS_PER_SIDECAR``)
    needs before its first agent starts; it does not depend on the agent's
    image, so it can run while the image loads or while the previous chunk
    runs. Raises ``RunnerError``; whatever it made is removed then."""
    started = time.perf_counter()
    prepared = Prepared(
        submission=submission,
        scenario_ids=tuple(s.id for s in scenarios),
        track=track,
        registry=KeyRegistry(
            max_requests=settings.llm_max_requests,
            max_output_tokens=settings.llm_max_output_tokens,
        ),
    )
    try:
        prepared.gateway_dir = _gateway_dir(settings)
        prepared.gateway = GatewayServer(
            prepared.gateway_dir / hardening.GATEWAY_SOCKET_NAME,
            prepared.registry,
            Completer(settings.llm_model, llm_script),
        ).start()
        io_labels = L.sandbox_labels("io", submission)
        volumes = prepared.volumes
        runs_volume = client.volumes.create(labels=io_labels)
        volumes.append(runs_volume)

        # Two small tmpfs volumes per run, created concurrently: creating
        # hundreds one by one was a visible part of a submission's setup.
        def _io_pair(_: int) -> tuple[Any, Any]:
            vin = client.volumes.create(
                driver="local",
                driver_opts=hardening.io_volume_options(settings, output=False),
                labels=io_labels,
            )
            volumes.append(vin)
            vout = client.volumes.create(
                driver="local",
                driver_opts=hardening.io_volume_options(settings, output=True),
                labels=io_labels,
            )
            volumes.append(vout)
            return vin, vout

        with ThreadPoolExecutor(
            max_workers=max(4, settings.scenario_parallelism), thread_name_prefix="arena-io"
        ) as pool:
            pairs = list(pool.map(_io_pair, range(len(scenarios))))
        prepared.slots = [
            _Slot(index, scenario, secrets.token_hex(16), uuid.uuid4().hex, vin.name, vout.name)
            for index, (scenario, (vin, vout)) in enumerate(zip(scenarios, pairs, strict=True))
        ]
        plans = [
            RunPlan(
                run_token=s.token,
                faults=list(s.scenario.faults),
                clarification=getattr(s.scenario, "clarification", None),
            )
            for s in prepared.slots
        ]
        inputs = [scenario_input(s.scenario, track, s.run_id) for s in prepared.slots]
        prepared.side = sidecar.start_sidecar(
            client,
            settings,
            runs_volume=runs_volume.name,
            io_volumes=[(s.in_volume, s.out_volume) for s in prepared.slots],
            gateway_dir=str(prepared.gateway_dir),
            labels=L.sandbox_labels("sidecar", submission),
            name=f"arena-sidecar-{submission}-{secrets.token_hex(3)}",
            plans=plans,
            inputs=inputs,
            expected_plant_hash=expected_plant_hash,
        )
        side_id = prepared.side.id
        # the sidecar is reported once it answers (create, seed, start and
        # the ready check are one step of sidecar.start_sidecar)
        _emit(
            on_event,
            E.ContainerCreated(submission=submission, role="sidecar", container_id=side_id),
        )
        _emit(
            on_event,
            E.ContainerStarted(submission=submission, role="sidecar", container_id=side_id),
        )
    except BaseException as exc:
        release(client, prepared, on_event)
        converted = _as_runner_error(exc)
        if converted is not None and converted is not exc:
            raise converted from exc
        raise
    prepared.seconds = time.perf_counter() - started
    return prepared


def release(client: Any, prepared: Prepared, on_event: E.EventSink | None = None) -> None:
    """Remove a prepared sidecar, its agents (if any still run), volumes and
    gateway (idempotent; engine errors are left to the janitor's sweep)."""
    if prepared.released:
        return
    prepared.released = True
    try:
        _teardown(client, prepared.side, prepared.volumes, prepared.submission, on_event)
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        log.warning("teardown of %s failed: %s", prepared.submission, exc)
    if prepared.gateway is not None:
        prepared.gateway.stop()
    if prepared.gateway_dir is not None:
        shutil.rmtree(prepared.gateway_dir, ignore_errors=True)


def submission_label(submission_id: str | None) -> str:
    """The label of a submission's sandbox objects (a fresh one when None)."""
    return (submission_id or uuid.uuid4().hex[:12]).replace("/", "-")[:40]


def run_submission(
    client: Any,
    image_id: str,
    scenarios: Sequence[Scenario],
    track: Track,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
    *,
    submission_id: str | None = None,
    stats: RunnerStats | None = None,
    llm_script: list[str] | None = None,
    log_tails: dict[str, str] | None = None,
    expected_plant_hash: str | None = None,
    on_event: E.EventSink | None = None,
    prepared: Future[Prepared] | None = None,
) -> list[ScenarioRun]:
    """Run ``image_id`` on every scenario; returns one ScenarioRun per
    scenario, in the order given. Raises ``RunnerError`` on infrastructure
    failure (missing image, sidecar down) — never for a misbehaving agent.

    ``llm_script``: scripted replies for ``mock/...`` gateway models (tests).
    ``log_tails``: if given, filled with the last lines of each agent's
    stdout/stderr by scenario id (local debugging; the server passes None).
    ``expected_plant_hash``: the content hash of the plant the scenarios were
    built from; a sidecar serving another plant is a ``plant_mismatch`` error.
    ``on_event``: receives a ``worker.sandbox.events`` record of each
    container's life (created, started, exited, removed) and each limit hit.
    ``prepared``: the first chunk's sidecar, prepared ahead (``prepare``,
    e.g. while the image loaded); used when it was made for exactly this
    submission, track and first chunk, released otherwise.

    Beyond ``MAX_RUNS_PER_SIDECAR`` scenarios, each chunk gets a fresh
    sidecar; the next one is prepared while the current chunk runs, and a
    finished chunk's sidecar is removed while the next one runs (all of
    them before this returns).
    """
    stats = stats if stats is not None else RunnerStats()
    started = time.perf_counter()
    submission = submission_label(submission_id)
    chunks = [
        list(scenarios[o : o + MAX_RUNS_PER_SIDECAR])
        for o in range(0, len(scenarios), MAX_RUNS_PER_SIDECAR)
    ]
    ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"arena-prepare-{submission}")
    # a finished chunk's sidecar and volumes are removed while the next chunk
    # runs (its agents have all exited and its results are collected);
    # everything is removed before run_submission returns
    behind = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"arena-release-{submission}")
    pending: Future[Prepared] | None = prepared
    try:
        try:
            image = client.images.get(image_id)  # local lookup only, never a pull
        except docker.errors.ImageNotFound as exc:
            raise RunnerError("image_missing", f"image {image_id} is not loaded") from exc
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            raise _as_runner_error(exc) from exc  # type: ignore[misc]
        if not image.id.startswith("sha256:"):
            raise RunnerError("image_missing", "image has no sha256 id")
        image_id = image.id
        # VOLUMEs the engine would back with anonymous volumes on host disk: the
        # agent gets capped tmpfs mounts there instead.
        volume_paths = tuple(sorted((image.attrs.get("Config") or {}).get("Volumes") or {}))
        if not chunks:
            return []

        def prepare_chunk(chunk: list[Scenario]) -> Prepared:
            return prepare(
                client,
                settings,
                chunk,
                track,
                submission,
                llm_script=llm_script,
                expected_plant_hash=expected_plant_hash,
                on_event=on_event,
            )

        runs_all: list[ScenarioRun] = []
        for k, chunk in enumerate(chunks):
            if pending is None:
                pending = ahead.submit(prepare_chunk, chunk)
            t_wait = time.perf_counter()
            current = pending.result()  # RunnerError: nothing of it is left
            pending = None
            if not current.matches(submission, chunk, track):
                release(client, current, on_event)  # made for another list: never reused
                current = prepare_chunk(chunk)
            # setup: what the submission waited for its sidecars (critical path)
            stats.add(setup=time.perf_counter() - t_wait, prepare=current.seconds)
            if k + 1 < len(chunks):
                pending = ahead.submit(prepare_chunk, chunks[k + 1])
            offset = len(runs_all)

            def chunk_progress(done: int, _total: int, run: ScenarioRun, _o: int = offset) -> None:
                if on_progress is not None:
                    on_progress(_o + done, len(scenarios), run)

            try:
                runs_all += _run_prepared(
                    client,
                    current,
                    image_id=image_id,
                    volume_paths=volume_paths,
                    track=track,
                    settings=settings,
                    on_progress=chunk_progress,
                    stats=stats,
                    log_tails=log_tails,
                    on_event=on_event,
                )
            except BaseException:
                release(client, current, on_event)  # interrupted: at once (kills its agents)
                raise
            if k + 1 < len(chunks):
                behind.submit(release, client, current, on_event)  # while the next chunk runs
            else:
                t_down = time.perf_counter()
                release(client, current, on_event)
                stats.add(teardown=time.perf_counter() - t_down)
        return runs_all
    finally:
        t_down = time.perf_counter()
        if pending is not None and not pending.cancel():
            # prepared (or being prepared) for a chunk that will not run
            with contextlib.suppress(Exception):
                release(client, pending.result(), on_event)
        ahead.shutdown(wait=True)
        behind.shutdown(wait=True)  # every earlier chunk's release has finished
        # safety net: anything of this submission an error left behind (an
        # engine error here must not hide the one that got us here; the
        # worker sweeps the label again)
        try:
            janitor.cleanup(client, older_than=0, submission=submission)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            log.warning("sweep of %s failed: %s", submission, exc)
        stats.add(teardown=time.perf_counter() - t_down)
        stats.wall = time.perf_counter() - started


def _run_prepared(
    client: Any,
    prepared: Prepared,
    *,
    image_id: str,
    volume_paths: tuple[str, ...],
    track: Track,
    settings: Settings,
    on_progress: ProgressCallback,
    stats: RunnerStats,
    log_tails: dict[str, str] | None,
    on_event: E.EventSink | None,
) -> list[ScenarioRun]:
    """Run every slot of a prepared sidecar; the caller releases it."""
    submission, side, slots = prepared.submission, prepared.side, prepared.slots
    executor: ThreadPoolExecutor | None = None
    gate: Gate | None = None
    registration: Any = None  # the host-slots registration of this submission
    futures: dict[Future[ScenarioRun], _Slot] = {}
    total = len(slots)
    runs: list[ScenarioRun | None] = [None] * total
    try:
        gate = Gate(settings)
        # as many threads as the adaptive limit may ever allow, plus a few
        # that create the next containers while those run: each creates its
        # container, then waits for a slot of the gate
        executor = ThreadPoolExecutor(
            max_workers=min(total, gate.adaptive.high + CREATE_AHEAD),
            thread_name_prefix=f"arena-run-{submission}",
        )
        registration = gate.host.active(submission)
        registration.__enter__()
        futures = {
            executor.submit(
                _run_one,
                client,
                settings,
                image_id=image_id,
                volume_paths=volume_paths,
                side=side,
                slot=s,
                track=track,
                submission=submission,
                registry=prepared.registry,
                stats=stats,
                log_tails=log_tails,
                gate=gate,
                on_event=on_event,
            ): s
            for s in slots
        }
        for done, future in enumerate(as_completed(futures), start=1):
            slot = futures[future]
            run = future.result()
            runs[slot.index] = run
            on_progress(done, total, run)
        gate.close()
        registration.__exit__(None, None, None)
        registration = None
        death = sidecar.death(side, settings)
        if death is not None and not death.exhausted:  # broken on its own: infrastructure
            raise RunnerError("sidecar_died", death.detail)
        t_collect = time.perf_counter()
        if death is None:
            _collect(side, slots, runs, settings, on_event, submission)
        else:  # exhausted by the agents: their scored failure, not a retry
            log.warning("sidecar of %s exhausted by its agents: %s", submission, death.detail)
            _emit(
                on_event,
                E.LimitHit(submission=submission, limit="sidecar_memory", detail=death.detail),
            )
            with contextlib.suppress(docker.errors.DockerException):
                # the tool logs, as far as they got
                _collect(side, slots, runs, settings, on_event, submission)
            _fail_exhausted(runs, death)
        stats.add(collect=time.perf_counter() - t_collect)
    except BaseException as exc:
        converted = _as_runner_error(exc)
        if converted is not None and converted is not exc:
            raise converted from exc
        raise
    finally:
        if gate is not None:
            gate.close()  # runs still waiting for a slot give up
            with stats._lock:
                stats.peak_parallel = max(stats.peak_parallel, gate.peak)
                stats.final_parallelism = gate.adaptive.limit
        if registration is not None:
            registration.__exit__(None, None, None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        if futures and not all(f.done() for f in futures):
            # interrupted: kill the agents, then let every run thread remove
            # its own container (one may have created it after the kill)
            _remove_agents(client, submission)
            wait_futures(futures, timeout=TEARDOWN_WAIT_SECONDS)
    return [r for r in runs if r is not None]


# How long an interrupted submission waits for its run threads to remove
# their containers (each is killed first, so this is engine time only).
TEARDOWN_WAIT_SECONDS = 60.0


def _remove_agents(client: Any, submission: str) -> None:
    """Force-remove the submission's agent containers. ``sparse``: no
    inspect per container, which would race with a run thread removing its
    own (404 on the inspect)."""
    for container in client.containers.list(
        all=True,
        sparse=True,
        filters={"label": [f"{L.SANDBOX}=1", f"{L.SUBMISSION}={submission}", f"{L.ROLE}=agent"]},
    ):
        with contextlib.suppress(docker.errors.APIError):
            container.remove(force=True, v=True)


def _teardown(
    client: Any,
    side: Any,
    volumes: list[Any],
    submission: str,
    on_event: E.EventSink | None = None,
) -> None:
    # agents still running (interrupt): they hold the sidecar's namespace
    _remove_agents(client, submission)
    if side is not None:
        with contextlib.suppress(docker.errors.NotFound):
            side.remove(force=True, v=True)
        _emit(
            on_event,
            E.ContainerRemoved(submission=submission, role="sidecar", container_id=side.id),
        )

    def _remove(volume: Any) -> None:
        for _attempt in range(3):
            try:
                volume.remove(force=True)
                return
            except docker.errors.NotFound:
                return
            except docker.errors.APIError:
                time.sleep(0.2)  # still referenced by a container being removed

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="arena-teardown") as pool:
        list(pool.map(_remove, volumes))
    # no label sweep here: the submission's next sidecar may be getting
    # ready under the same label (run_submission sweeps once at the end)

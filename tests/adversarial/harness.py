"""Harness for the adversarial agent suite (issue 15).

Two paths score the same agents with the project's own evaluator:

a) **in-process** (fast, for tuning the rubric): the real asset-data service
   on a free loopback port in this process (uvicorn in a thread, evaluation
   mode: a fault plan per run token, the tool log read back per token); each
   agent script runs as a subprocess (``python -I -S``: stdlib only) with the
   contract's environment; the result file is parsed with the runner's own
   strict parser; ``evaluator.evaluate_submission`` scores the set. The
   oracle (``hidden_scenarios.oracle.solve``) runs in-process.
b) **docker**: ``client.assetops.validate.run_validation`` (the real runner,
   sandbox and sidecar image ``assetops-arena:latest``) on an image built
   from ``tests/adversarial/Dockerfile`` (one image per mode).

Scenario sets: the public validation set and a hidden set of a fixed test
seed, execution track only (as ``assetops validate`` selects them).

``pin_rubric(rev)`` makes the harness score with the evaluator and scenario
templates of an older git revision (e.g. rubric v1 = ``a04f450^``); call it
before anything imports ``evaluator`` or ``hidden_scenarios``.

Quick use::

    .venv/bin/python bench/bench_adversarial.py                 # table, current rubric
    .venv/bin/python bench/bench_adversarial.py --agents sweep_dump,baseline --sets public
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from contracts.agent import ScenarioInput
from contracts.run import RunFacts, ScenarioRun
from contracts.toollog import RunPlan, ToolCallRecord

if TYPE_CHECKING:
    from hidden_scenarios.schema import Scenario

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ADVERSARY = HERE / "agents" / "adversary.py"
DOCKERFILE = HERE / "Dockerfile"
EXAMPLES = REPO / "examples" / "agents"

ADVERSARY_MODES: tuple[str, ...] = (
    "sweep_dump",
    "ask_back",
    "no_data",
    "fabricator",
    "fixed_plan",
    "padding",
    "three_stats",
    "abstain_all",
    # red team 2026-12-07: each task type's usual answer, guessed from the
    # wording with (almost) no call; passed up to 18.8 % of the hidden set
    # under rubric 2, which rubric 3 (the required data must be looked at)
    # brought to 3.3 % (the window means it does fetch)
    "priors",
    "priors_plus",
    # the same base rates after making every call the baseline would: what
    # a task's answer prior alone passes (balanced outcomes in the scenario
    # engine, hidden_scenarios/instantiate._draw, keep it small)
    "priors_fetch",
)
REFERENCE_AGENTS: tuple[str, ...] = ("oracle", "baseline", "noop")
# Issue 17's kind groups, written to show where rules stop (clarification
# dialogs, actions with state, insufficient or conflicting evidence,
# diagnosis chains): the example baseline is left as it is, so guards that
# protect honest agents' credit are taken over the other kinds.
ISSUE_17_GROUPS: tuple[str, ...] = ("dialog.", "action.", "evidence.", "chain.")
# Issue 17: the oracle with one behaviour forced, in-process. Each solves
# everything else exactly as the oracle does, so its distance from the
# oracle is what the rubric charges for that behaviour.
BEHAVIOUR_AGENTS: tuple[str, ...] = ("always_act", "never_act", "always_ask", "never_ask")
# A specific question (it names the asset and the window): on a clear task
# the operator answers that nothing was left open.
ALWAYS_ASK_QUESTION = "Which asset and which time window do you mean exactly?"
# What the always-act agent raises on every task: a plausible corrective order.
ALWAYS_ACT_ORDER = {
    "asset_num": "CWC04006",
    "work_type": "CM",
    "priority": 3,
    "description": "Follow-up from the analysis",
}
AGENTS: tuple[str, ...] = REFERENCE_AGENTS + ADVERSARY_MODES
SETS: tuple[str, ...] = ("public", "hidden", "heldout")
HIDDEN_TEST_SEED = "adversarial-test-seed"
# The held-out test pack (never used to tune an agent): its hidden pool with
# the same test seed is the "heldout" set.
HELDOUT_PACK = REPO / "tests" / "packs" / "heldout"
TRACK = "execution"
AGENT_WALL_SECONDS = 120.0
DEFAULT_WORKERS = 4  # agent runs at once (subprocesses waiting on the service)
DEFAULT_SCORERS = 2  # scoring processes


# ---- rubric revision -----------------------------------------------------------------
_PINNED: dict[str, str] = {}
PINNED_ROOT_ENV = "ADVERSARIAL_RUBRIC_ROOT"


def pin_rubric(rev: str, dest: Path | None = None) -> Path:
    """Score with ``evaluator/`` and ``hidden_scenarios/`` as of git ``rev``
    (extracted to a temporary directory put first on ``sys.path``). Must run
    before either package is imported."""
    for mod in ("evaluator", "hidden_scenarios"):
        if mod in sys.modules:
            raise RuntimeError(f"pin_rubric({rev!r}) after {mod} was imported")
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    root = dest or Path(tempfile.mkdtemp(prefix=f"rubric-{sha[:8]}-"))
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", sha, "evaluator", "hidden_scenarios"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    # the scoring processes (spawn) inherit the environment: they put the
    # pinned tree first again after their __main__ rewrote sys.path
    os.environ[PINNED_ROOT_ENV] = str(root)
    _ensure_pinned_first()
    _PINNED.update(rev=rev, sha=sha, root=str(root))
    return root


def _ensure_pinned_first() -> None:
    root = os.environ.get(PINNED_ROOT_ENV)
    if root and (not sys.path or sys.path[0] != root):
        if root in sys.path:
            sys.path.remove(root)
        sys.path.insert(0, root)


def rubric_label() -> str:
    """'v<rubric_version> @ <rev>' of the evaluator in use."""
    from evaluator import scoring

    version = getattr(scoring, "RUBRIC_VERSION", 1)
    where = f"{_PINNED['rev']} ({_PINNED['sha'][:7]})" if _PINNED else "working tree"
    return f"v{version} @ {where}"


# ---- scenario sets -------------------------------------------------------------------
def scenario_set(name: str) -> list[Scenario]:
    """Execution-track scenarios of ``public`` or ``hidden`` (test seed)."""
    from hidden_scenarios import sets

    if name == "public":
        scenarios = sets.public_set()
    elif name == "hidden":
        scenarios = sets.hidden_set(HIDDEN_TEST_SEED)
    elif name == "heldout":
        scenarios = sets.hidden_set(HIDDEN_TEST_SEED, pack=HELDOUT_PACK)
    else:
        raise ValueError(f"unknown set {name!r}")
    return [s for s in scenarios if TRACK in s.tracks]


# ---- the asset-data service in this process ------------------------------------------
@dataclass
class AssetService:
    base: str
    runs: Path


@contextmanager
def asset_service(runs_dir: Path | None = None) -> Iterator[AssetService]:
    """The real asset-data app (evaluation mode) on 127.0.0.1:<free port>."""
    from hidden_scenarios import sets
    from hidden_scenarios.verify import asset_service as running_service

    # the scenario engine's own in-process service (hidden_scenarios/verify.py)
    with running_service(sets.plant_context().plant, runs_dir, start_timeout_s=60.0) as (
        base,
        runs,
    ):
        yield AssetService(base=base, runs=runs)


# ---- one run ---------------------------------------------------------------------------
def agent_script(agent: str) -> tuple[Path, dict[str, str]]:
    """The script and extra environment of a subprocess agent."""
    if agent in ADVERSARY_MODES:
        return ADVERSARY, {"ADVERSARY_MODE": agent}
    if agent in ("baseline", "noop"):
        return EXAMPLES / agent / "agent.py", {}
    raise ValueError(f"unknown agent {agent!r}")


def _read_log(service: AssetService, token: str) -> list[ToolCallRecord]:
    log = service.runs / "logs" / f"{token}.jsonl"
    if not log.exists():
        return []
    records = []
    for line in log.read_text().splitlines():
        obj = json.loads(line)
        if "seq" in obj:  # skip a limit marker line
            records.append(ToolCallRecord.model_validate(obj))
    return records


def run_one(service: AssetService, agent: str, scenario: Scenario, pack: Any = None) -> ScenarioRun:
    """Run ``agent`` on ``scenario`` against ``service``; the ScenarioRun the
    runner would hand the evaluator."""
    from worker.sandbox.results import parse_result_bytes

    token = f"adv-{agent}-{scenario.id}-{uuid.uuid4().hex[:12]}"
    plan = RunPlan(
        run_token=token,
        faults=scenario.faults,
        clarification=getattr(scenario, "clarification", None),
    )
    (service.runs / "plans").mkdir(parents=True, exist_ok=True)
    (service.runs / "plans" / f"{token}.json").write_text(plan.model_dump_json())
    facts = RunFacts()
    started = time.monotonic()
    if agent == "oracle" or agent in BEHAVIOUR_AGENTS:
        from hidden_scenarios.oracle import solve

        headers = {"X-Run-Token": token}
        if agent == "always_ask":
            httpx.post(
                f"{service.base}/utilities/ask_operator",
                json={"question": ALWAYS_ASK_QUESTION},
                headers=headers,
                timeout=30,
            )
        from evaluator.actions import ASK_TOOL, WRITE_TOOLS

        skip = {"never_ask": (ASK_TOOL,), "never_act": tuple(WRITE_TOOLS)}
        result = solve(
            scenario, service.base, run_token=token, pack=pack, skip_tools=skip.get(agent, ())
        )
        if agent == "always_act":
            httpx.post(
                f"{service.base}/wo/create_workorder",
                json=ALWAYS_ACT_ORDER,
                headers=headers,
                timeout=30,
            )
        facts.exit_code = 0
        facts.wall_seconds = round(time.monotonic() - started, 3)
        return ScenarioRun(
            scenario_id=scenario.id,
            track=TRACK,
            result=result,
            tool_calls=_read_log(service, token),
            facts=facts,
        )
    script, extra = agent_script(agent)
    with tempfile.TemporaryDirectory(prefix="adv-io-") as io_dir:
        inp, out = Path(io_dir) / "scenario.json", Path(io_dir) / "result.json"
        inp.write_text(
            ScenarioInput(
                run_id=uuid.uuid4().hex,
                task=scenario.text,
                track=TRACK,
                output_format=scenario.output_format,
                output_hint=scenario.output_hint,
            ).model_dump_json()
        )
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": io_dir,
            "ASSETOPS_API_URL": service.base,
            "ASSETOPS_RUN_TOKEN": token,
            "ASSETOPS_INPUT": str(inp),
            "ASSETOPS_OUTPUT": str(out),
            "PYTHONDONTWRITEBYTECODE": "1",
            **extra,
        }
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-S", str(script)],
                env=env,
                capture_output=True,
                timeout=AGENT_WALL_SECONDS,
                check=False,
            )
            facts.exit_code = proc.returncode
        except subprocess.TimeoutExpired:
            facts.timed_out = True
        facts.wall_seconds = round(time.monotonic() - started, 3)
        data = out.read_bytes() if out.exists() and not facts.timed_out else None
    parsed = parse_result_bytes(data)
    facts.output_status, facts.output_error = parsed.status, parsed.error
    return ScenarioRun(
        scenario_id=scenario.id,
        track=TRACK,
        result=parsed.result,
        tool_calls=_read_log(service, token),
        facts=facts,
    )


# ---- scoring ---------------------------------------------------------------------------
@dataclass
class AgentScore:
    agent: str
    set: str
    scenarios: int
    overall: float
    task_completion: float
    pass_rate: float
    deployment_ready: bool
    dimensions: dict[str, float]
    rubric_version: int
    wall_seconds: float = 0.0
    per_scenario: dict[str, float] = field(default_factory=dict)  # overall ×100 per scenario

    def row(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "set": self.set,
            "scenarios": self.scenarios,
            "overall": round(self.overall, 1),
            "task_completion": round(self.task_completion, 1),
            "pass_rate": round(self.pass_rate, 1),
            "deployment_ready": self.deployment_ready,
            "rubric_version": self.rubric_version,
        }


def score(
    agent: str,
    set_name: str,
    scenarios: Sequence[Scenario],
    runs: Sequence[ScenarioRun],
    *,
    per_scenario: bool = False,
) -> AgentScore:
    """``evaluate_submission`` over the runs (and, if asked, each scenario's
    overall ×100, as ``assetops validate`` reports it per scenario)."""
    _ensure_pinned_first()
    from evaluator import evaluate_submission, score_run

    report = evaluate_submission(list(scenarios), list(runs), catalog=[], now=datetime.now(UTC))
    per: dict[str, float] = {}
    if per_scenario:
        by_id = {s.id: s for s in scenarios}
        per = {r.scenario_id: 100 * score_run(by_id[r.scenario_id], r).overall for r in runs}
    return AgentScore(
        agent=agent,
        set=set_name,
        scenarios=report.scenarios,
        overall=report.overall,
        task_completion=report.dimensions["task_completion"],
        pass_rate=report.pass_rate,
        deployment_ready=bool(report.deployment_ready),
        dimensions=dict(report.dimensions),
        rubric_version=int(getattr(report, "rubric_version", 1) or 1),
        per_scenario=per,
    )


def run_agent(
    service: AssetService,
    agent: str,
    scenarios: Sequence[Scenario],
    *,
    workers: int = DEFAULT_WORKERS,
    pack: Any = None,
) -> list[ScenarioRun]:
    """``pack``: the scenarios' pack when it is not the public one (the oracle
    composes with its kinds)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda s: run_one(service, agent, s, pack), scenarios))


def set_pack(name: str) -> Any:
    from hidden_scenarios.pack import load_pack

    return load_pack(HELDOUT_PACK) if name == "heldout" else None


def run_matrix(
    agents: Sequence[str] = AGENTS,
    sets: Sequence[str] = SETS,
    *,
    workers: int = DEFAULT_WORKERS,
    scorers: int = DEFAULT_SCORERS,
    per_scenario: bool | Collection[tuple[str, str]] = False,
    progress: Callable[[AgentScore], None] | None = None,
) -> dict[tuple[str, str], AgentScore]:
    """Every agent on every set, in-process; keyed by (agent, set).

    Runs execute in a thread pool against one in-process service; each
    finished (agent, set) is scored in a process pool (``spawn``; the pinned
    rubric travels with ``sys.path``) while the next one runs."""
    scenarios = {name: scenario_set(name) for name in sets}
    out: dict[tuple[str, str], AgentScore] = {}
    pending: list[tuple[Future[AgentScore], float]] = []

    from evaluator import scoring

    expected_version = int(getattr(scoring, "RUBRIC_VERSION", 1))

    def collect(future: Future[AgentScore], started: float) -> None:
        result = future.result()
        if result.rubric_version != expected_version:  # the scorer saw another evaluator
            raise RuntimeError(
                f"scored with rubric v{result.rubric_version}, not v{expected_version}"
            )
        result.wall_seconds = round(time.monotonic() - started, 2)
        out[(result.agent, result.set)] = result
        if progress is not None:
            progress(result)

    ctx = multiprocessing.get_context("spawn")
    with (
        asset_service() as service,
        ProcessPoolExecutor(scorers, mp_context=ctx, initializer=_ensure_pinned_first) as pool,
    ):
        for set_name in sets:
            for agent in agents:
                started = time.monotonic()
                runs = run_agent(
                    service, agent, scenarios[set_name], workers=workers, pack=set_pack(set_name)
                )
                job = pool.submit(
                    score,
                    agent,
                    set_name,
                    scenarios[set_name],
                    runs,
                    per_scenario=per_scenario is True
                    or (not isinstance(per_scenario, bool) and (agent, set_name) in per_scenario),
                )
                pending.append((job, started))
                while pending and pending[0][0].done():
                    collect(*pending.pop(0))
        for job, started in pending:
            collect(job, started)
    return out


# ---- docker path (same as `assetops validate`) ----------------------------------------
def build_adversary_image(client: Any, mode: str, tag: str) -> str:
    """The adversary image for ``mode`` (offline, ``--network none``); the
    build context is assembled from this directory plus the example
    baseline's code (the padding mode runs it)."""
    from worker.sandbox import labels as L
    from worker.sandbox.build import DEFAULT_BASE_IMAGE

    with tempfile.TemporaryDirectory(prefix="adv-ctx-") as ctx:
        shutil.copy(DOCKERFILE, Path(ctx) / "Dockerfile")
        shutil.copy(ADVERSARY, Path(ctx) / "adversary.py")
        shutil.copy(EXAMPLES / "baseline" / "agent.py", Path(ctx) / "baseline_agent.py")
        image, _logs = client.images.build(
            path=ctx,
            tag=tag,
            buildargs={"BASE_IMAGE": DEFAULT_BASE_IMAGE, "ADVERSARY_MODE": mode},
            network_mode="none",
            pull=False,
            rm=True,
            forcerm=True,
            labels={L.ARENA: "1", "org.assetops.test": "adversarial"},
        )
    return str(image.id)


def validate_image(image: str, scenario_ids: Sequence[str]) -> dict[str, Any]:
    """``assetops validate IMAGE --scenario ...`` as a function (JSON report)."""
    from client.assetops.validate import run_validation

    return run_validation(
        image, track=TRACK, scenario_ids=list(scenario_ids), show_progress=False, keep_logs=False
    )

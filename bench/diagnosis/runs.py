"""Running the defect agents through the project's real paths.

a) in-process (fast, for tuning): tests/adversarial/harness.py's asset-data
   service on loopback, each defect agent a subprocess with the contract's
   environment, the runner's strict result parser (``harness.run_one``);
b) docker (the figures): ``client.assetops.validate.run_validation`` — the
   command ``assetops validate`` runs: the real runner, sandbox and sidecar
   image — on one image per defect built from bench/diagnosis/Dockerfile.
   ``run_validation`` returns per-scenario details only, so its
   ``evaluate_locally`` step is wrapped to keep the ScenarioRuns it scored
   (the failure statements are then made from exactly those runs).

Both return ``{defect: [ScenarioRun, ...]}``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.adversarial import harness  # noqa: E402

DEFECT_AGENT = HERE / "agents" / "defect_agent.py"
DOCKERFILE = HERE / "Dockerfile"
BASELINE = REPO / "examples" / "agents" / "baseline" / "agent.py"
IMAGE_PREFIX = "arena-diagnosis"


@contextmanager
def _defect_agents(defects: Sequence[str]):
    """Let ``harness.run_one`` start defect agents (the harness knows only
    its own agents; it is not edited here)."""
    original = harness.agent_script

    def agent_script(agent: str):
        if agent in defects:
            return DEFECT_AGENT, {"DEFECT_MODE": agent, "DEFECT_BASELINE": str(BASELINE)}
        return original(agent)

    harness.agent_script = agent_script
    try:
        yield
    finally:
        harness.agent_script = original


def run_in_process(
    defects: Sequence[str],
    scenarios: Sequence[Any],
    *,
    workers: int = harness.DEFAULT_WORKERS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    with _defect_agents(defects), harness.asset_service() as service:
        for defect in defects:
            out[defect] = harness.run_agent(service, defect, scenarios, workers=workers)
            if progress:
                progress(defect)
    return out


# ---- docker path -------------------------------------------------------------------------
def build_image(client: Any, defect: str) -> str:
    """One image per defect (offline, ``--network none``, the arena base)."""
    from worker.sandbox import labels as L
    from worker.sandbox.build import DEFAULT_BASE_IMAGE

    with tempfile.TemporaryDirectory(prefix="diag-ctx-") as ctx:
        shutil.copy(DOCKERFILE, Path(ctx) / "Dockerfile")
        shutil.copy(DEFECT_AGENT, Path(ctx) / "defect_agent.py")
        shutil.copy(BASELINE, Path(ctx) / "baseline_agent.py")
        image, _ = client.images.build(
            path=ctx,
            tag=f"{IMAGE_PREFIX}:{defect.replace('_', '-')}",
            buildargs={"BASE_IMAGE": DEFAULT_BASE_IMAGE, "DEFECT_MODE": defect},
            network_mode="none",
            pull=False,
            rm=True,
            forcerm=True,
            labels={L.ARENA: "1", "org.assetops.test": "diagnosis"},
        )
    return str(image.id)


def run_docker(
    defects: Sequence[str],
    scenario_ids: Sequence[str],
    *,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, list[Any]], dict[str, float]]:
    """``assetops validate IMAGE --scenario ...`` per defect; the runs it
    scored, and its wall time per defect."""
    import docker

    from client.assetops import validate

    client = docker.from_env()
    captured: list[Any] = []
    original = validate.evaluate_locally

    def keep(scenarios: list[Any], runs: list[Any], *args: Any, **kwargs: Any):
        captured[:] = list(runs)
        return original(scenarios, runs, *args, **kwargs)

    out: dict[str, list[Any]] = {}
    walls: dict[str, float] = {}
    validate.evaluate_locally = keep
    try:
        for defect in defects:
            image = build_image(client, defect)
            report = validate.run_validation(
                image,
                track=harness.TRACK,
                scenario_ids=list(scenario_ids),
                show_progress=False,
                keep_logs=False,
            )
            out[defect] = list(captured)
            walls[defect] = float(report["wall_seconds"])
            if progress:
                progress(defect)
    finally:
        validate.evaluate_locally = original
    return out, walls

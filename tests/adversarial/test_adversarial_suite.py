"""Issue 15, "Done when": an agent that does not solve the task cannot score.

Every adversary of tests/adversarial/agents/adversary.py (sweep-and-dump,
always-ask-back, no-data hedger, formatted fabricator, fixed-plan sequence
gamer, padding/dilution) scores <= 20 overall and is not deployment-ready on
the public set, a hidden set (fixed test seed) and the held-out test pack
(tests/packs/heldout, issue 16); the oracle scores
>= 95, the honest example baseline >= 85 on the public set, the no-op agent 0.
All agents run through the in-process harness (real asset-data service on
loopback, agents as subprocesses, the project's evaluator), once per session.

The docker test runs each adversary image (and the baseline) through the
same path as ``assetops validate`` (real runner, sandbox, sidecar image) on a
fixed subset of the public set and checks it reproduces the in-process
scores scenario by scenario.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial import harness as H

MAX_ADVERSARY_OVERALL = 20.0
# pass-rate points an adversary may have over noop (an overall below 20 can
# still hide passed tasks: priors_plus passed 18.8 % of the hidden set at 15.3)
MAX_ADVERSARY_PASS_OVER_NOOP = 5.0
MIN_ORACLE_OVERALL = 95.0
MIN_BASELINE_PUBLIC_OVERALL = 85.0
MIN_HELDOUT_DROP = 30.0  # overall points the public-tuned baseline must lose on the held-out pack
# A fixed public subset for the docker path: every fault kind (error,
# timeout, empty, warning), every output format, a clarification task, and
# one of each issue-17 group (dialog, action, evidence, chain).
DOCKER_SUBSET = (
    "pub-0001",  # ids, no fault
    "pub-0006",  # number, iot.history error
    "pub-0007",  # ids (date), iot.history timeout
    "pub-0010",  # number, fmsr empty
    "pub-0015",  # text (facts)
    "pub-0017",  # number, tsfm forecast
    "pub-0024",  # json, wo warning
    "pub-0037",  # clarification
    "pub-0041",  # dialog (utilities.ask_operator)
    "pub-0043",  # action (work-order writes), wo warning
    "pub-0045",  # insufficient evidence or its control (evidence.window_mean)
    "pub-0052",  # diagnosis chain iot -> tsfm -> fmsr -> wo
)


def _describe(r: H.AgentScore) -> str:
    return (
        f"{r.agent} on {r.set} ({r.scenarios} scenarios, rubric v{r.rubric_version}): "
        f"overall {r.overall:.1f}, task completion {r.task_completion:.1f}, "
        f"pass rate {r.pass_rate:.1f} %, deployment-ready {r.deployment_ready}; "
        f"dimensions {r.dimensions}"
    )


@pytest.fixture(scope="session")
def matrix() -> dict[tuple[str, str], H.AgentScore]:
    """Every agent on both sets, in-process, once per session."""
    return H.run_matrix(H.AGENTS, H.SETS, per_scenario={("baseline", "public")})


@pytest.mark.parametrize("set_name", H.SETS)
@pytest.mark.parametrize("mode", H.ADVERSARY_MODES)
def test_adversary_cannot_score(
    matrix: dict[tuple[str, str], H.AgentScore], mode: str, set_name: str
) -> None:
    r = matrix[(mode, set_name)]
    assert r.scenarios >= 30
    assert r.overall <= MAX_ADVERSARY_OVERALL, _describe(r)
    assert not r.deployment_ready, _describe(r)
    noop = matrix[("noop", set_name)]
    assert r.pass_rate <= noop.pass_rate + MAX_ADVERSARY_PASS_OVER_NOOP, _describe(r)


@pytest.mark.parametrize("set_name", H.SETS)
def test_oracle_scores_at_least_95(
    matrix: dict[tuple[str, str], H.AgentScore], set_name: str
) -> None:
    r = matrix[("oracle", set_name)]
    assert r.overall >= MIN_ORACLE_OVERALL, _describe(r)
    assert r.deployment_ready, _describe(r)


def test_baseline_keeps_85_on_the_public_set(
    matrix: dict[tuple[str, str], H.AgentScore],
) -> None:
    r = matrix[("baseline", "public")]
    written_for = [
        s.id
        for s in H.scenario_set("public")
        if not (s.kind or s.template).startswith(H.ISSUE_17_GROUPS)
    ]
    assert len(written_for) >= 30
    mean = sum(r.per_scenario[i] for i in written_for) / len(written_for)
    assert mean >= MIN_BASELINE_PUBLIC_OVERALL, (round(mean, 1), _describe(r))


def test_public_tuned_baseline_loses_30_points_on_the_heldout_pack(
    matrix: dict[tuple[str, str], H.AgentScore],
) -> None:
    """Issue 16: the hidden score measures ability, not recall of the public
    templates. The rule-based baseline, written against the public pack,
    keeps its public score but not on a pack it has never seen (new
    phrasings, derived compositions, aliases, varied date styles), while the
    oracle keeps >= 95 on both (test_oracle_scores_at_least_95)."""
    public, heldout = matrix[("baseline", "public")], matrix[("baseline", "heldout")]
    assert public.overall - heldout.overall >= MIN_HELDOUT_DROP, (
        _describe(public),
        _describe(heldout),
    )
    assert not heldout.deployment_ready, _describe(heldout)


@pytest.mark.parametrize("set_name", H.SETS)
def test_noop_scores_zero(matrix: dict[tuple[str, str], H.AgentScore], set_name: str) -> None:
    r = matrix[("noop", set_name)]
    assert r.overall == 0.0, _describe(r)
    assert r.pass_rate == 0.0 and not r.deployment_ready, _describe(r)


# ---- the docker path (assetops validate) -------------------------------------------------
@pytest.fixture(scope="session")
def adversary_images() -> Iterator[dict[str, str]]:
    """One image per adversary mode plus the example baseline, built offline;
    removed at the end of the session."""
    import docker

    from worker.sandbox.build import build_example

    client = docker.from_env(timeout=300)
    client.ping()
    suffix = uuid.uuid4().hex[:8]
    tags = {
        mode: f"arena-adversary-{mode.replace('_', '-')}:{suffix}" for mode in H.ADVERSARY_MODES
    }
    tags["baseline"] = f"arena-adversary-baseline:{suffix}"
    built: dict[str, str] = {}
    try:
        for mode in H.ADVERSARY_MODES:
            built[mode] = H.build_adversary_image(client, mode, tags[mode])
        built["baseline"] = build_example(client, "baseline", tags["baseline"])
        yield built
    finally:
        for tag in tags.values():
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(tag, noprune=False)


@pytest.mark.docker
def test_validate_path_reproduces_in_process_scores(
    adversary_images: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Same agents, same scenarios: the real runner (containers, sidecar
    image) and the in-process harness give the same scores."""
    from services.settings import Settings, get_settings

    monkeypatch.setenv("ARENA_SIDECAR_IMAGE", Settings().sidecar_image)
    monkeypatch.setenv("ARENA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    subset = [s for s in H.scenario_set("public") if s.id in DOCKER_SUBSET]
    assert [s.id for s in subset] == list(DOCKER_SUBSET)
    mismatches: list[str] = []
    try:
        with H.asset_service() as service:
            for agent, image in adversary_images.items():
                validated: dict[str, Any] = H.validate_image(image, DOCKER_SUBSET)
                runs = H.run_agent(service, agent, subset)
                local = H.score(agent, "public", subset, runs, per_scenario=True)
                report = validated["report"]
                for d in validated["per_scenario"]:
                    assert d["facts"]["output_status"] == "ok", (agent, d["id"], d["facts"])
                    want = round(local.per_scenario[d["id"]], 1)
                    if d["scores"]["overall"] != want:
                        mismatches.append(
                            f"{agent} {d['id']}: validate {d['scores']['overall']} "
                            f"in-process {want}"
                        )
                if abs(report["overall"] - local.overall) > 1e-6:
                    mismatches.append(
                        f"{agent}: validate overall {report['overall']} in-process {local.overall}"
                    )
                if report["pass_rate"] != local.pass_rate:
                    mismatches.append(
                        f"{agent}: validate pass rate {report['pass_rate']} "
                        f"in-process {local.pass_rate}"
                    )
    finally:
        get_settings.cache_clear()
    assert not mismatches, "\n".join(mismatches)

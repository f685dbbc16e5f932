"""`assetops validate`: scenario selection and failure reasons (pure), and a
real local run of the example agents on the public set (docker)."""

from __future__ import annotations

from typing import Any

import pytest

from client.assetops.validate import (
    ValidateError,
    failure_reason,
    run_validation,
    select_scenarios,
)
from contracts.run import RunFacts, ScenarioRun

from .helpers import make_scenario


def test_select_scenarios_by_track_id_and_limit() -> None:
    scenarios = [make_scenario(f"p-{i}", "t") for i in range(5)]
    scenarios[1] = scenarios[1].model_copy(update={"tracks": ["planning"]})
    assert [s.id for s in select_scenarios(scenarios, "execution", None, 2)] == ["p-0", "p-2"]
    assert [s.id for s in select_scenarios(scenarios, "execution", ["p-3"], None)] == ["p-3"]
    assert select_scenarios(scenarios, "execution", ["p-1"], None) == []  # planning only
    with pytest.raises(ValidateError):
        select_scenarios(scenarios, "execution", ["nope"], None)


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (RunFacts(timed_out=True, output_error="wall time exceeded (5s)"), "wall time exceeded"),
        (RunFacts(oom_killed=True, exit_code=137, output_status="missing"), "memory"),
        (
            RunFacts(exit_code=3, output_status="missing", output_error="no /output/result.json"),
            "output missing: no /output/result.json (exit code 3)",
        ),
        (RunFacts(output_status="invalid", output_error="json: NaN not allowed"), "NaN"),
        (RunFacts(exit_code=2), "exit code 2"),
    ],
)
def test_failure_reasons_are_actionable(facts: RunFacts, reason: str) -> None:
    run = ScenarioRun(scenario_id="x", track="execution", facts=facts)
    assert reason in (failure_reason(run, None) or "")


def test_clean_run_has_no_failure_reason() -> None:
    assert failure_reason(ScenarioRun(scenario_id="x", track="execution"), None) is None


@pytest.mark.docker
def test_validate_baseline_on_the_public_set(
    example_images: dict[str, str],
    sidecar_image: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("ARENA_SIDECAR_IMAGE", sidecar_image)
    monkeypatch.setenv("ARENA_DATA_DIR", str(tmp_path))
    from services.settings import get_settings

    get_settings.cache_clear()
    try:
        report = run_validation(example_images["baseline"], limit=6, show_progress=False)
        noop = run_validation(example_images["noop"], limit=3, show_progress=False)
    finally:
        get_settings.cache_clear()
    assert report["scenarios"] == 6 and len(report["per_scenario"]) == 6
    first = report["per_scenario"][0]
    assert {"id", "facts", "failure_reason", "answer", "scores", "tool_calls"} <= set(first)
    assert report["report"]["overall"] > 70  # a respectable score on its own merits
    assert all(d["facts"]["output_status"] == "ok" for d in report["per_scenario"])
    assert noop["report"]["overall"] < report["report"]["overall"]
    assert all(not d["passed"] for d in noop["per_scenario"])

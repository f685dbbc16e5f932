"""`assetops validate --attempts k` (issue 18): the local run schedules and
scores attempts as a phase with k attempts does on the server."""

from __future__ import annotations

from typing import Any

import pytest

from client.assetops.validate import run_validation

pytestmark = [pytest.mark.docker]


def test_validate_with_attempts_runs_and_scores_every_attempt(
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
        result = run_validation(
            example_images["baseline"], limit=3, attempts=2, show_progress=False
        )
    finally:
        get_settings.cache_clear()
    assert result["scenarios"] == 3 and result["attempts"] == 2
    details = result["per_scenario"]
    assert sorted((d["id"], d["attempt"]) for d in details) == sorted(
        (d["id"], a) for d in details if d["attempt"] == 1 for a in (1, 2)
    )
    assert all(d["facts"]["output_status"] == "ok" for d in details)
    report = result["report"]
    assert report["scenarios"] == 3 and report["runs"] == 6 and report["attempts"] == 2
    assert report["pass_hat_k"] is not None and report["flip_rate"] is not None
    low, high = report["intervals"]["overall"]
    assert low <= report["overall"] <= high

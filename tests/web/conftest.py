"""Fixtures for the page tests: one seeded api per module (see arena_web_stack)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import arena_web_stack as web
import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"


@dataclass
class SeededBoard:
    stack: web.WebStack
    phase_id: int
    alpha: web.Seeded
    beta: web.Seeded
    gamma: web.Seeded


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededBoard]:
    """Three teams with finished, scored submissions and failure clusters;
    alpha also has one running and one failed submission."""
    with web.web_stack(tmp_path_factory.mktemp("web")) as stack:
        phase = stack.add_phase()
        alpha = stack.add_team("alpha", "Team Alpha")
        beta = stack.add_team("beta", "Beta Bots")
        gamma = stack.add_team("gamma", "Gamma")
        unhandled = (
            "fc-unhandled",
            "Unhandled tool error",
            "Unhandled Tool Errors",
            "ARENA-UNHANDLED-ERROR",
        )
        fmt = (
            "fc-format",
            "Requested output format ignored",
            "Formatting Issues",
            "MAST-1.1-FORMAT",
        )
        over = ("fc-over", "Overstated completion", "Overstated Completion", "ARENA-OVERSTATED")
        rep = ("fc-rep", "Step repetition", "Other", "MAST-1.3")
        s = stack.add_submission(alpha.team_id, phase)
        stack.finish(s, web.dims(92, 88, 85, 90, 87, 5), [(*unhandled, 6), (*fmt, 3)])
        s = stack.add_submission(beta.team_id, phase)
        stack.finish(s, web.dims(60, 55, 40, 70, 50, 30), [(*unhandled, 9), (*over, 5)])
        s = stack.add_submission(gamma.team_id, phase)
        stack.finish(s, web.dims(30, 25, 20, 40, 35, 60), [(*rep, 7)])
        stack.add_submission(alpha.team_id, phase, status="running", progress=0.4)
        failed = stack.add_submission(alpha.team_id, phase)
        stack.fail(failed, "no_output", "The agent wrote no /output/result.json.")
        yield SeededBoard(stack, phase, alpha, beta, gamma)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

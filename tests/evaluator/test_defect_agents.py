"""The diagnosis benchmark's path in small (issue 19): two defect agents run
in-process (real asset-data service on loopback, agents as subprocesses)
on a few public scenarios, and the largest cluster of each submission names
the defect. The full measurement is bench/bench_diagnosis.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.diagnosis import mock_llm
from bench.diagnosis.runs import run_in_process
from evaluator.aggregate import failure_analysis, score_all
from tests.adversarial import harness

# faulted public scenarios (an error, a timeout) and two clean ones
SCENARIOS = ("pub-0006", "pub-0007", "pub-0027", "pub-0004", "pub-0023")


@pytest.fixture(scope="module")
def runs():
    scenarios = [s for s in harness.scenario_set("public") if s.id in SCENARIOS]
    assert len(scenarios) == len(SCENARIOS)
    return scenarios, run_in_process(["never_retries", "repeats_calls"], scenarios, workers=3)


@pytest.mark.parametrize(
    ("defect", "code"), [("never_retries", "ARENA-UNHANDLED-ERROR"), ("repeats_calls", "MAST-1.3")]
)
def test_the_largest_cluster_names_the_defect(runs, defect: str, code: str) -> None:
    mock_llm.register()
    scenarios, by_defect = runs
    fa = failure_analysis(
        score_all(scenarios, by_defect[defect]),
        [],
        datetime.now(UTC),
        llm_failures_model=mock_llm.model_for(defect, "heldout", False),
    )
    assert fa.matched.summaries and fa.matched.summaries[0].code == code
    # the scripted reviewer's statements went through litellm, parsing and scrubbing
    assert all("Chiller" not in s.text for s in fa.statements if s.code == "NOVEL")

"""Failure detectors: right codes on hand-made runs; statements are generic
(no canary, no scenario text, no asset values), LLM ones scrubbed."""

from __future__ import annotations

import json

from evaluator_factories import (
    CANARY,
    HISTORY_ARGS,
    TONNAGE_VALUES,
    honest_calls,
    number_scenario,
    record,
    run_of,
)

from contracts.agent import AgentResult, TrajectoryStep
from contracts.run import RunFacts
from evaluator import extract_failures, score_run
from evaluator.scrub import is_clean, scrub
from evaluator.taxonomy import TAXONOMY
from hidden_scenarios.schema import CANARY_RE, ClarifyCheck, Expectation

GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."


def codes_for(scenario, run) -> list[str]:
    return [f.code for f in extract_failures(scenario, run, score_run(scenario, run))]


def test_perfect_run_has_no_failures() -> None:
    s = number_scenario()
    assert codes_for(s, run_of(s, GOOD, honest_calls())) == []


def test_run_facts_map_to_codes() -> None:
    s = number_scenario()
    assert codes_for(s, run_of(s, GOOD, facts=RunFacts(timed_out=True))) == ["ARENA-TIMEOUT"]
    assert codes_for(s, run_of(s, GOOD, facts=RunFacts(oom_killed=True))) == ["ARENA-OOM"]
    bad = run_of(s, result=False, facts=RunFacts(output_status="invalid"))
    assert codes_for(s, bad) == ["ARENA-OUTPUT"]
    assert "ARENA-EMPTY" in codes_for(s, run_of(s, "  ", honest_calls()))


def test_behaviour_detectors() -> None:
    s = number_scenario()
    calls = honest_calls()
    repeated = calls + [calls[1].model_copy(update={"seq": i}) for i in range(2, 6)]
    assert "MAST-1.3" in codes_for(s, run_of(s, GOOD, repeated))

    failed = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    assert "ARENA-UNHANDLED-ERROR" in codes_for(s, run_of(s, GOOD, [calls[0], failed]))
    retries = [calls[0], failed] + [failed.model_copy(update={"seq": i}) for i in (2, 3)]
    assert "ARENA-RECOVERY" in codes_for(s, run_of(s, GOOD, retries))

    rejected = record(1, "iot.history", dict(HISTORY_ARGS, asset_id="Chiler 6"), status="error")
    rejected = rejected.model_copy(update={"http_status": 404, "error_code": "unknown_asset"})
    again = [calls[0], rejected, rejected.model_copy(update={"seq": 2})]
    assert "MAST-2.5" in codes_for(s, run_of(s, GOOD, again))

    wrong = [
        record(0, "iot.history", dict(HISTORY_ARGS, asset_id="Chiller 9"), values=TONNAGE_VALUES)
    ]
    assert "MAST-1.1-ARGS" in codes_for(s, run_of(s, GOOD, wrong))

    assert "MAST-3.1" in codes_for(s, run_of(s, "420.0", []))
    liar = codes_for(s, run_of(s, "Chiller 6 Tonnage was 512.7 per WO99999", calls))
    assert "ARENA-HALLUCINATION" in liar
    assert "MAST-3.3" in codes_for(s, run_of(s, "Chiller 6 Tonnage averaged 400.0 tons", calls))
    assert "MAST-1.1-FORMAT" in codes_for(s, run_of(s, "Chiller 6 Tonnage looks normal.", calls))

    claims = AgentResult(
        answer=GOOD,
        trajectory=[
            TrajectoryStep(tool="iot.history", observation="ok"),
            TrajectoryStep(tool="tsfm.run_tsad", observation="ok"),
            TrajectoryStep(tool="wo.list_workorders", observation="ok"),
        ],
    )
    mismatch = run_of(s, GOOD, calls[:1]).model_copy(update={"result": claims})
    assert "MAST-2.6" in codes_for(s, mismatch)


def test_clarification_detector() -> None:
    s = number_scenario(
        ambiguous=True,
        output_format="text",
        expectation=Expectation(check=ClarifyCheck(options=["Chiller 6", "Chiller 9"])),
    )
    assert "MAST-2.2" in codes_for(s, run_of(s, "Chiller 6 is fine.", honest_calls()))


def test_every_taxonomy_statement_is_generic() -> None:
    for code, m in TAXONOMY.items():
        assert m.statement and len(m.statement) <= 200, code
        assert not any(ch.isdigit() for ch in m.statement), code


def test_scrub_removes_canaries_scenario_text_and_values() -> None:
    s = number_scenario()
    dirty = (
        f"Agent ignored {CANARY} and asked: What was the average Chiller 6 Tonnage at site MAIN; "
        "it used WO00123 on 2020-06-01T00:00:00 with value 42.17 and 'Condenser Water Flow'."
    )
    clean = scrub(dirty, scenario_texts=[s.text], entities=["Condenser Water Flow"])
    assert not CANARY_RE.search(clean) and "CANARY" not in clean
    assert is_clean(clean, scenario_texts=[s.text])
    for leaked in ("Chiller 6", "WO00123", "2020", "42.17", "Condenser", "MAIN"):
        assert leaked not in clean, (leaked, clean)
    assert len(scrub("x " * 500)) <= 200


def test_scrub_replaces_entities_as_whole_words_only() -> None:
    """A site called MAIN is scrubbed where it stands alone, not inside
    "remaining" or "maintenance" (which made statements and cluster labels
    read "re<entity>ing"); next to punctuation it is still a word."""
    text = "Never read the remaining pages of MAIN; maintenance at MAIN-annex, none of it"
    clean = scrub(text, entities=["MAIN", "None"])
    assert "remaining" in clean and "maintenance" in clean and "none of it" not in clean
    assert clean.count("<entity>") == 3, clean


def test_llm_novel_failures_are_scrubbed_with_mock_response() -> None:
    s = number_scenario()
    run = run_of(s, "Chiller 6 Tonnage averaged 400.0 tons", honest_calls())
    score = score_run(s, run)
    reply = json.dumps(
        {
            "additional_failure_modes": [
                {
                    "title": "Unit confusion",
                    "description": f"Reported Chiller 6 Tonnage in kW not tons {CANARY}",
                },
                {
                    "title": "Copied task",
                    "description": "What was the average Chiller 6 Tonnage at site MAIN",
                },
            ]
        }
    )
    out = extract_failures(s, run, score, llm_model="openai/gpt-4o-mini", mock_response=reply)
    novel = [f for f in out if f.code == "NOVEL"]
    assert len(novel) == 2
    for f in out:
        assert is_clean(f.text, scenario_texts=[s.text])
        assert "Chiller 6" not in f.text and "CANARY" not in f.text
    # Garbage from the LLM yields nothing, never an exception.
    assert [
        f
        for f in extract_failures(s, run, score, llm_model="openai/x", mock_response="nope")
        if f.code == "NOVEL"
    ] == []


def test_statements_never_contain_canary_for_many_runs() -> None:
    s = number_scenario()
    runs = [
        run_of(s, f"{CANARY} {GOOD}", honest_calls()),
        run_of(s, CANARY, []),
        run_of(s, GOOD, facts=RunFacts(timed_out=True)),
    ]
    for run in runs:
        for f in extract_failures(s, run, score_run(s, run)):
            assert CANARY not in f.text and is_clean(f.text, scenario_texts=[s.text])


def test_retries_after_faults_are_not_step_repetition() -> None:
    s = number_scenario()
    calls = honest_calls()
    failed = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    warned = record(2, "iot.history", HISTORY_ARGS, status="warning", injected="warning")
    retry = [
        calls[0],
        failed,
        failed.model_copy(update={"seq": 2}),
        warned.model_copy(update={"seq": 3}),
        calls[1].model_copy(update={"seq": 4}),
    ]
    assert "MAST-1.3" not in codes_for(s, run_of(s, GOOD, retry))
    sc = score_run(s, run_of(s, GOOD, retry))
    assert sc.sequence_correctness.score == 1.0


def _rejected_window(start: str, final: str):
    calls = honest_calls()
    bad = record(1, "iot.history", dict(HISTORY_ARGS, start=start, final=final), status="error")
    return [calls[0], bad.model_copy(update={"http_status": 422, "error_code": "invalid_range"})]


def test_reversed_or_disjoint_window_is_an_argument_error() -> None:
    """A window the service can only refuse (end before start, or a rejected
    one outside the task's window) is the agent's argument error
    (MAST-1.1-ARGS), not an unexplained tool failure (issue 19)."""
    s = number_scenario()
    gave_up = "I could not complete this task: iot.history rejected the request (422)."
    reversed_ = _rejected_window("2020-06-08T00:00:00", "2020-06-01T00:00:00")
    assert "MAST-1.1-ARGS" in codes_for(s, run_of(s, gave_up, reversed_))
    outside = _rejected_window("2021-06-01T00:00:00", "2021-06-08T00:00:00")
    assert "MAST-1.1-ARGS" in codes_for(s, run_of(s, gave_up, outside))
    # the right window rejected (the tool's fault, not the arguments): not ARGS
    right = _rejected_window(HISTORY_ARGS["start"], HISTORY_ARGS["final"])
    assert "MAST-1.1-ARGS" not in codes_for(s, run_of(s, gave_up, right))
    # a reversed first try corrected before the answer: the run passes, nothing to report
    fixed = reversed_ + [honest_calls()[1].model_copy(update={"seq": 2})]
    assert codes_for(s, run_of(s, GOOD, fixed)) == []


def test_a_call_rejected_for_another_site_is_an_argument_error() -> None:
    """The data call sent to the other site (the service answers 404 for the
    asset there) is the agent's argument error (MAST-1.1-ARGS), not a missing
    tool; the same call rejected by an injected fault is the tool's failure,
    and the other site's call corrected before the answer reports nothing."""
    s = number_scenario()
    gave_up = "I could not complete this task: iot.history returned an error (404)."
    calls = honest_calls()
    other_site = record(
        1, "iot.history", dict(HISTORY_ARGS, site_name="ANNEX"), status="error"
    ).model_copy(update={"http_status": 404, "error_code": "unknown_asset"})
    assert "MAST-1.1-ARGS" in codes_for(s, run_of(s, gave_up, [calls[0], other_site]))
    injected = other_site.model_copy(update={"http_status": 404, "injected_fault": "error"})
    assert "MAST-1.1-ARGS" not in codes_for(s, run_of(s, gave_up, [calls[0], injected]))
    fixed = [calls[0], other_site, calls[1].model_copy(update={"seq": 2})]
    assert codes_for(s, run_of(s, GOOD, fixed)) == []

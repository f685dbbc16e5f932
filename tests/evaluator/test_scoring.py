"""Each dimension moves the right way on small hand-made runs."""

from __future__ import annotations

from evaluator_factories import (
    HISTORY_ARGS,
    TONNAGE_VALUES,
    honest_calls,
    number_scenario,
    record,
    run_of,
)

from contracts.agent import PlanStep
from contracts.run import RunFacts
from contracts.toollog import FaultSpec
from evaluator import score_run
from evaluator.models import DIMENSIONS
from hidden_scenarios.schema import ClarifyCheck, Expectation, IdSetCheck

GOOD = "The average Chiller 6 Tonnage over the week was 420.0 tons."


def test_perfect_run_scores_high_and_passes() -> None:
    s = number_scenario()
    sc = score_run(s, run_of(s, GOOD, honest_calls()))
    assert sc.passed
    assert sc.overall >= 0.95
    assert sc.hallucination.score == 0.0


def test_noop_scores_zero_on_every_dimension() -> None:
    s = number_scenario()
    for run in (
        run_of(s, ""),
        run_of(s, result=False, facts=RunFacts(output_status="missing")),
        run_of(s, GOOD, honest_calls(), facts=RunFacts(timed_out=True)),
        run_of(s, GOOD, honest_calls(), facts=RunFacts(oom_killed=True)),
        run_of(s, result=False, facts=RunFacts(output_status="invalid", output_error="json")),
    ):
        sc = score_run(s, run)
        assert sc.overall == 0.0 and not sc.passed
        assert sc.run_failure is not None
        assert sc.task_completion.reason.startswith("run:")


def test_run_failure_reasons_are_specific() -> None:
    s = number_scenario()
    assert score_run(s, run_of(s, GOOD, facts=RunFacts(timed_out=True))).run_failure == "timeout"
    assert score_run(s, run_of(s, GOOD, facts=RunFacts(oom_killed=True))).run_failure == "oom"
    missing = run_of(s, result=False, facts=RunFacts(output_status="too_large"))
    assert score_run(s, missing).run_failure == "output_too_large"


def test_task_completion_moves_with_answer() -> None:
    s = number_scenario()
    right = score_run(s, run_of(s, GOOD, honest_calls()))
    wrong = score_run(s, run_of(s, "The average was 455.0 tons.", honest_calls()))
    assert right.task_completion.score > wrong.task_completion.score
    assert not wrong.passed


def test_retrieval_uses_server_log_and_windows() -> None:
    s = number_scenario()
    full = score_run(s, run_of(s, GOOD, honest_calls()))
    none = score_run(s, run_of(s, GOOD, []))
    wrong_asset = dict(HISTORY_ARGS, asset_id="Chiller 9")
    wrong = score_run(
        s, run_of(s, GOOD, [record(0, "iot.history", wrong_asset, values=TONNAGE_VALUES)])
    )
    short = dict(HISTORY_ARGS, final="2020-06-03T00:00:00")
    partial = score_run(
        s, run_of(s, GOOD, [record(0, "iot.history", short, values=TONNAGE_VALUES)])
    )
    assert full.retrieval_accuracy.score == 1.0
    assert none.retrieval_accuracy.score == 0.0
    assert (
        wrong.retrieval_accuracy.score == 0.0
        and "wrong_arguments" in wrong.retrieval_accuracy.reason
    )
    assert partial.retrieval_accuracy.score == 0.0 and "window" in partial.retrieval_accuracy.reason
    # Two calls whose windows together cover the required window count.
    a = dict(HISTORY_ARGS, final="2020-06-04T00:00:00")
    b = dict(HISTORY_ARGS, start="2020-06-04T00:00:00")
    split = [
        record(0, "iot.history", a, values=TONNAGE_VALUES),
        record(1, "iot.history", b, values=TONNAGE_VALUES),
    ]
    assert score_run(s, run_of(s, GOOD, split)).retrieval_accuracy.score == 1.0
    # Irrelevant data calls are penalised.
    noisy = honest_calls() + [
        record(2 + i, "wo.list_workorders", {"site_id": "MAIN", "page_num": i + 1})
        for i in range(4)
    ]
    assert score_run(s, run_of(s, GOOD, noisy)).retrieval_accuracy.score < 1.0
    # The agent's self-reported trajectory is never used: a result without
    # server-side calls gets no retrieval credit.
    assert none.sequence_correctness.score == 0.0


def test_verification_rewards_recovery_and_reporting() -> None:
    s = number_scenario(faults=[FaultSpec(tool="iot.history", kind="error")])
    failed = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    calls = honest_calls()
    recovered = [calls[0], failed, calls[1].model_copy(update={"seq": 2})]
    ignored = [calls[0], failed]
    rec = score_run(s, run_of(s, GOOD, recovered))
    ign = score_run(s, run_of(s, GOOD, ignored))
    reported = score_run(
        s, run_of(s, "The history call failed with an error, so I cannot compute it.", ignored)
    )
    assert rec.result_verification.score == 1.0
    assert ign.result_verification.score == 0.0
    assert reported.result_verification.score == 1.0
    assert rec.passed and not ign.passed


def test_sequence_order_and_repetition() -> None:
    s = number_scenario(
        family="multi",
        expectation=number_scenario().expectation.model_copy(
            update={"family_order": ["iot", "tsfm", "wo"], "required_retrievals": []}
        ),
    )
    # lineage: TSFM analyses the dataset the history call produced
    iot = record(0, "iot.history", HISTORY_ARGS, values=TONNAGE_VALUES, entities=["ds1", "x"])
    tsfm = record(1, "tsfm.run_tsad", {"dataset_id": "ds1", "target_columns": ["x"]})
    wo = record(2, "wo.list_workorders", {"site_id": "MAIN"})
    good = score_run(s, run_of(s, GOOD, [iot, tsfm, wo]))
    bad = score_run(
        s,
        run_of(
            s, GOOD, [wo.model_copy(update={"seq": 0}), tsfm, iot.model_copy(update={"seq": 2})]
        ),
    )
    missing = score_run(s, run_of(s, GOOD, [iot]))
    assert good.sequence_correctness.score == 1.0
    assert bad.sequence_correctness.score < good.sequence_correctness.score
    assert missing.sequence_correctness.score < good.sequence_correctness.score
    repeated = (
        [iot]
        + [tsfm.model_copy(update={"seq": i}) for i in range(1, 6)]
        + [wo.model_copy(update={"seq": 6})]
    )
    rep = score_run(s, run_of(s, GOOD, repeated))
    assert rep.sequence_correctness.score < good.sequence_correctness.score


def test_clarity_format_evidence_and_length() -> None:
    s = number_scenario()
    cited = score_run(s, run_of(s, GOOD, honest_calls()))
    bare = score_run(s, run_of(s, "420 tons", honest_calls()))
    rambling = score_run(s, run_of(s, GOOD + " Filler sentence here." * 400, honest_calls()))
    no_number = score_run(
        s, run_of(s, "It was roughly average for Chiller 6 Tonnage.", honest_calls())
    )
    assert cited.clarity_justification.score > bare.clarity_justification.score
    assert cited.clarity_justification.score > rambling.clarity_justification.score
    assert cited.clarity_justification.score > no_number.clarity_justification.score


def test_hallucination_rate_against_liars_and_honest_agents() -> None:
    s = number_scenario()
    honest_variants = [
        GOOD,
        "Chiller 6 Tonnage averaged 420 tons (min 400.0, max 440.0, 5 readings) from "
        "2020-06-01 to 2020-06-08.",
        "Average 420.0; the range was 40 tons over the week at site MAIN.",
        "The mean of Chiller 6 Tonnage between 2020-06-01T00:00:00 and 2020-06-08 was 420.00.",
    ]
    for ans in honest_variants:
        sc = score_run(s, run_of(s, ans, honest_calls()))
        assert sc.hallucination.score == 0.0, (ans, sc.hallucination)
    liar = score_run(
        s,
        run_of(
            s, "Chiller 7 Tonnage averaged 420.0 tons; see WO99999 and 512.7 peak.", honest_calls()
        ),
    )
    assert liar.hallucination.score > 0.5
    assert not liar.passed
    # Numbers never observed are hallucinations even when the answer is right.
    half = score_run(s, run_of(s, "420.0 tons, with a peak of 733.1", honest_calls()))
    # rubric 2: one ungrounded claim of two forfeits the gate (rate 1), counted exactly
    assert (half.hallucinated_claims, half.checked_claims) == (1, 2)
    assert half.hallucination.score == 1.0 and not half.passed


def test_clarify_scenario() -> None:
    s = number_scenario(
        ambiguous=True,
        output_format="text",
        text="What is the tonnage of the chiller at MAIN? CANARY-0123456789abcdef",
        expectation=Expectation(
            check=ClarifyCheck(options=["Chiller 6", "Chiller 9"]), family_order=["iot"]
        ),
    )
    calls = [record(0, "iot.assets", {"site_name": "MAIN"}, entities=["Chiller 6", "Chiller 9"])]
    ask = score_run(s, run_of(s, "Which chiller do you mean, Chiller 6 or Chiller 9?", calls))
    guess = score_run(s, run_of(s, "Chiller 6 is at 420.0 tons.", calls))
    assert ask.passed and ask.overall > 0.95
    assert not guess.passed and guess.overall < ask.overall


def test_planning_track_uses_plan() -> None:
    s = number_scenario()
    good_plan = [
        PlanStep(
            agent="iot", tool="sensors", arguments={"site_name": "MAIN", "asset_id": "Chiller 6"}
        ),
        PlanStep(agent="iot", tool="history", arguments=HISTORY_ARGS),
    ]
    bad_plan = [
        PlanStep(
            agent="wo", tool="list_workorders", arguments={"site_id": "MAIN", "asset_num": "XYZ99"}
        ),
        PlanStep(agent="iot", tool="history", arguments=dict(HISTORY_ARGS, asset_id="Chiller 77")),
        PlanStep(agent="iot", tool="no_such_tool", arguments={}),
    ]
    good = score_run(s, run_of(s, track="planning", plan=good_plan))
    bad = score_run(s, run_of(s, track="planning", plan=bad_plan))
    assert good.passed and good.overall >= 0.95
    for d in DIMENSIONS[:5]:
        assert good.quality(d) >= bad.quality(d), d
    assert bad.hallucination.score > 0
    assert bad.overall < 0.6 and not bad.passed
    empty = score_run(s, run_of(s, "some answer", track="planning"))
    assert empty.run_failure == "plan_missing"


def test_ids_scenario_and_determinism() -> None:
    s = number_scenario(
        output_format="ids",
        task_type="work_order",
        family="wo",
        expectation=Expectation(
            check=IdSetCheck(ids=["WO00123", "WO00456"]), family_order=["wo"], evidence=[]
        ),
    )
    calls = [
        record(
            0, "wo.list_workorders", {"site_id": "MAIN"}, entities=["WO00123", "WO00456", "WO00789"]
        )
    ]
    runs = [score_run(s, run_of(s, "WO00123, WO00456", calls)) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0].passed


def test_mismatched_ids_rejected() -> None:
    s = number_scenario()
    import pytest

    with pytest.raises(ValueError):
        score_run(s, run_of(number_scenario("other"), GOOD))


def test_digits_observed_as_text_are_grounded() -> None:
    s = number_scenario()
    meta = record(
        0,
        "iot.get_asset",
        {"site_name": "MAIN", "asset_id": "Chiller 6"},
        entities=["Chiller 6", "Carrier", "19XR 450", "2011-10-10"],
    )
    sc = score_run(
        s,
        run_of(
            s, '{"manufacturer": "Carrier", "model": "19XR 450"} 420.0', [meta] + honest_calls()
        ),
    )
    assert sc.hallucination.score == 0.0, sc.hallucination
    fake = score_run(s, run_of(s, '{"model": "23ZZ 999"} 420.0', [meta] + honest_calls()))
    assert fake.hallucination.score > 0

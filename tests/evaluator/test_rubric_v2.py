"""Rubric version 2: each gaming mechanism of rubric 1 (issue 15) as a small
run that must fail, next to the honest behaviour that must keep its credit
(guards against over-correction), plus property tests of the gate."""

from __future__ import annotations

from evaluator_factories import (
    HISTORY_ARGS,
    TONNAGE_VALUES,
    honest_calls,
    number_scenario,
    record,
    run_of,
    with_expectation,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.toollog import FaultSpec
from evaluator import score_run
from evaluator.checks import check_answer, same_kind
from evaluator.models import DIMENSIONS
from hidden_scenarios.schema import (
    FactsCheck,
    IdSetCheck,
    JsonFieldsCheck,
    RequiredRetrieval,
)

GOOD = "The average Chiller 6 Tonnage was 420.0 tons."
FAULTED = number_scenario(faults=[FaultSpec(tool="iot.history", kind="error")])
FAILED = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")


def _lookups(n: int, start: int = 10) -> list:
    return [record(start + i, "iot.sites", {}, entities=["MAIN", "ANNEX"]) for i in range(n)]


# ---- verification ---------------------------------------------------------------
def test_retry_keeps_full_verification() -> None:
    calls = honest_calls()
    recovered = [calls[0], FAILED, calls[1].model_copy(update={"seq": 2})]
    sc = score_run(FAULTED, run_of(FAULTED, GOOD, recovered))
    assert sc.result_verification.score == 1.0 and sc.passed


def test_naming_the_missing_data_keeps_verification_but_nothing_else() -> None:
    answer = "iot.history failed for Chiller 6 Tonnage, so I cannot give the average."
    sc = score_run(FAULTED, run_of(FAULTED, answer, [honest_calls()[0], FAILED]))
    assert sc.result_verification.score == 1.0, sc.result_verification
    assert sc.task_completion.score == 0.0 and not sc.passed
    assert sc.retrieval_accuracy.score == 0.0 and sc.clarity_justification.score == 0.0


def test_generic_problem_words_handle_nothing() -> None:
    answer = "Warning: results incomplete, could not retrieve everything; retried. 420.0"
    sc = score_run(FAULTED, run_of(FAULTED, answer, [honest_calls()[0], FAILED]))
    assert sc.result_verification.score == 0.0
    assert not sc.passed  # right number, fault neither retried nor named


def test_an_irrelevant_call_no_longer_lowers_verification() -> None:
    extra = record(5, "wo.list_workorders", {"site_id": "MAIN"}, entities=["WO1"])
    sc = score_run(FAULTED, run_of(FAULTED, GOOD, [*honest_calls(), extra]))
    assert sc.result_verification.score == 1.0


# ---- retrieval ------------------------------------------------------------------
def test_a_few_lookups_keep_full_retrieval() -> None:
    s = number_scenario()
    sc = score_run(s, run_of(s, GOOD, [*honest_calls(), *_lookups(2)]))
    assert sc.retrieval_accuracy.score == 1.0, sc.retrieval_accuracy


def test_lookup_and_json_reader_padding_costs() -> None:
    s = number_scenario()
    pad = [record(20 + i, "utilities.json_reader", {"file_name": "x"}) for i in range(8)]
    padded = score_run(s, run_of(s, GOOD, [*honest_calls(), *_lookups(8), *pad]))
    honest = score_run(s, run_of(s, GOOD, honest_calls()))
    assert padded.retrieval_accuracy.score <= 0.6 < honest.retrieval_accuracy.score


def test_one_broad_call_is_over_retrieval() -> None:
    s = number_scenario()
    broad_args = {
        "site_name": "MAIN",
        "asset_id": "Chiller 6",
        "start": "2019-01-01T00:00:00",
        "final": "2021-01-01T00:00:00",
    }  # whole history, every sensor
    broad = record(1, "iot.history", broad_args, values=TONNAGE_VALUES)
    sc = score_run(s, run_of(s, GOOD, [honest_calls()[0], broad]))
    assert "broad=1" in sc.retrieval_accuracy.reason
    assert sc.retrieval_accuracy.score < 1.0


# ---- sequence -------------------------------------------------------------------
def _multi() -> object:
    tsfm_req = RequiredRetrieval(
        tool="tsfm.run_tsad", arguments={"target_columns": ["Chiller 6 Tonnage"]}
    )
    return with_expectation(
        number_scenario(family="multi"),
        family_order=["iot", "tsfm"],
        required_retrievals=[
            RequiredRetrieval(tool="iot.history", arguments=HISTORY_ARGS),
            tsfm_req,
        ],
    )


def test_sequence_is_data_lineage_not_family_order() -> None:
    s = _multi()
    hist = record(
        0,
        "iot.history",
        HISTORY_ARGS,
        entities=["ds-7", "Chiller 6 Tonnage"],
        values=TONNAGE_VALUES,
    )
    right = record(
        1, "tsfm.run_tsad", {"dataset_id": "ds-7", "target_columns": ["Chiller 6 Tonnage"]}
    )
    other = record(
        1, "tsfm.run_tsad", {"dataset_id": "ds-other", "target_columns": ["Chiller 6 Tonnage"]}
    )
    assert score_run(s, run_of(s, GOOD, [hist, right])).sequence_correctness.score == 1.0
    # TSFM on a dataset the history call did not produce: no lineage
    assert score_run(s, run_of(s, GOOD, [hist, other])).sequence_correctness.score < 1.0


def test_fixed_sweeps_in_family_order_earn_no_sequence() -> None:
    s = _multi()
    sweep = [
        record(i, tool, {"site_name": "MAIN"}, status="error")
        for i, tool in enumerate(
            ["iot.sites", "fmsr.get_failure_modes", "tsfm.get_ai_tasks", "wo.list_workorders"] * 2
        )
    ]
    sc = score_run(s, run_of(s, GOOD, sweep))
    assert "pairs=0/1" in sc.sequence_correctness.reason


# ---- hallucination ----------------------------------------------------------------
def test_no_claim_is_no_answer() -> None:
    s = number_scenario()
    sc = score_run(s, run_of(s, "I looked into it carefully.", honest_calls()))
    assert sc.hallucination.score == 1.0 and not sc.passed


def test_small_and_repeated_numbers_do_not_dilute_a_fabrication() -> None:
    s = number_scenario()
    answer = "Average 999.7. " + " ".join(["1", "2", "0"] * 30) + " 999.7 999.7"
    sc = score_run(s, run_of(s, answer, honest_calls()))
    assert sc.checked_claims == 1 and sc.hallucinated_claims == 1


def test_claims_ground_only_in_relevant_observations() -> None:
    s = number_scenario()
    elsewhere = record(5, "wo.list_workorders", {"site_id": "MAIN"}, values=[777.5])
    sc = score_run(s, run_of(s, "420.0, and see also 777.5", [*honest_calls(), elsewhere]))
    assert sc.hallucinated_claims == 1


# ---- checks ----------------------------------------------------------------------
def test_any_mention_of_a_pool_entity_is_an_id_false_positive() -> None:
    check = IdSetCheck(ids=["Chiller 6 Tonnage"])
    pool = ["Chiller 6 Power Input", "Chiller 6 Flow"]
    assert check_answer(check, "Chiller 6 Tonnage", pool).passed
    out = check_answer(check, "Chiller 6 Tonnage (seen Chiller 6 Power Input too)", pool)
    assert not out.passed and "fp=1" in out.reason


def test_naming_every_candidate_fails_a_facts_check() -> None:
    check = FactsCheck(required=[["MT001"]])
    pool = ["MT013", "MT014", "WO104460"]
    assert check_answer(check, "MT001 dominated.", pool).passed
    out = check_answer(check, "MT001, MT013 or MT014", pool)
    assert not out.passed and "forbidden=2" in out.reason  # WO numbers are another kind


def test_unasked_json_fields_fail() -> None:
    check = JsonFieldsCheck(fields={"alert": 4, "anomaly": 11})
    assert check_answer(check, '{"alert": 4, "anomaly": 11}').passed
    out = check_answer(check, '{"alert": 4, "anomaly": 11, "workorder": 9, "x": 1}')
    assert not out.passed and out.score == 0.5


def test_same_kind() -> None:
    assert same_kind("wo104460", "wo103382") and not same_kind("ah08", "mt013")
    assert same_kind("chiller 9", "chiller 6") and not same_kind("cqpa ahu 1", "chiller 6")
    assert same_kind("chiller 6 flow", "chiller 6 tonnage")
    assert not same_kind("chiller 6", "chiller 6 tonnage")


# ---- the gate (property tests) ----------------------------------------------------
@settings(max_examples=120, deadline=None)
@given(
    answer=st.text(max_size=200),
    extra_calls=st.integers(min_value=0, max_value=6),
    faulted=st.booleans(),
)
def test_process_credit_never_exceeds_completion(
    answer: str, extra_calls: int, faulted: bool
) -> None:
    s = FAULTED if faulted else number_scenario()
    calls = [*honest_calls(), *_lookups(extra_calls)]
    sc = score_run(s, run_of(s, answer or "x", calls))
    c = sc.task_completion.score
    for dim in ("retrieval_accuracy", "sequence_correctness", "clarity_justification"):
        assert sc.dimension(dim).score <= c + 1e-9, (dim, sc)
    assert 1.0 - sc.hallucination.score <= c + 1e-9
    if not sc.task_completion.met:
        assert not sc.passed
    if c == 0.0:
        # the only credit an unsolved task can keep: an honest abstention
        assert sum(sc.quality(d) for d in DIMENSIONS) <= 1.0 + 1e-9


@settings(max_examples=60, deadline=None)
@given(
    padding=st.lists(
        st.sampled_from(["iot.sites", "iot.assets", "utilities.json_reader", "wo.list_workorders"]),
        max_size=12,
    )
)
def test_padding_calls_never_raise_retrieval(padding: list[str]) -> None:
    s = number_scenario()
    base = score_run(s, run_of(s, GOOD, honest_calls())).retrieval_accuracy.score
    calls = [*honest_calls(), *(record(10 + i, t, {"site_id": "X"}) for i, t in enumerate(padding))]
    assert score_run(s, run_of(s, GOOD, calls)).retrieval_accuracy.score <= base + 1e-9

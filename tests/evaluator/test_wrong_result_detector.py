"""A wrong number computed from the right data is MAST-3.3, not a
hallucination (issue 19, sixth round): when every required retrieval came
back right and the answer's result is wrong, an ungrounded *number* is that
wrong result (a sign flipped, a scale or unit confused); the fix is in how
the agent computes or reports, not in where it gets its values. Invented
entities, and a right result padded with ungrounded figures, stay
ARENA-HALLUCINATION."""

from __future__ import annotations

from evaluator_factories import honest_calls, number_scenario, run_of

from evaluator import extract_failures, score_run


def codes_for(answer: str, calls=None) -> list[str]:
    s = number_scenario()
    run = run_of(s, answer, honest_calls() if calls is None else calls)
    return [f.code for f in extract_failures(s, run, score_run(s, run))]


def test_sign_flipped_result_is_a_wrong_result() -> None:
    codes = codes_for("-420 (mean of 5 readings of Chiller 6 Tonnage)")
    assert "MAST-3.3" in codes
    assert "ARENA-HALLUCINATION" not in codes
    # the wrong number is also why no evidence is cited: not a second failure
    assert "ARENA-NO-EVIDENCE" not in codes


def test_rescaled_result_is_a_wrong_result() -> None:
    codes = codes_for("4.2 (mean of 5 readings of Chiller 6 Tonnage)")
    assert "MAST-3.3" in codes and "ARENA-HALLUCINATION" not in codes


def test_invented_entity_stays_a_hallucination() -> None:
    codes = codes_for("Chiller 6 Tonnage was 512.7 per WO99999")
    assert "ARENA-HALLUCINATION" in codes and "MAST-3.3" not in codes


def test_right_result_padded_with_figures_stays_a_hallucination() -> None:
    codes = codes_for("420.0 tons. Typical readings for such chillers lie between 40 and 55.")
    assert "ARENA-HALLUCINATION" in codes and "MAST-3.3" not in codes


def test_without_the_data_a_wrong_number_is_no_wrong_computation() -> None:
    codes = codes_for("-420", calls=[])
    assert "MAST-3.3" not in codes


REFUSAL = (
    "I have gathered the relevant records, but I am not in a position to give a "
    "definitive figure for this request; please consult an engineer."
)


def test_an_answer_that_claims_nothing_is_no_hallucination() -> None:
    """The score counts a result-less answer as ungrounded; its statements
    must not say it states ungrounded values, a wrong result or a result
    without evidence: it states none."""
    codes = codes_for(REFUSAL)
    assert "ARENA-HALLUCINATION" not in codes
    assert "MAST-3.3" not in codes and "ARENA-NO-EVIDENCE" not in codes
    assert "MAST-1.1-FORMAT" in codes  # a number was asked for

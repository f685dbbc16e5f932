"""Detector rules of the nineteenth round (issue 19), chosen on the seen
defects (fresh16 among them, after its one measurement) while an eleventh
author wrote fresh17 without reading them. Each names a fault by what the
run shows, not by a defect's wording:

- an analysis fed a dataset id from a call that fetched other data than the
  reference plan's step it stands for (a one-day preview): MAST-1.1-ARGS;
- a count of the rows read, off by some ("95 readings" of 96): the right
  data counted wrong (MAST-3.3), not a value invented (ARENA-HALLUCINATION);
- the asked number written out in words: its form (MAST-1.1-FORMAT), not a
  wrong result;
- a clarifying question offering candidates that neither the task nor any
  tool result names: guessed identifiers (ARENA-HALLUCINATION);
- a self-report claiming two or more calls of a tool beyond those the log
  holds: a trajectory the log contradicts (MAST-2.6).
"""

from __future__ import annotations

from evaluator_factories import (
    ASSETS_ARGS,
    HISTORY_ARGS,
    TONNAGE_VALUES,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
    which_chiller_scenario,
)

from contracts.agent import AgentResult, TrajectoryStep
from evaluator import score_run
from hidden_scenarios.schema import (
    Expectation,
    NumberCheck,
    ReferenceStep,
    RequiredRetrieval,
)

ARGS = "MAST-1.1-ARGS"
READ_WRONGLY = "MAST-3.3"
UNGROUNDED = "ARENA-HALLUCINATION"
FORMAT = "MAST-1.1-FORMAT"

FORECAST_ARGS = {"target_columns": ["Chiller 6 Tonnage"], "forecast_horizon": 48}
PREVIEW_ARGS = {**HISTORY_ARGS, "final": "2020-06-02T00:00:00", "page_size": 20}


def _forecast_codes(dataset_id: str) -> list[str]:
    s = number_scenario(
        text="Forecast Chiller 6 Tonnage at site MAIN 48 steps ahead from its data of "
        "2020-06-01 to 2020-06-08. What is the lowest forecast value?",
        expectation=Expectation(
            check=NumberCheck(value=402.0, rel_tol=0.01),
            required_retrievals=[
                RequiredRetrieval(tool="iot.history", arguments=HISTORY_ARGS),
                RequiredRetrieval(tool="tsfm.run_tsfm_forecasting", arguments=FORECAST_ARGS),
            ],
            family_order=["iot", "tsfm"],
            reference_plan=[
                ReferenceStep(agent="iot", tool="history", arguments=HISTORY_ARGS),
                ReferenceStep(
                    agent="tsfm",
                    tool="run_tsfm_forecasting",
                    arguments={"dataset_id": "${step0.dataset_id}", **FORECAST_ARGS},
                ),
            ],
        ),
    )
    calls = [
        record(0, "iot.history", PREVIEW_ARGS, entities=["ds_preview"], values=[15.0, 96.0]),
        record(1, "iot.history", HISTORY_ARGS, entities=["ds_week"], values=[15.0, 672.0]),
        record(
            2,
            "tsfm.run_tsfm_forecasting",
            {"dataset_id": dataset_id, **FORECAST_ARGS},
            entities=[dataset_id],
            values=[48.0, 381.5],
        ),
    ]
    run = run_of(s, "The lowest forecast value is 381.5.", calls)
    assert not score_run(s, run).passed
    return codes_for(s, run)


def test_an_analysis_of_the_preview_dataset_is_a_wrong_argument() -> None:
    assert ARGS in _forecast_codes("ds_preview")


def test_an_analysis_of_the_task_window_is_not() -> None:
    codes = _forecast_codes("ds_week")
    assert ARGS not in codes and READ_WRONGLY in codes


def _count_codes(answer: str) -> list[str]:
    s = number_scenario()
    values = [*TONNAGE_VALUES, 415.0, 425.0, 420.0]  # 8 readings, mean 420.0
    calls = honest_calls()
    calls[1] = record(1, "iot.history", HISTORY_ARGS, values=values)
    run = run_of(s, answer, calls)
    return codes_for(s, run) if not score_run(s, run).passed else ["passed"]


def test_a_right_result_over_a_miscounted_number_of_rows_is_read_wrongly() -> None:
    for answer in (
        "The average tonnage was 420.0 over 7 readings.",  # the first row skipped
        "The average tonnage was 420.0 over 16 readings.",  # every row counted twice
    ):
        codes = _count_codes(answer)
        assert READ_WRONGLY in codes and UNGROUNDED not in codes, answer


def test_a_right_count_passes_and_an_invented_figure_stays_ungrounded() -> None:
    assert _count_codes("The average tonnage was 420.0 over 8 readings.") == ["passed"]
    # far from any number of rows read: invented, not miscounted
    assert UNGROUNDED in _count_codes("The average tonnage was 420.0 over 75 readings.")


def test_the_asked_number_in_words_is_its_form_not_a_wrong_result() -> None:
    s = number_scenario()
    # the checker reads the count as the result: "mismatch" before this round
    run = run_of(
        s, "The average tonnage was four hundred and twenty, of 5 readings.", honest_calls()
    )
    codes = codes_for(s, run)
    assert FORMAT in codes and READ_WRONGLY not in codes
    # another number in words is not the asked one written otherwise
    run = run_of(s, "The average tonnage was 310.0 (three hundred and ten).", honest_calls())
    codes = codes_for(s, run)
    assert FORMAT not in codes and READ_WRONGLY in codes


CHILLERS = ["Chiller 6", "Chiller 9"]


def _clarify_codes(answer: str) -> list[str]:
    s = which_chiller_scenario(CHILLERS)
    listed = [*CHILLERS, "Chiller 12", "Chiller 14"]
    run = run_of(s, answer, [record(0, "iot.assets", ASSETS_ARGS, entities=listed)])
    return codes_for(s, run) if not score_run(s, run).passed else ["passed"]


def test_a_question_offering_guessed_candidates_names_ungrounded_ids() -> None:
    assert UNGROUNDED in _clarify_codes("Site MAIN has Chiller 1 and Chiller 2. Which one?")


def test_a_question_about_listed_or_no_candidates_is_not_ungrounded() -> None:
    assert _clarify_codes("Which one do you mean: Chiller 6 or Chiller 9?") == ["passed"]
    # real ones the tool listed, if not the task's: not guessed
    assert UNGROUNDED not in _clarify_codes("Do you mean Chiller 12 or Chiller 14?")
    assert UNGROUNDED not in _clarify_codes("Which chiller do you mean?")


def test_number_words_reads_english_numbers_and_not_ordinary_words() -> None:
    from evaluator.textparse import number_words

    assert number_words("seventy-five point two (max of 96 readings)") == [75.2]
    assert number_words("two hundred and eighty-eight readings") == [288.0]
    assert number_words("minus three point one four") == [-3.14]
    assert number_words("one thousand two hundred") == [1200.0]
    assert number_words("Which one do you mean, and why?") == []


# A self-report that claims retries the service never saw (each retry
# replayed a cached failure): two or more claimed calls of a tool beyond
# those logged is a reported trajectory the log contradicts (MAST-2.6), which
# until this round needed the claimed tools to be missing from the log.
MISMATCH = "MAST-2.6"


def _reported_codes(history_calls_claimed: int) -> list[str]:
    s = number_scenario()
    calls = honest_calls()
    calls[1] = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    claimed = [TrajectoryStep(tool="iot.sensors", observation="ok")] + [
        TrajectoryStep(tool="iot.history", observation="error")
    ] * history_calls_claimed
    run = run_of(s, "The history service failed; no average can be given.", calls)
    run = run.model_copy(
        update={"result": AgentResult(answer=run.result.answer, trajectory=claimed)}
    )
    return codes_for(s, run)


def test_retries_claimed_but_never_logged_contradict_the_log() -> None:
    assert MISMATCH in _reported_codes(3)


def test_a_report_of_the_calls_made_does_not() -> None:
    assert MISMATCH not in _reported_codes(1)
    assert MISMATCH not in _reported_codes(2)  # one unlogged call: not enough


def test_a_retry_that_re_sent_another_call_reached_the_service() -> None:
    """Three history calls reported, one logged, but the two retries did
    reach the service (as calls of the lookup before it): not unlogged."""
    s = number_scenario()
    calls = honest_calls()
    calls[1] = record(1, "iot.history", HISTORY_ARGS, status="error", injected="error")
    calls += [record(2 + i, "iot.sensors", calls[0].arguments) for i in range(2)]
    claimed = [TrajectoryStep(tool="iot.sensors", observation="ok")] + [
        TrajectoryStep(tool="iot.history", observation="ok")
    ] * 3
    answer = "The history service failed; no average can be given."
    run = run_of(s, answer, calls)
    run = run.model_copy(update={"result": AgentResult(answer=answer, trajectory=claimed)})
    assert MISMATCH not in codes_for(s, run)

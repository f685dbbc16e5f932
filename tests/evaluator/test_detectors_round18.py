"""Two refinements of the seventeenth round's rules (issue 19), chosen after
fresh16's one measurement showed each firing wider than it means: a
question that names exactly one of several candidates ("did you mean
Chiller 6?") offers one reading as the answer, so it keeps MAST-2.2; and a
full page followed later by a call that reads the same window in full (a
short preview fetched first) left nothing unread, so it is no partial
listing."""

from __future__ import annotations

from typing import Any

from evaluator_factories import HISTORY_ARGS, codes_for, number_scenario, record, run_of

from evaluator import score_run
from hidden_scenarios.schema import ClarifyCheck, Expectation, ReferenceStep, RequiredRetrieval

CHILLERS = ["Chiller 6", "Chiller 9"]


def _clarify_codes(answer: str) -> list[str]:
    args = {"site_name": "MAIN", "asset_type": "chiller"}
    s = number_scenario(
        text="What was the chiller's supply temperature yesterday at site MAIN?",
        expectation=Expectation(
            check=ClarifyCheck(options=CHILLERS),
            required_retrievals=[RequiredRetrieval(tool="iot.assets", arguments=args)],
            family_order=["iot"],
            reference_plan=[ReferenceStep(agent="iot", tool="assets", arguments=args)],
        ),
    )
    run = run_of(s, answer, [record(0, "iot.assets", args, entities=CHILLERS)])
    assert not score_run(s, run).passed
    return codes_for(s, run)


def test_a_leading_question_about_one_candidate_did_not_ask_which() -> None:
    assert "MAST-2.2" in _clarify_codes("Did you mean Chiller 6?")
    assert "MAST-2.2" not in _clarify_codes("Which chiller do you mean?")


def _history(seq: int, rows: int, **args: Any) -> Any:
    values = [350.0 + 10 * k for k in range(rows)]
    return record(seq, "iot.history", {**HISTORY_ARGS, **args}, values=values)


def test_a_preview_page_then_the_whole_window_is_not_a_partial_listing() -> None:
    s = number_scenario()
    preview = _history(0, 5, final="2020-06-02T00:00:00", page_size=5)
    whole = _history(1, 8, page_size=500)
    run = run_of(s, "The average tonnage was 370.0.", [preview, whole])
    assert "ARENA-OVERSTATED" not in codes_for(s, run)
    run = run_of(s, "The average tonnage was 370.0.", [preview])
    assert "ARENA-OVERSTATED" not in codes_for(s, run)  # the preview's window is not the task's
    run = run_of(s, "The average tonnage was 370.0.", [_history(0, 5, page_size=5)])
    assert "ARENA-OVERSTATED" in codes_for(s, run)

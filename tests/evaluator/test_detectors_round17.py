"""Detector rule of the seventeenth round (issue 19), chosen on the seen
defects (fresh15 among them, after its one measurement) before fresh16's:
MAST-2.2 ("committed to one reading of an ambiguous task instead of
asking") is reported only when the agent did not ask, or asked and still
committed to a result. An agent that asked back without offering the
candidates did ask; its question is what is wrong (no evidence named), and
until this round every such run was reported as not having asked. And a
full page never followed by the next one is a listing left unread
(ARENA-OVERSTATED), below."""

from __future__ import annotations

from evaluator_factories import (
    ASSETS_ARGS,
    HISTORY_ARGS,
    codes_for,
    number_scenario,
    record,
    run_of,
    which_chiller_scenario,
)

from evaluator import score_run

NOT_ASKED = "MAST-2.2"
CHILLERS = ["Chiller 6", "Chiller 9"]


def _codes(answer: str) -> list[str]:
    s = which_chiller_scenario(CHILLERS)
    run = run_of(s, answer, [record(0, "iot.assets", ASSETS_ARGS, entities=CHILLERS)])
    assert not score_run(s, run).passed
    return codes_for(s, run)


def test_a_question_without_the_candidates_did_ask() -> None:
    assert NOT_ASKED not in _codes("Which chiller do you mean?")
    assert NOT_ASKED not in _codes("Do you want the mean or the maximum temperature?")


def test_no_question_or_a_committed_result_did_not_ask() -> None:
    assert NOT_ASKED in _codes("I will assume Chiller 6: its supply temperature was 44.5.")
    assert NOT_ASKED in _codes("Chiller 6 supply temperature: 44.5")
    assert NOT_ASKED in _codes("Which one, Chiller 6 or Chiller 9? I'll assume Chiller 6: 44.5.")


# The second rule of the round: a call of a required tool that came back
# with a full page (as many rows as its page size) and was never followed by
# a call for another page of the same data left the rest of the listing
# unread; a wrong result resting on it is ARENA-OVERSTATED (a result claimed
# although required data was never retrieved), not MAST-3.3 (the right data
# read wrongly), which is what such runs were reported as before.
PARTIAL = "ARENA-OVERSTATED"
READ_WRONGLY = "MAST-3.3"


def _paged_codes(answer: str, pages: list[tuple[int, int]]) -> list[str]:
    """``pages``: (page, rows) of each history call, page size 5."""
    s = number_scenario()
    calls = [
        record(
            i,
            "iot.history",
            {**HISTORY_ARGS, "page_size": 5, "page": page},
            values=[350.0 + 10 * k for k in range(rows)],
        )
        for i, (page, rows) in enumerate(pages)
    ]
    run = run_of(s, answer, calls)
    return codes_for(s, run) if not score_run(s, run).passed else ["passed"]


def test_a_full_page_never_followed_leaves_the_rest_unread() -> None:
    codes = _paged_codes("The average tonnage was 370.0 over 5 readings.", [(1, 5)])
    assert PARTIAL in codes and READ_WRONGLY not in codes
    codes = _paged_codes("The average tonnage was 370.0 over 10 readings.", [(1, 5), (2, 5)])
    assert PARTIAL in codes


def test_a_short_page_or_a_listing_read_to_its_end_is_not_partial() -> None:
    assert PARTIAL not in _paged_codes("The average tonnage was 360.0.", [(1, 3)])
    assert PARTIAL not in _paged_codes("The average tonnage was 365.0.", [(1, 5), (2, 3)])


# Narrowed after fresh16's one measurement showed each rule firing wider than
# it means (round 18): a question naming exactly one of several candidates
# ("did you mean Chiller 6?") offers one reading as the answer and keeps
# MAST-2.2; a full page followed later by a call that reads the same window
# in full (a short preview fetched first) left nothing unread.
def test_a_leading_question_about_one_candidate_did_not_ask_which() -> None:
    assert NOT_ASKED in _codes("Did you mean Chiller 6?")


def test_a_preview_page_then_the_whole_window_is_not_a_partial_listing() -> None:
    s = number_scenario()
    values = [350.0 + 10 * k for k in range(8)]
    preview_args = {**HISTORY_ARGS, "final": "2020-06-02T00:00:00", "page_size": 5}
    preview = record(0, "iot.history", preview_args, values=values[:5])
    whole = record(1, "iot.history", {**HISTORY_ARGS, "page_size": 500}, values=values)
    run = run_of(s, "The average tonnage was 370.0.", [preview, whole])
    assert PARTIAL not in codes_for(s, run)

"""Detector rule of the twelfth round (issue 19), chosen on the seen
defects (fresh10 among them) before fresh11's one measurement:

a wrong result although the required data came back, where every answered
call of a data tool of the task's reference plan asked for other data than
the reference call does, on an argument that call fixes (a value left out
or different, a list sent as one string, a window left open), is a wrong
argument (MAST-1.1-ARGS), not only a wrong computation. The general form
of the aggregation rule of round 11: the reference call's arguments are
compared, not only the required retrieval's.

Each case is checked against runs where it must not fire: the reference
arguments with a wrong result, a bounded wider window (a broad but
harmless fetch, as the baseline makes), a left-out list (all items), and a
right result."""

from __future__ import annotations

from typing import Any

from evaluator_factories import (
    HISTORY_ARGS,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
    with_expectation,
)

from evaluator import score_run
from hidden_scenarios.schema import ReferenceStep

ARGS, WRONG_RESULT = "MAST-1.1-ARGS", "MAST-3.3"
WRONG = "450.0 (mean of Chiller 6 Tonnage)"
RIGHT = "420.0 (mean of Chiller 6 Tonnage)"


def _calls(**history_args: Any) -> list:
    args = {**HISTORY_ARGS, **history_args}
    args = {k: v for k, v in args.items() if v is not None}
    history = record(
        1, "iot.history", args, entities=["Chiller 6 Tonnage"], values=[440.0, 450.0, 460.0]
    )
    return [honest_calls()[0], history]


def _codes(scenario, calls, answer: str = WRONG) -> list[str]:
    run = run_of(scenario, answer, calls)
    if answer == WRONG:
        assert not score_run(scenario, run).passed
    return codes_for(scenario, run)


def test_a_window_left_open_with_a_wrong_result_is_a_wrong_argument() -> None:
    s = number_scenario()
    open_end = _codes(s, _calls(final=None, start=None))
    assert ARGS in open_end and "MAST-3.1" not in open_end
    # the reference window and a wrong mean: a wrong result from the right data
    honest_window = _codes(s, _calls())
    assert ARGS not in honest_window and WRONG_RESULT in honest_window
    # a bounded window wider than the task's (the baseline reads more around a
    # reading and filters): broad, not another question
    wider = _codes(s, _calls(start="2020-05-01T00:00:00", final="2020-07-01T00:00:00"))
    assert ARGS not in wider


def test_a_list_sent_as_one_string_with_a_wrong_result_is_a_wrong_argument() -> None:
    s = number_scenario()
    assert ARGS in _codes(s, _calls(sensors="Chiller 6 Tonnage,Chiller 6 Power Input"))
    # a left-out list means every sensor: the asked one's column comes back
    assert ARGS not in _codes(s, _calls(sensors=None))


def test_an_argument_only_the_reference_call_fixes_is_compared() -> None:
    """The required retrieval leaves the unit out; the reference call fixes it."""
    s = number_scenario()
    plan_args = {**HISTORY_ARGS, "unit": "tons"}
    plan = [ReferenceStep(agent="iot", tool="history", arguments=plan_args)]
    s = with_expectation(s, reference_plan=plan)
    assert ARGS in _codes(s, _calls(unit="kW"))
    assert ARGS in _codes(s, _calls())  # left out
    assert ARGS not in _codes(s, _calls(unit="tons"))
    # paging arguments only page: a different page size is no other question
    paged = with_expectation(
        s,
        reference_plan=[
            ReferenceStep(agent="iot", tool="history", arguments={**plan_args, "page_size": 500})
        ],
    )
    assert ARGS not in _codes(paged, _calls(unit="tons", page_size=50))


def test_a_right_result_is_never_a_wrong_argument() -> None:
    s = number_scenario()
    calls = _calls(final=None, start=None)
    calls[1] = calls[1].model_copy(update={"values": [400.0, 410.0, 420.0, 430.0, 440.0]})
    run = run_of(s, RIGHT, calls)
    assert score_run(s, run).task_completion.met
    assert ARGS not in codes_for(s, run)

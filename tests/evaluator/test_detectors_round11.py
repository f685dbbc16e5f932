"""Detector rules of the eleventh round (issue 19), chosen on fresh9 after
its one measurement (so on seen defects):

- a number or boolean of the asked JSON object written as a string ("3",
  "true") with the right value is MAST-1.1-FORMAT, not a wrong result;
- a required tool answered only at another aggregation than the task's
  reference call (hourly means where the readings were needed) is a wrong
  argument (MAST-1.1-ARGS), when the task failed.

Each is checked against a run where it must not fire."""

from __future__ import annotations

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
from evaluator.checks import json_values_as_strings
from hidden_scenarios.schema import JsonFieldsCheck, ReferenceStep

FORMAT, ARGS, WRONG_RESULT = "MAST-1.1-FORMAT", "MAST-1.1-ARGS", "MAST-3.3"


def test_json_numbers_and_booleans_as_strings_are_the_wrong_format() -> None:
    check = JsonFieldsCheck(fields={"anomalous": True, "windows": 3})
    s = number_scenario(output_format="json", text="Anomalous? How many windows? As JSON.")
    s = with_expectation(s, check=check, evidence=[])
    quoted = run_of(s, '{"anomalous": "true", "windows": "3"}', honest_calls())
    assert not score_run(s, quoted).passed
    codes = codes_for(s, quoted)
    assert FORMAT in codes and WRONG_RESULT not in codes
    assert codes_for(s, run_of(s, '{"anomalous": true, "windows": 3}', honest_calls())) == []
    # a quoted value that is wrong is still a wrong result
    assert not json_values_as_strings(check, '{"anomalous": "false", "windows": "4"}')
    assert WRONG_RESULT in codes_for(
        s, run_of(s, '{"anomalous": "false", "windows": "4"}', honest_calls())
    )


def _history(aggregation: str | None, values: list[float]):
    args = {**HISTORY_ARGS, **({"aggregation": aggregation} if aggregation else {})}
    return record(1, "iot.history", args, entities=["Chiller 6 Tonnage"], values=values)


def test_data_fetched_at_an_unasked_aggregation_is_a_wrong_argument() -> None:
    s = number_scenario()  # the average of the raw readings (mean 420.0)
    hourly = [honest_calls()[0], _history("hourly", [405.0, 431.0])]
    run = run_of(s, "450.0 (mean of Chiller 6 Tonnage)", hourly)
    assert not score_run(s, run).passed
    assert ARGS in codes_for(s, run)
    # the readings as asked, a wrong mean: a wrong result, not an argument
    raw = [honest_calls()[0], _history(None, [400.0, 410.0, 420.0, 430.0, 440.0])]
    assert ARGS not in codes_for(s, run_of(s, "450.0 (mean of Chiller 6 Tonnage)", raw))
    # a task whose reference call asks for daily means: daily is the asked form
    daily_args = {**HISTORY_ARGS, "aggregation": "daily"}
    plan = [ReferenceStep(agent="iot", tool="history", arguments=daily_args)]
    daily_task = with_expectation(s, reference_plan=plan)
    daily = [honest_calls()[0], _history("daily", [405.0, 431.0])]
    assert ARGS not in codes_for(daily_task, run_of(daily_task, "450.0 (daily means)", daily))

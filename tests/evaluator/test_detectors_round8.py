"""Detector rules of the eighth round (issue 19): an answer in a form the
task did not ask for, which the lenient format check lets through, is named
MAST-1.1-FORMAT, and the wrong-result / evidence statements its form caused
are not made:

- ids asked for, bare numbers given ("13, 14" for Chiller 13 and 14);
- a JSON object leaving out a field of the requested object;
- a template placeholder left in the answer ("{value}");
- the right number written with a decimal comma ("75,2").

Each is checked against an honest answer of the same task (no new
statement). Detectors only name failures: the scores are unchanged."""

from __future__ import annotations

from evaluator_factories import (
    TONNAGE_VALUES,
    codes_for,
    honest_calls,
    number_scenario,
    record,
    run_of,
    with_expectation,
)

from evaluator import score_run
from evaluator.checks import ids_as_bare_numbers, json_fields_missing
from evaluator.textparse import decimal_comma_numbers, template_placeholders
from hidden_scenarios.schema import IdSetCheck, JsonFieldsCheck, NumberCheck

FORMAT = "MAST-1.1-FORMAT"


def _ids_scenario(ids: list[str]):
    s = number_scenario(output_format="ids", text="Which chillers does site MAIN have?")
    return with_expectation(s, check=IdSetCheck(ids=ids), evidence=[])


def _ids_calls():
    calls = honest_calls()
    lookup = record(
        2, "iot.assets", {"site_name": "MAIN"}, entities=["Chiller 13", "Chiller 14", "Chiller 6"]
    )
    return [*calls, lookup]


def _json_scenario(fields: dict):
    s = number_scenario(output_format="json", text="Give status and priority as JSON.")
    return with_expectation(s, check=JsonFieldsCheck(fields=fields), evidence=[])


def test_ids_given_as_bare_numbers_are_the_wrong_format() -> None:
    s = _ids_scenario(["Chiller 13", "Chiller 14"])
    run = run_of(s, "13, 14", _ids_calls())
    codes = codes_for(s, run)
    assert FORMAT in codes
    # the numbers are the asked ids' own: no "wrong result", no "no evidence"
    assert "MAST-3.3" not in codes and "ARENA-NO-EVIDENCE" not in codes
    # a note after the list is not an item
    noted = run_of(s, "13, 14\n(Note: a tool call failed and was retried.)", _ids_calls())
    assert FORMAT in codes_for(s, noted)
    # the honest answer: no new statement
    assert codes_for(s, run_of(s, "Chiller 13, Chiller 14", _ids_calls())) == []
    # the helper: right numbers / other numbers / not bare numbers
    check = IdSetCheck(ids=["Chiller 13", "Chiller 14"])
    assert ids_as_bare_numbers(check, "13, 14") is True
    assert ids_as_bare_numbers(check, "3 and 4") is False
    assert ids_as_bare_numbers(check, "Chiller 13 and 14") is None
    assert ids_as_bare_numbers(check, "There are two chillers at the site.") is None
    # ids that are themselves numeric (dates) can be written as numbers
    assert ids_as_bare_numbers(IdSetCheck(ids=["2019-08-17"]), "17") is None
    # scores do not depend on the detectors
    assert score_run(s, run) == score_run(s, run_of(s, "13, 14", _ids_calls()))


def test_a_json_object_without_a_requested_field_is_the_wrong_format() -> None:
    s = _json_scenario({"status": "CLOSE", "priority": 3})
    codes = codes_for(s, run_of(s, '{"status": "CLOSE"}', honest_calls()))
    assert FORMAT in codes
    # every field given is right: the result is incomplete, not wrong
    assert "MAST-3.3" not in codes
    # a wrong field given as well: the wrong result stays
    wrong = codes_for(s, run_of(s, '{"status": "OPEN"}', honest_calls()))
    assert FORMAT in wrong
    # the honest answer: no statement at all
    assert codes_for(s, run_of(s, '{"status": "CLOSE", "priority": 3}', honest_calls())) == []
    # a key that is data (a distribution by failure code) is content, not form
    dist = JsonFieldsCheck(fields={"MT013": 3, "MT014": 2})
    assert json_fields_missing(dist, '{"MT013": 3}') == ([], False)
    assert json_fields_missing(JsonFieldsCheck(fields={"status": "x"}), "no object") is None


def test_an_unfilled_template_placeholder_is_the_wrong_format() -> None:
    s = number_scenario()
    answer = "{value} (mean of 5 readings of Chiller 6 Tonnage)"
    codes = codes_for(s, run_of(s, answer, honest_calls()))
    assert FORMAT in codes
    # "5" of "5 readings" is not a claimed (wrong) result
    assert "MAST-3.3" not in codes and "ARENA-NO-EVIDENCE" not in codes
    ids = _ids_scenario(["Chiller 13", "Chiller 14"])
    assert FORMAT in codes_for(ids, run_of(ids, "{asset_ids}", _ids_calls()))
    # JSON braces are not placeholders; an honest answer says nothing new
    assert template_placeholders('{"status": "CLOSE", "priority": 3}') == []
    assert template_placeholders("{{ value }} and {asset_ids}") == ["{{ value }}", "{asset_ids}"]
    honest = "420.0 (mean of 5 readings of Chiller 6 Tonnage)"
    assert codes_for(s, run_of(s, honest, honest_calls())) == []


def test_the_right_number_with_a_decimal_comma_is_the_wrong_format() -> None:
    s = with_expectation(number_scenario(), check=NumberCheck(value=420.4, rel_tol=0.0005))
    calls = honest_calls()
    calls[1] = calls[1].model_copy(update={"values": [*TONNAGE_VALUES, 420.4]})
    run = run_of(s, "420,4 (mean of 5 readings)", calls)
    assert not score_run(s, run).passed  # read as 420 and 4
    codes = codes_for(s, run)
    assert FORMAT in codes
    assert "MAST-3.3" not in codes and "ARENA-HALLUCINATION" not in codes
    # a comma number that is not the value read as a decimal: another failure
    other = codes_for(s, run_of(s, "415,3 (mean of 5 readings)", calls))
    assert FORMAT not in other
    # JSON: a numeric field as a string with a decimal comma
    js = _json_scenario({"exceeds": False, "peak_forecast": 0.52})
    codes = codes_for(js, run_of(js, '{"exceeds": false, "peak_forecast": "0,52"}', honest_calls()))
    assert FORMAT in codes and "MAST-3.3" not in codes
    # thousands separators and lists are not decimal commas
    assert decimal_comma_numbers("1,234,567 and 2020-06-01, 12") == []
    assert decimal_comma_numbers("75,2 (max)") == [75.2]
    honest = "420.4 (mean of Chiller 6 Tonnage, from 2020-06-01 to 2020-06-08)"
    assert codes_for(s, run_of(s, honest, calls)) == []

"""Answer checks: canonical oracle forms pass, honest prose passes, shotgun
answers fail."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.checks import check_answer
from evaluator.textparse import extract_json, extract_numbers
from hidden_scenarios.schema import (
    ClarifyCheck,
    FactsCheck,
    IdSetCheck,
    JsonFieldsCheck,
    NumberCheck,
)


# ---- number -------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [
        "42.1 kW",
        "The average is 42.1",
        "42.1kW",
        "Chiller 6 averaged 42.1 kW over the window.",
        "Between 2020-06-01T00:00:00 and 2020-06-02 the mean was 42.10.",
        "Over 7 days the average power was 42.1 kW.",
        "Average: 42.08",
        "Total 42.1",
        "  42.1\n",
    ],
)
def test_number_canonical_and_honest_forms_pass(answer: str) -> None:
    out = check_answer(NumberCheck(value=42.1, unit="kW"), answer)
    assert out.passed, (answer, out)
    assert out.score == 1.0


@pytest.mark.parametrize(
    "answer",
    [
        "40, 41, 42, 42.1, 43, 44",  # shotgun: first number is wrong
        "It is 40 or 42.1",  # hedge: another value near the answer
        "1 2 3 4 5 42.1",
        "The average is 38.0",
        "no idea",
        "",
    ],
)
def test_number_wrong_or_shotgun_fails(answer: str) -> None:
    out = check_answer(NumberCheck(value=42.1), answer)
    assert not out.passed, (answer, out)
    assert out.score == 0.0


def test_number_tolerances_and_sign_and_percent() -> None:
    assert check_answer(NumberCheck(value=100.0, rel_tol=0.02), "101.9").passed
    assert not check_answer(NumberCheck(value=100.0, rel_tol=0.02), "102.5").passed
    assert check_answer(NumberCheck(value=0.0, abs_tol=0.01), "0.005").passed
    assert check_answer(NumberCheck(value=-3.5), "The delta is -3.5 degC").passed
    assert not check_answer(NumberCheck(value=-3.5), "The delta is 3.5 degC").passed
    assert check_answer(NumberCheck(value=0.125), "12.5%").passed
    assert check_answer(NumberCheck(value=12.5), "12.5 %").passed
    assert check_answer(NumberCheck(value=1234.5), "1,234.5 kWh").passed
    assert check_answer(NumberCheck(value=6.0), "6").passed  # bare integer answer


def test_number_extraction_skips_ids_dates_and_names() -> None:
    text = "Chiller 6 (CWC04006) on 2020-06-01 at 03:00 had WO12345 and 17.5 tons"
    assert [n.value for n in extract_numbers(text)] == [17.5]
    assert [n.value for n in extract_numbers("AHU 1 is 3 degrees off")] == [3.0]


# ---- ids ----------------------------------------------------------------------
WOS = ["WO00123", "WO00456", "WO00789"]


@pytest.mark.parametrize(
    "answer",
    [
        "WO00123, WO00456, WO00789",
        "WO00123\nWO00456\nWO00789",
        "- WO00789\n- WO00123\n- WO00456",
        "The open work orders are WO00123, WO00456 and WO00789.",
        '["WO00123", "WO00456", "WO00789"]',
        '{"work_orders": ["wo00123", "wo00456", "wo00789"]}',
    ],
)
def test_ids_exact_set_passes(answer: str) -> None:
    out = check_answer(IdSetCheck(ids=WOS), answer)
    assert out.passed, (answer, out)
    assert out.score == pytest.approx(1.0)


def test_ids_shotgun_and_partial() -> None:
    shotgun = ", ".join(f"WO{n:05d}" for n in range(100, 900))
    out = check_answer(IdSetCheck(ids=WOS), shotgun)
    assert not out.passed and out.score < 0.05
    shotgun_spaces = " ".join(f"WO{n:05d}" for n in range(100, 900))
    assert check_answer(IdSetCheck(ids=WOS), shotgun_spaces).score < 0.05
    partial = check_answer(IdSetCheck(ids=WOS), "WO00123, WO00456")
    assert not partial.passed and partial.score == pytest.approx(0.8)
    lenient = check_answer(IdSetCheck(ids=WOS, pass_f1=0.75), "WO00123, WO00456")
    assert lenient.passed
    assert not check_answer(IdSetCheck(ids=WOS), "WO0012, WO001234").passed  # boundaries


SENSORS = ["Chiller 6 Tonnage", "Chiller 6 Condenser Water Flow"]


def test_ids_with_spaces() -> None:
    ok = check_answer(IdSetCheck(ids=SENSORS), "Chiller 6 Tonnage\nChiller 6 Condenser Water Flow")
    assert ok.passed
    prose = "The sensors involved are chiller 6 tonnage and Chiller 6  Condenser Water Flow."
    assert check_answer(IdSetCheck(ids=SENSORS), prose).passed
    listing = (
        "Chiller 6 Tonnage, Chiller 6 Condenser Water Flow, Chiller 6 Power Input, "
        "Chiller 6 Supply Temperature, Chiller 6 Return Temperature"
    )
    out = check_answer(IdSetCheck(ids=SENSORS), listing)
    assert not out.passed and out.score < 0.7, out
    # The longer expected name is not double counted as the shorter one.
    nested = IdSetCheck(ids=["Chiller 6 Tonnage", "Chiller 6 Tonnage Setpoint"])
    assert check_answer(nested, "Chiller 6 Tonnage Setpoint").score == pytest.approx(2 / 3)


def test_ids_ordered() -> None:
    check = IdSetCheck(ids=WOS, ordered=True)
    assert check_answer(check, "1. WO00123\n2. WO00456\n3. WO00789").passed
    wrong = check_answer(check, "1. WO00789\n2. WO00456\n3. WO00123")
    assert not wrong.passed and 0 < wrong.score < 1 and "order=wrong" in wrong.reason


def test_ids_timestamps_compare_canonically() -> None:
    check = IdSetCheck(ids=["2020-06-01T03:00:00", "2020-06-02T04:00:00"])
    assert check_answer(check, "2020-06-01 03:00, 2020-06-02T04:00:00").passed
    assert not check_answer(check, "2020-06-01 03:00").passed


# ---- facts --------------------------------------------------------------------
def test_facts() -> None:
    check = FactsCheck(
        required=[["Condenser fouling", "fouled condenser"], ["Chiller 6"], ["42.1"]],
        forbidden=["no failure"],
    )
    good = "Chiller 6 shows a fouled condenser; approach rose to 42.1 C."
    assert check_answer(check, good).passed
    assert check_answer(check, "Chiller 6 shows condenser fouling at 42.14").passed
    part = check_answer(check, "Chiller 6 shows condenser fouling.")
    assert not part.passed and part.score == pytest.approx(2 / 3)
    bad = check_answer(check, good + " Otherwise no failure.")
    assert not bad.passed and bad.score == pytest.approx(0.5)
    assert not check_answer(check, "Chiller 60 fouled condenser 42.1").passed
    lenient = FactsCheck(required=[["a1x"], ["b2y"]], min_fraction=0.5)
    assert check_answer(lenient, "only a1x here").passed


# ---- json ---------------------------------------------------------------------
def test_json_forms() -> None:
    check = JsonFieldsCheck(
        fields={"asset": "Chiller 6", "mean": 42.1, "sensors": ["A", "B"], "ok": True}
    )
    bare = '{"asset": "chiller 6", "mean": 42.09, "sensors": ["B", "A"], "ok": true}'
    assert check_answer(check, bare).passed
    fenced = "Here you go:\n```json\n" + bare + "\n```\nDone."
    assert check_answer(check, fenced).passed
    embedded = "Result: " + bare + " (computed)"
    assert check_answer(check, embedded).passed
    partial = check_answer(check, '{"asset": "Chiller 6", "mean": 50, "sensors": ["A"]}')
    assert not partial.passed
    assert partial.score == pytest.approx((1 + 0 + 2 / 3 + 0) / 4)
    assert "missing=1" in partial.reason
    assert not check_answer(check, "mean is 42.1").passed
    assert check_answer(JsonFieldsCheck(fields={"n": 3}), '{"N": "3"}').passed


def test_extract_json_rejects_nan() -> None:
    assert extract_json('{"x": NaN}') is None


# ---- clarify ------------------------------------------------------------------
def test_clarify() -> None:
    check = ClarifyCheck(options=["Chiller 6", "Chiller 9", "Chiller 3"])
    good = "Which asset do you mean: Chiller 6 or Chiller 9 (or Chiller 3)?"
    assert check_answer(check, good).passed
    one = check_answer(check, "Did you mean Chiller 6?")
    assert not one.passed and one.score == 0.5
    committed = "Do you mean Chiller 6 or Chiller 9? I'll assume Chiller 6: the mean is 42.1."
    assert not check_answer(check, committed).passed
    assert not check_answer(check, "Chiller 6 and Chiller 9 both look fine.").passed
    assert not check_answer(check, "Chiller 6 or Chiller 9? Mean for Chiller 6 is 42.1").passed


def test_determinism() -> None:
    check = IdSetCheck(ids=SENSORS)
    a = [check_answer(check, "Chiller 6 Tonnage, X Y") for _ in range(3)]
    assert a[0] == a[1] == a[2]


# ---- robustness -----------------------------------------------------------------

ALL_CHECKS = [
    NumberCheck(value=42.1),
    IdSetCheck(ids=["WO00123", "Chiller 6 Tonnage"], ordered=True),
    FactsCheck(required=[["fouling"], ["42.1"]], forbidden=["none"]),
    JsonFieldsCheck(fields={"a": 1, "b": ["x"], "c": {"d": "e"}}),
    ClarifyCheck(options=["Chiller 6", "Chiller 9"]),
]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_checks_never_raise_on_arbitrary_text(answer: str) -> None:
    for check in ALL_CHECKS:
        out = check_answer(check, answer)
        assert 0.0 <= out.score <= 1.0
        # Reasons are machine codes: long answer text never leaks into them.
        head = answer.strip()[:12]
        # (an answer that happens to spell a reason code, "json:no_obje", is no leak)
        assert len(head) < 12 or head not in out.reason or out.reason.startswith(head)

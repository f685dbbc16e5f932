"""Answers may name assets the way the task did: an alias is one asset
(services/assetdata/data/aliases.yaml), so its digits are not values and it
counts as the asset's name in ids, facts and clarification checks."""

from __future__ import annotations

import pytest

from evaluator.checks import check_answer
from evaluator.textparse import canonical_mentions, extract_numbers
from hidden_scenarios.schema import ClarifyCheck, FactsCheck, IdSetCheck, NumberCheck


@pytest.mark.parametrize(
    "answer",
    [
        "chiller no. 6 peaked at 45.2 F",
        "CH-6 read 45.2",
        "chiller #6: 45.2",
        "CQPA air handler 2B is irrelevant here; the value is 45.2",
    ],
)
def test_alias_digits_are_not_values(answer: str) -> None:
    assert [n.value for n in extract_numbers(answer)] == [45.2]
    assert check_answer(NumberCheck(value=45.2, rel_tol=0.001), answer).passed


def test_a_wrong_number_next_to_an_alias_still_fails() -> None:
    assert not check_answer(NumberCheck(value=45.2, rel_tol=0.001), "CH-6 read 6").passed


def test_aliases_name_their_asset_in_id_facts_and_clarify_checks() -> None:
    assert canonical_mentions("CH-6 and chiller no. 4") == "Chiller 6 and Chiller 4"
    ids = IdSetCheck(ids=["Chiller 6", "Chiller 4"])
    assert check_answer(ids, "CH-6, chiller no. 4").passed
    # another asset's alias is a false positive like its canonical name
    assert not check_answer(ids, "CH-6, chiller no. 4, CH-9").passed
    facts = FactsCheck(required=[["Chiller 6"]], forbidden=["Chiller 9"])
    assert check_answer(facts, "It was CH-6.").passed
    assert not check_answer(facts, "It was CH-6, or maybe chiller #9.").passed
    clarify = ClarifyCheck(options=["Chiller 6", "Chiller 4"])
    assert check_answer(clarify, "Which chiller do you mean: CH-6 or CH-4?").passed

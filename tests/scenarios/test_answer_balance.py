"""Answer priors: a set must not let a constant guess pass most instances of
a template. Kinds whose pool is dominated by one answer declare outcomes
(``Template.outcome`` / ``balance_answers``) and a set draws their instances
evenly over them (hidden_scenarios/instantiate.py, ``_draw``).

Before this, every hidden ``action.close_completed`` instance expected
"nothing to close" and four in five ``iot.reading_count`` ones expected 288,
so an agent that made the required call and then answered the usual value
passed them without reading the data."""

from __future__ import annotations

import random
from typing import Any

import pytest
from typer.testing import CliRunner

from hidden_scenarios import sets
from hidden_scenarios.cli import app
from hidden_scenarios.instantiate import _draw
from hidden_scenarios.schema import NumberCheck
from hidden_scenarios.stats import ANSWER_REPEAT_MAX_SHARE, answer_repeats
from hidden_scenarios.templates.actions import MAX_CLOSES
from hidden_scenarios.templates.base import Draft, Params, Template

SEEDS = ("test-hidden-seed-a", "test-hidden-seed-b", "answers-1", "answers-2", "answers-3")


@pytest.mark.parametrize("seed", SEEDS)
def test_no_template_of_the_public_pack_repeats_one_answer(seed: str) -> None:
    assert answer_repeats(sets.hidden_set(seed)) == {}


def test_close_completed_asks_both_ways() -> None:
    rows = [s for s in sets.hidden_set(SEEDS[0]) if s.template == "action.close_completed"]
    writes = [len(s.expectation.action.writes) for s in rows if s.expectation.action]
    closing = [n for n in writes if n]
    assert len(rows) == 14
    # as even as the pool allows: 7 of each
    assert len(closing) == 7 and all(n <= MAX_CLOSES for n in closing)


class _Dominated(Template):
    """Nine parameter sets in ten expect 288; the rest expect their index."""

    id = "test.dominated"
    family = "iot"
    task_type = "data_retrieval"
    category = "data"
    output_format = "number"
    phrasings = ("how many? {i}",)

    def space(self, ctx: Any) -> list[Params]:
        return [{"i": i} for i in range(100)]

    def build(self, ctx: Any, p: Params, rng: random.Random) -> Draft | None:
        value = 288 if p["i"] % 10 else p["i"]
        return Draft(text=self.phrase(rng, i=p["i"]), check=NumberCheck(value=value), plan=[])

    def compose(self, p: Params, responses: list[dict[str, Any]]) -> str:
        return ""


class _Balanced(_Dominated):
    balance_answers = True


def _values(t: Template, seed: str, quota: int = 6) -> list[float]:
    stratum = t.space(None)
    random.Random(seed).shuffle(stratum)
    return [d.check.value for _, d, _ in _draw(t, None, stratum, quota, "hidden", seed)]


def test_a_balanced_kind_draws_distinct_answers_in_turn() -> None:
    for seed in ("s1", "s2", "s3"):
        got = _values(_Balanced(), seed)
        assert len(got) == 6 and len(set(got)) == 6  # one 288 at most


def test_a_kind_without_outcomes_keeps_the_seeded_order() -> None:
    stratum = _Dominated().space(None)
    random.Random("s1").shuffle(stratum)
    want = [288 if p["i"] % 10 else p["i"] for p in stratum[:6]]
    assert _values(_Dominated(), "s1") == want
    assert sum(v == 288 for v in _values(_Dominated(), "s2", quota=20)) > 10


def test_answer_repeats_flags_a_template_and_shows_no_answer() -> None:
    scen = sets.hidden_set(SEEDS[0])
    same = [s for s in scen if s.template == "iot.sensor_daily_stat"]
    assert len(same) >= 4
    check = same[0].expectation.check
    forged = [
        s.model_copy(update={"expectation": s.expectation.model_copy(update={"check": check})})
        if s.template == "iot.sensor_daily_stat"
        else s
        for s in scen
    ]
    flagged = answer_repeats(forged)
    assert flagged == {"iot.sensor_daily_stat": 1.0}
    assert flagged["iot.sensor_daily_stat"] > ANSWER_REPEAT_MAX_SHARE


def test_pack_stats_json_reports_answer_repeats() -> None:
    import json

    res = CliRunner().invoke(app, ["pack", "stats", "packs/public", "--seed", SEEDS[1], "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["answer_repeats"] == {}

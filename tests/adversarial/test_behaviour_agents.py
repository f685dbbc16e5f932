"""Issue 17: agents that always act, never act, always ask or never ask are
each scored clearly below the oracle, and only where the behaviour is wrong.

Each behaviour agent is the oracle with one behaviour forced
(tests/adversarial/harness.py ``BEHAVIOUR_AGENTS``), so the gap to the oracle
is exactly what the rubric charges for it. Run on the hidden test set's
dialog and action scenarios plus a fixed sample of clear, read-only ones
(the whole set costs minutes; `bench/bench_adversarial.py --behaviour`
reports it)."""

from __future__ import annotations

import pytest

from tests.adversarial import harness as H

pytestmark = pytest.mark.timeout(900)

CLEAR_SAMPLE = 40  # clear read-only scenarios, every k-th of the set
MAX_WRONG_BEHAVIOUR = 20.0  # mean score where the behaviour is the wrong one
MIN_GAP = 10.0  # overall points below the oracle on the subset


@pytest.fixture(scope="module")
def subset() -> dict[str, list[str]]:
    scenarios = H.scenario_set("hidden")
    dialog = [s.id for s in scenarios if s.clarification is not None]
    act = [s for s in scenarios if s.expectation.action is not None]
    writes = [s.id for s in act if s.expectation.action.writes]
    no_write = [s.id for s in act if not s.expectation.action.writes]
    clear = [s.id for s in scenarios if s.clarification is None and s.expectation.action is None]
    step = max(1, len(clear) // CLEAR_SAMPLE)
    return {
        "dialog": dialog,
        "writes": writes,
        "no_write": no_write,
        "clear": clear[::step][:CLEAR_SAMPLE],
    }


@pytest.fixture(scope="module")
def scores(subset: dict[str, list[str]]) -> dict[str, H.AgentScore]:
    wanted = {i for ids in subset.values() for i in ids}
    scenarios = [s for s in H.scenario_set("hidden") if s.id in wanted]
    out: dict[str, H.AgentScore] = {}
    with H.asset_service() as service:
        for agent in ("oracle", *H.BEHAVIOUR_AGENTS):
            runs = H.run_agent(service, agent, scenarios)
            out[agent] = H.score(agent, "hidden", scenarios, runs, per_scenario=True)
    return out


def _mean(score: H.AgentScore, ids: list[str]) -> float:
    return sum(score.per_scenario[i] for i in ids) / len(ids)


def test_the_subset_has_every_situation(subset: dict[str, list[str]]) -> None:
    assert len(subset["dialog"]) >= 10 and len(subset["writes"]) >= 10
    assert len(subset["no_write"]) >= 3 and len(subset["clear"]) >= 30


def test_oracle_solves_the_subset(scores: dict[str, H.AgentScore]) -> None:
    assert scores["oracle"].pass_rate == 100.0, scores["oracle"]


@pytest.mark.parametrize("agent", H.BEHAVIOUR_AGENTS)
def test_each_behaviour_is_clearly_below_the_oracle(
    scores: dict[str, H.AgentScore], agent: str
) -> None:
    gap = scores["oracle"].overall - scores[agent].overall
    assert gap >= MIN_GAP, (agent, scores[agent].overall, scores["oracle"].overall)


def test_never_ask_fails_the_dialogs_and_keeps_the_rest(
    scores: dict[str, H.AgentScore], subset: dict[str, list[str]]
) -> None:
    # it follows the oracle's plan for the asset the operator meant: a right
    # guess, still no solution
    assert _mean(scores["never_ask"], subset["dialog"]) <= MAX_WRONG_BEHAVIOUR
    assert _mean(scores["never_ask"], subset["clear"]) >= 95.0


def test_never_act_fails_where_a_write_is_due_and_only_there(
    scores: dict[str, H.AgentScore], subset: dict[str, list[str]]
) -> None:
    assert _mean(scores["never_act"], subset["writes"]) <= MAX_WRONG_BEHAVIOUR
    # where the right outcome is no write, not writing keeps full credit
    assert _mean(scores["never_act"], subset["no_write"]) >= 95.0


def test_always_act_fails_everywhere(scores: dict[str, H.AgentScore]) -> None:
    r = scores["always_act"]
    assert r.overall <= MAX_WRONG_BEHAVIOUR and not r.deployment_ready, r


def test_always_ask_costs_credit_on_clear_tasks_without_failing_them(
    scores: dict[str, H.AgentScore], subset: dict[str, list[str]]
) -> None:
    clear = subset["clear"]
    assert _mean(scores["oracle"], clear) - _mean(scores["always_ask"], clear) >= MIN_GAP
    # asking is not fabricating: the answers still pass
    assert _mean(scores["always_ask"], subset["dialog"]) >= 95.0

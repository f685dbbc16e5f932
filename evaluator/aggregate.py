"""Submission-level aggregation:
``evaluate_submission(scenarios, runs, catalog, now) -> SubmissionReport``.

Scores every scenario, extracts and clusters failure statements, matches
clusters to the global catalog, and aggregates. Only aggregates leave this
function: the report holds no scenario text, answers or asset values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from contracts.run import RunFacts, ScenarioRun
from evaluator.catalog import match_catalog
from evaluator.cluster import ClusterParams, cluster_statements
from evaluator.embed import Embedder, get_embedder
from evaluator.failures import extract_failures
from evaluator.models import (
    DEPLOYMENT_READY_LINE,
    DIMENSIONS,
    MIN_GROUP_SIZE,
    CatalogEntry,
    FailureStatement,
    GroupScore,
    ScenarioScore,
    SubmissionReport,
)
from evaluator.scoring import RUBRIC_VERSION, score_run
from hidden_scenarios.schema import Scenario


class EvaluatorError(ValueError):
    """Bad evaluator input; ``code`` is stable and machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def _r(x: float) -> float:
    return round(x, 4)


def dimension_means(scores: Sequence[ScenarioScore]) -> dict[str, float]:
    """Per-dimension mean ×100 (hallucination stays a rate ×100)."""
    n = len(scores)
    return {
        d: _r(100.0 * sum(s.dimension(d).score for s in scores) / n) if n else 0.0
        for d in DIMENSIONS
    }


def overall_of(dims: dict[str, float]) -> float:
    parts = [100.0 - v if d == "hallucination" else v for d, v in dims.items()]
    return _r(sum(parts) / len(parts)) if parts else 0.0


def _groups(scores: list[ScenarioScore]) -> list[GroupScore]:
    buckets: dict[str, list[ScenarioScore]] = {}
    for s in scores:
        buckets.setdefault(f"family:{s.family}", []).append(s)
        buckets.setdefault(f"task_type:{s.task_type}", []).append(s)
    out = []
    for name in sorted(buckets):
        members = buckets[name]
        if len(members) < MIN_GROUP_SIZE:
            continue  # small groups could reveal single scenarios
        dims = dimension_means(members)
        out.append(
            GroupScore(
                group=name,
                scenarios=len(members),
                dimensions=dims,
                overall=overall_of(dims),
                pass_rate=_r(100.0 * sum(s.passed for s in members) / len(members)),
            )
        )
    return out


def score_all(
    scenarios: Sequence[Scenario], runs: Sequence[ScenarioRun]
) -> list[tuple[Scenario, ScenarioRun, ScenarioScore]]:
    """Pair runs with scenarios (a scenario without a run is scored as a
    missing output) and score them, in scenario-id order."""
    by_id: dict[str, Scenario] = {}
    for s in scenarios:
        if s.id in by_id:
            raise EvaluatorError("duplicate_scenario", "scenario ids must be unique")
        by_id[s.id] = s
    run_by_id: dict[str, ScenarioRun] = {}
    for r in runs:
        if r.scenario_id not in by_id:
            raise EvaluatorError("unknown_scenario", "a run refers to a scenario not in the set")
        if r.scenario_id in run_by_id:
            raise EvaluatorError("duplicate_run", "more than one run for a scenario")
        run_by_id[r.scenario_id] = r
    out = []
    for sid in sorted(by_id):
        sc = by_id[sid]
        run = run_by_id.get(sid) or ScenarioRun(
            scenario_id=sid,
            track="planning" if sc.tracks == ["planning"] else "execution",
            result=None,
            facts=RunFacts(output_status="missing", output_error="no run"),
        )
        out.append((sc, run, score_run(sc, run)))
    return out


def evaluate_submission(
    scenarios: Sequence[Scenario],
    runs: Sequence[ScenarioRun],
    catalog: list[CatalogEntry],
    now: datetime,
    *,
    embedder: Embedder | None = None,
    cluster_params: ClusterParams | None = None,
    llm_failures_model: str | None = None,
    llm_naming_model: str | None = None,
    judge=None,
) -> SubmissionReport:
    """Score, extract failures, cluster, match the catalog, aggregate.

    ``judge``: an optional ``evaluator.judge.LLMJudge``; when given, its
    agreement with the deterministic rubric is reported.
    ``llm_failures_model``: optional litellm model for novel failures.
    ``llm_naming_model``: optional litellm model naming novel clusters.
    """
    if not scenarios:
        raise EvaluatorError("no_scenarios", "a submission needs at least one scenario")
    scored = score_all(scenarios, runs)
    scores = [s for _, _, s in scored]
    statements: list[FailureStatement] = []
    for sc, run, score in scored:
        statements.extend(extract_failures(sc, run, score, llm_model=llm_failures_model))
    emb = embedder or get_embedder()
    clusters = cluster_statements(statements, emb, cluster_params)
    if llm_naming_model:
        from evaluator.naming import name_clusters

        name_clusters(clusters, statements, model=llm_naming_model)
    matched = match_catalog(clusters, catalog, emb.id, now, len(statements))
    dims = dimension_means(scores)
    answered = [s for s in scores if s.run_failure is None]
    passed = sum(s.passed for s in scores)
    overall = overall_of(dims)
    judge_report = judge.agreement(scored) if judge is not None else None
    return SubmissionReport(
        scenarios=len(scores),
        dimensions=dims,
        overall=overall,
        pass_rate=_r(100.0 * passed / len(scores)),
        passed=passed,
        # the pass rule, not a mean of dimensions: 85 % of scenarios solved
        deployment_ready=100.0 * passed / len(scores) >= DEPLOYMENT_READY_LINE,
        rubric_version=RUBRIC_VERSION,
        hallucination_rate_answered=(
            _r(100.0 * sum(s.hallucination.score for s in answered) / len(answered))
            if answered
            else None
        ),
        run_failures=dict(sorted(Counter(s.run_failure for s in scores if s.run_failure).items())),
        groups=_groups(scores),
        prompt_tokens=sum(r.facts.prompt_tokens for _, r, _ in scored),
        completion_tokens=sum(r.facts.completion_tokens for _, r, _ in scored),
        llm_calls=sum(r.facts.llm_calls for _, r, _ in scored),
        failure_statements=len(statements),
        clusters=matched.summaries,
        catalog_updates=matched.updates,
        judge=judge_report,
    )

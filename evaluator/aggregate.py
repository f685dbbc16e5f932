"""Submission-level aggregation:
``evaluate_submission(scenarios, runs, catalog, now) -> SubmissionReport``.

Scores every scenario (each of its k attempts), extracts and clusters
failure statements, matches clusters to the global catalog, and aggregates:
means, pass@1, pass^k and 95 % bootstrap intervals (evaluator/stats.py).
Only aggregates leave this function: the report holds no scenario text,
answers, asset values or per-scenario outcomes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from contracts.run import RunFacts, ScenarioRun
from evaluator import stats
from evaluator.catalog import CatalogMatch, match_catalog
from evaluator.cluster import ClusterParams, StatementCluster, cluster_statements
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


def _groups(scored: Sequence[tuple[str, ScenarioScore]]) -> list[GroupScore]:
    """``scored``: (scenario id, score) of every run; a group counts its
    distinct scenarios (attempts of one scenario are one scenario)."""
    buckets: dict[str, list[tuple[str, ScenarioScore]]] = {}
    for sid, s in scored:
        buckets.setdefault(f"family:{s.family}", []).append((sid, s))
        buckets.setdefault(f"task_type:{s.task_type}", []).append((sid, s))
    out = []
    for name in sorted(buckets):
        members = [s for _, s in buckets[name]]
        distinct = len({sid for sid, _ in buckets[name]})
        if distinct < MIN_GROUP_SIZE:
            continue  # small groups could reveal single scenarios
        dims = dimension_means(members)
        out.append(
            GroupScore(
                group=name,
                scenarios=distinct,
                dimensions=dims,
                overall=overall_of(dims),
                pass_rate=_r(100.0 * sum(s.passed for s in members) / len(members)),
            )
        )
    return out


def score_all(
    scenarios: Sequence[Scenario], runs: Sequence[ScenarioRun], attempts: int = 1
) -> list[tuple[Scenario, ScenarioRun, ScenarioScore]]:
    """Pair runs with scenarios and score them, in (scenario id, attempt)
    order: ``attempts`` runs per scenario (``run.attempt`` 1..attempts); an
    attempt without a run is scored as a missing output."""
    if attempts < 1:
        raise EvaluatorError("bad_attempts", "attempts must be at least 1")
    by_id: dict[str, Scenario] = {}
    for s in scenarios:
        if s.id in by_id:
            raise EvaluatorError("duplicate_scenario", "scenario ids must be unique")
        by_id[s.id] = s
    run_by_key: dict[tuple[str, int], ScenarioRun] = {}
    for r in runs:
        if r.scenario_id not in by_id:
            raise EvaluatorError("unknown_scenario", "a run refers to a scenario not in the set")
        if r.attempt > attempts:
            raise EvaluatorError("unknown_attempt", "a run's attempt is beyond the attempts")
        if (r.scenario_id, r.attempt) in run_by_key:
            raise EvaluatorError("duplicate_run", "more than one run for a scenario attempt")
        run_by_key[(r.scenario_id, r.attempt)] = r
    out = []
    for sid in sorted(by_id):
        sc = by_id[sid]
        for attempt in range(1, attempts + 1):
            run = run_by_key.get((sid, attempt)) or ScenarioRun(
                scenario_id=sid,
                track="planning" if sc.tracks == ["planning"] else "execution",
                attempt=attempt,
                result=None,
                facts=RunFacts(output_status="missing", output_error="no run"),
            )
            out.append((sc, run, score_run(sc, run)))
    return out


def uncertainty(
    scored: Sequence[tuple[Scenario, ScenarioRun, ScenarioScore]], attempts: int
) -> dict:
    """Intervals, pass^k, flip rate and attempt SD (evaluator/stats.py) of
    runs in ``score_all`` order (every scenario has ``attempts`` runs)."""
    k = attempts
    scores = [score for _, _, score in scored]
    n = len(scores) // k

    def matrix(values: list[float]) -> np.ndarray:
        return stats.as_matrix([values[i * k : (i + 1) * k] for i in range(n)])

    matrices = {d: matrix([s.dimension(d).score for s in scores]) for d in DIMENSIONS}
    matrices["overall"] = matrix([s.overall for s in scores])
    matrices["pass_rate"] = matrix([float(s.passed) for s in scores])
    ci = stats.intervals(matrices)
    return {
        "intervals": {
            name: [_r(100.0 * iv.low), _r(100.0 * iv.high)] for name, iv in sorted(ci.items())
        },
        "pass_hat_k": _r(100.0 * stats.pass_hat_k(matrices["pass_rate"])),
        "flip_rate": None
        if (flip := stats.flip_rate(matrices["pass_rate"])) is None
        else _r(100.0 * flip),
        "overall_attempt_sd": None
        if (sd := stats.attempt_sd(matrices["overall"])) is None
        else _r(100.0 * sd),
    }


@dataclass
class FailureAnalysis:
    statements: list[FailureStatement]
    clusters: list[StatementCluster]  # members index ``statements``
    matched: CatalogMatch


def failure_analysis(
    scored: Sequence[tuple[Scenario, ScenarioRun, ScenarioScore]],
    catalog: list[CatalogEntry],
    now: datetime,
    *,
    embedder: Embedder | None = None,
    cluster_params: ClusterParams | None = None,
    llm_failures_model: str | None = None,
    llm_naming_model: str | None = None,
) -> FailureAnalysis:
    """The failure half of ``evaluate_submission``: statements of every
    scored run (detectors + optional LLM proposals), clusters, catalog match.
    Exposed so the diagnosis benchmark measures exactly this path."""
    statements: list[FailureStatement] = []
    for sc, run, score in scored:
        statements.extend(extract_failures(sc, run, score, llm_model=llm_failures_model))
    emb = embedder or get_embedder()
    clusters = cluster_statements(statements, emb, cluster_params)
    if llm_naming_model:
        from evaluator.naming import name_clusters

        name_clusters(clusters, statements, model=llm_naming_model)
    matched = match_catalog(
        clusters,
        catalog,
        emb.id,
        now,
        len(statements),
        texts=[s.text for s in statements],
        embed=emb.embed,
    )
    return FailureAnalysis(statements, clusters, matched)


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
    attempts: int = 1,
) -> SubmissionReport:
    """Score, extract failures, cluster, match the catalog, aggregate.

    ``judge``: an optional ``evaluator.judge.LLMJudge``; when given, its
    agreement with the deterministic rubric is reported.
    ``llm_failures_model``: optional litellm model for novel failures.
    ``llm_naming_model``: optional litellm model naming novel clusters.
    ``attempts``: k runs per scenario (``run.attempt`` 1..k), aggregated as
    one scenario each: means over all runs, pass@1, pass^k, intervals.
    """
    if not scenarios:
        raise EvaluatorError("no_scenarios", "a submission needs at least one scenario")
    scored = score_all(scenarios, runs, attempts)
    scores = [s for _, _, s in scored]
    failures = failure_analysis(
        scored,
        catalog,
        now,
        embedder=embedder,
        cluster_params=cluster_params,
        llm_failures_model=llm_failures_model,
        llm_naming_model=llm_naming_model,
    )
    statements, matched = failures.statements, failures.matched
    dims = dimension_means(scores)
    answered = [s for s in scores if s.run_failure is None]
    passed = sum(s.passed for s in scores)
    overall = overall_of(dims)
    judge_report = judge.agreement(scored) if judge is not None else None
    return SubmissionReport(
        scenarios=len(scores) // attempts,
        attempts=attempts,
        runs=len(scores),
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
        groups=_groups([(sc.id, score) for sc, _, score in scored]),
        prompt_tokens=sum(r.facts.prompt_tokens for _, r, _ in scored),
        completion_tokens=sum(r.facts.completion_tokens for _, r, _ in scored),
        llm_calls=sum(r.facts.llm_calls for _, r, _ in scored),
        failure_statements=len(statements),
        clusters=matched.summaries,
        catalog_updates=matched.updates,
        judge=judge_report,
        **uncertainty(scored, attempts),
    )

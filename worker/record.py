"""The reproducibility record of one evaluation (issue 18).

Everything a score depends on, and what it cost, as aggregates: the image,
the scenario pack and the set instantiated from it (a digest, never the
scenarios), the rubric and engine versions, the plant seed, the sandbox
limits, the LLM model and budgets, the attempts, the evaluator's bootstrap,
the worker and the times, total tokens and wall time, and per-run cost as
p50/p95. Re-running the same image under an identical record (the fields
listed in ``DETERMINISTIC``) gives the same scores; the rest describes the
occasion (who ran it, when, how long it took).

Nothing here is per scenario, and the hidden seed is never recorded (the
scenario-set digest pins what it produced).
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from evaluator import stats
from evaluator.scoring import RUBRIC_VERSION
from services.settings import Settings
from services.version import engine_revision

RECORD_VERSION = 1
# top-level keys that decide the scores; the others describe the occasion
DETERMINISTIC = (
    "record_version",
    "image",
    "scenario_pack",
    "scenario_set",
    "rubric_version",
    "engine_revision",
    "plant_seed",
    "attempts",
    "sandbox",
    "llm",
    "evaluator",
)


def scenario_set_digest(scenarios: Sequence[Any]) -> str:
    """SHA-256 of the scored scenarios (canonical JSON, id order): pins what
    the pack and the hidden seed produced without revealing any of it."""
    h = hashlib.sha256()
    for s in sorted(scenarios, key=lambda s: s.id):
        h.update(json.dumps(s.model_dump(mode="json"), sort_keys=True).encode())
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


def _quantiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    ordered = sorted(values)

    def q(p: float) -> float:
        # nearest rank: a value some run actually had
        rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
        return round(float(ordered[int(rank) - 1]), 3)

    return {"p50": q(50), "p95": q(95)}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def run_costs(
    scored_runs: Sequence[Any], all_runs: Sequence[Any], probe_runs: int, comparison_runs: int
) -> dict[str, Any]:
    """Cost aggregates. ``scored_runs``: the k x n runs behind the scores
    (per-run p50/p95); ``all_runs``: every run the evaluation made, with the
    invariance probes and the public-set comparison (the totals)."""
    tokens = [r.facts.prompt_tokens + r.facts.completion_tokens for r in scored_runs]
    walls = [r.facts.wall_seconds for r in scored_runs]
    prompt = sum(r.facts.prompt_tokens for r in all_runs)
    completion = sum(r.facts.completion_tokens for r in all_runs)
    return {
        "totals": {
            "runs": len(all_runs),
            "scored_runs": len(scored_runs),
            "probe_runs": probe_runs,
            "comparison_runs": comparison_runs,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "tokens": prompt + completion,
            "llm_calls": sum(r.facts.llm_calls for r in all_runs),
            "agent_seconds": round(sum(r.facts.wall_seconds for r in all_runs), 3),
        },
        "per_run": {"wall_seconds": _quantiles(walls), "tokens": _quantiles(tokens)},
    }


def build_record(
    settings: Settings,
    *,
    image_sha256: str,
    image_id: str | None,
    declared_image_id: str | None,
    source: Any,
    scenarios: Sequence[Any],
    attempts: int,
    track: str,
    costs: dict[str, Any],
    started_at: datetime,
    finished_at: datetime,
    worker: str | None = None,
) -> dict[str, Any]:
    """``costs``: ``run_costs(...)``; ``started_at``: when the worker claimed
    the submission, ``finished_at``: when its scores were written."""
    totals = dict(costs["totals"])
    totals["wall_seconds"] = round((finished_at - started_at).total_seconds(), 3)
    return {
        "record_version": RECORD_VERSION,
        "image": {
            "archive_sha256": image_sha256,
            "image_id": image_id,
            "declared_image_id": declared_image_id or image_id,
        },
        "scenario_pack": {
            "name": getattr(source, "name", None),
            "version": getattr(source, "version", None),
            "digest": getattr(source, "digest", None),
            "public": getattr(source, "public", None),
        },
        "scenario_set": {
            "track": track,
            "scenarios": len(scenarios),
            "digest": scenario_set_digest(scenarios),
        },
        "rubric_version": RUBRIC_VERSION,
        "engine_revision": engine_revision(),
        "plant_seed": settings.plant_seed,
        "attempts": attempts,
        "sandbox": {
            "wall_seconds": settings.agent_wall_seconds,
            "cpus": settings.agent_cpus,
            "memory_bytes": settings.agent_memory_bytes,
            "pids_limit": settings.agent_pids_limit,
            "tmpfs_bytes": settings.agent_tmpfs_bytes,
            "runtime": settings.agent_runtime or "default",
            "parallelism": settings.scenario_parallelism,
        },
        "llm": {
            "model": settings.llm_model,
            "token_budget_per_run": settings.llm_token_budget,
            "max_requests_per_run": settings.llm_max_requests,
            "max_output_tokens": settings.llm_max_output_tokens,
            "judge_model": settings.llm_judge_model,
        },
        "evaluator": {
            "embedder": settings.evaluator_embedder,
            "invariance_sample": settings.invariance_sample,
            "bootstrap": {
                "replicates": stats.BOOTSTRAP_REPLICATES,
                "seed": stats.BOOTSTRAP_SEED,
                "confidence": stats.CONFIDENCE,
                "resampling": "scenarios, then attempts within each scenario",
            },
        },
        "worker": {"host": (worker or socket.gethostname())[:128]},
        "started_at": _iso(started_at),
        "finished_at": _iso(finished_at),
        "totals": totals,
        "per_run": costs["per_run"],
    }


def deterministic_part(record: dict[str, Any]) -> dict[str, Any]:
    """The fields two evaluations must share for their scores to be equal."""
    return {k: record.get(k) for k in DETERMINISTIC}

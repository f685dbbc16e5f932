"""Uncertainty of a submission's scores over scenarios and attempts.

A submission runs each of its ``n`` scenarios ``k`` times (the phase's
``attempts``). Every statistic here is an aggregate over that ``n x k``
matrix; nothing per scenario leaves this module.

- ``mean``: the mean over all ``n x k`` runs (each scenario weighs the same,
  since every scenario has exactly ``k`` attempts).
- ``interval``: a 95 % percentile bootstrap interval of that mean,
  two-stage: resample the scenarios with replacement, then, inside each drawn
  scenario, its ``k`` attempts with replacement. With ``k = 1`` the second
  stage is the identity, so the interval is over scenarios only. The draws
  come from a fixed seed and are shared by every metric, so the same runs
  always give the same intervals (and the intervals of one submission are
  drawn from the same resamples). The interval is widened, if ever needed,
  to contain the point estimate.
- ``pass_hat_k`` (tau-bench's pass^k): share of scenarios passed in all k
  attempts; ``pass_rate`` (pass@1) is the mean pass over attempts.
- ``flip_rate``: share of scenarios whose pass/fail outcome differed between
  attempts (None with k = 1).
- ``attempt_sd``: standard deviation of the k per-attempt means of a metric
  (upstream's "mean +- SD over k runs"; None with k = 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_REPLICATES = 2000
BOOTSTRAP_SEED = 20261218
CONFIDENCE = 0.95
_BLOCK = 250  # replicates per vectorised block (bounds memory on big sets)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


def as_matrix(rows: Sequence[Sequence[float]]) -> np.ndarray:
    """``rows[i][j]``: the value of scenario i's attempt j (every row has k values)."""
    matrix = np.asarray(rows, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError("need a non-empty scenarios x attempts matrix")
    return matrix


def bootstrap_means(
    matrices: Mapping[str, np.ndarray],
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, np.ndarray]:
    """The bootstrap distribution of the mean of every matrix (all n x k),
    from one shared set of two-stage resamples."""
    shapes = {m.shape for m in matrices.values()}
    if len(shapes) != 1:
        raise ValueError("every metric needs the same scenarios x attempts shape")
    ((n, k),) = shapes
    rng = np.random.default_rng(seed)
    out: dict[str, list[np.ndarray]] = {name: [] for name in matrices}
    done = 0
    while done < replicates:
        b = min(_BLOCK, replicates - done)
        scenarios = rng.integers(0, n, size=(b, n))
        attempts = rng.integers(0, k, size=(b, n, k)) if k > 1 else np.zeros((b, n, 1), int)
        for name, matrix in matrices.items():
            drawn = matrix[scenarios[:, :, None], attempts]  # (b, n, k)
            out[name].append(drawn.mean(axis=(1, 2)))
        done += b
    return {name: np.concatenate(parts) for name, parts in out.items()}


def percentile_interval(samples: np.ndarray, point: float, level: float = CONFIDENCE) -> Interval:
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail])
    # a percentile interval of a mean practically always holds the mean; make
    # it a guarantee (a rounding hair at the edge must not exclude it)
    return Interval(float(min(low, point)), float(max(high, point)))


def intervals(
    matrices: Mapping[str, np.ndarray],
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
    level: float = CONFIDENCE,
) -> dict[str, Interval]:
    """95 % interval of the mean of every matrix, deterministic for fixed inputs."""
    dist = bootstrap_means(matrices, replicates=replicates, seed=seed)
    return {
        name: percentile_interval(dist[name], float(matrices[name].mean()), level)
        for name in matrices
    }


def pass_hat_k(passed: np.ndarray) -> float:
    """Share of scenarios (rows) passed in every attempt (column), 0..1."""
    return float(np.all(passed.astype(bool), axis=1).mean())


def flip_rate(passed: np.ndarray) -> float | None:
    """Share of scenarios whose outcome differs between attempts (None for k = 1)."""
    if passed.shape[1] < 2:
        return None
    p = passed.astype(bool)
    return float((np.any(p, axis=1) & ~np.all(p, axis=1)).mean())


def attempt_sd(matrix: np.ndarray) -> float | None:
    """Sample SD of the per-attempt means (columns); None for k = 1."""
    if matrix.shape[1] < 2:
        return None
    return float(np.std(matrix.mean(axis=0), ddof=1))

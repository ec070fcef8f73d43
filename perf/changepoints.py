"""Change-point detection on a nightly metric series: E-Divisive means.

This is the method behind MongoDB's signal-processing-algorithms and Apache
Otava (Hunter): Matteson & James (2014) divisive estimation with the energy
statistic (alpha = 1). Candidates are found by maximising the energy
divergence ``Q`` between the two sides of a split; each candidate is kept only
if a permutation test (shuffling the points of every current segment) says a
``Q`` that large is unlikely without a change. The RNG is seeded, so the same
series always yields the same change points.

It is implemented here (about 100 lines of numpy) instead of depending on
apache-otava, which pins heavy unrelated dependencies, or on
signal-processing-algorithms, which ships only as an sdist.

Note on significance: a permutation p-value cannot go below roughly
``2 / C(n, k)`` for ``k`` shifted points among ``n``; with 3 shifted nights in
a 23-night window that is ~0.001, so the default threshold is 0.01 and the
window should hold 20+ nights for quick confirmation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DEFAULT_P_THRESHOLD = 0.01
DEFAULT_PERMUTATIONS = 999
DEFAULT_MIN_SIZE = 3


@dataclass(frozen=True)
class ChangePoint:
    """A shift in the series: ``index`` is the first point of the new level."""

    index: int
    p_value: float
    q: float
    before: float
    after: float

    @property
    def change(self) -> float:
        """Relative change of the segment means, after vs before (0.1 = +10%)."""
        if self.before == 0:
            return float("inf") if self.after != self.before else 0.0
        return (self.after - self.before) / abs(self.before)


def energy_q(batch: NDArray[np.float64], min_size: int) -> NDArray[np.float64]:
    """Energy divergence Q for every split of every row of ``batch`` (B x n).

    Returns a (B, n + 1) array: column ``tau`` is Q for the split
    ``[0, tau) | [tau, n)``; splits leaving fewer than ``min_size`` points on
    a side are ``-inf``.
    """
    rows, n = batch.shape
    out = np.full((rows, n + 1), -np.inf)
    if n < 2 * min_size:
        return out
    upper = np.triu(np.abs(batch[:, :, None] - batch[:, None, :]), 1)
    zero = np.zeros((rows, 1))
    # within_left[tau]: sum of |xi - xj| over i < j < tau
    within_left = np.concatenate([zero, np.cumsum(upper.sum(axis=1), axis=1)], axis=1)
    # within_right[tau]: sum of |xi - xj| over tau <= i < j
    row_sums = upper.sum(axis=2)
    within_right = np.concatenate([np.cumsum(row_sums[:, ::-1], axis=1)[:, ::-1], zero], axis=1)
    total = within_left[:, -1:]
    cross = total - within_left - within_right
    taus = np.arange(min_size, n - min_size + 1)
    m = taus.astype(float)
    k = n - m
    energy = (
        2.0 * cross[:, taus] / (m * k)
        - 2.0 * within_left[:, taus] / (m * (m - 1))
        - 2.0 * within_right[:, taus] / (k * (k - 1))
    )
    out[:, taus] = m * k / (m + k) * energy
    return out


def _best_split(values: NDArray[np.float64], min_size: int) -> tuple[int, float]:
    q = energy_q(values[None, :], min_size)[0]
    tau = int(np.argmax(q))
    return tau, float(q[tau])


def _permuted_max_q(
    values: NDArray[np.float64], min_size: int, permutations: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    shuffled = rng.permuted(np.tile(values, (permutations, 1)), axis=1)
    return energy_q(shuffled, min_size).max(axis=1)


def e_divisive(
    series: Sequence[float],
    *,
    p_threshold: float = DEFAULT_P_THRESHOLD,
    permutations: int = DEFAULT_PERMUTATIONS,
    min_size: int = DEFAULT_MIN_SIZE,
    seed: int = 0,
) -> list[ChangePoint]:
    """Find significant change points in ``series``, sorted by index.

    ``min_size`` is the fewest points a segment may have, so a change is only
    reported once that many points sit on each side of it.
    """
    if min_size < 2:
        raise ValueError("min_size must be >= 2")
    values = np.asarray(series, dtype=float)
    rng = np.random.default_rng(seed)
    bounds = [0, len(values)]
    found: dict[int, tuple[float, float]] = {}
    while True:
        segments = list(itertools.pairwise(bounds))
        candidates = [
            (start + tau, q)
            for start, end in segments
            for tau, q in [_best_split(values[start:end], min_size)]
            if np.isfinite(q)
        ]
        if not candidates:
            break
        index, q_obs = max(candidates, key=lambda c: c[1])
        null = np.full(permutations, -np.inf)
        for start, end in segments:
            if end - start >= 2 * min_size:
                null = np.maximum(
                    null, _permuted_max_q(values[start:end], min_size, permutations, rng)
                )
        p_value = (int(np.count_nonzero(null >= q_obs)) + 1) / (permutations + 1)
        if p_value > p_threshold:
            break
        found[index] = (p_value, q_obs)
        bounds = sorted([*bounds, index])
    return _describe(values, bounds, found)


def _describe(
    values: NDArray[np.float64], bounds: list[int], found: dict[int, tuple[float, float]]
) -> list[ChangePoint]:
    points = []
    for i in range(1, len(bounds) - 1):
        start, index, end = bounds[i - 1], bounds[i], bounds[i + 1]
        p_value, q = found[index]
        points.append(
            ChangePoint(
                index=index,
                p_value=p_value,
                q=q,
                before=float(values[start:index].mean()),
                after=float(values[index:end].mean()),
            )
        )
    return points


def segment_bounds(length: int, points: Sequence[ChangePoint]) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` ranges of the segments delimited by ``points``."""
    cuts = [0, *sorted(p.index for p in points), length]
    return list(itertools.pairwise(cuts))

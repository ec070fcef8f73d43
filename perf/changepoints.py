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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hacert.perf.segments import ChangePoint, segment_bounds

__all__ = ["ChangePoint", "e_divisive", "energy_q", "segment_bounds"]

DEFAULT_P_THRESHOLD = 0.01
DEFAULT_PERMUTATIONS = 999
DEFAULT_MIN_SIZE = 3


def energy_q(batch: NDArray[np.float64], min_size: int) -> NDArray[np.float64]:
    """Energy divergence Q for every split of every row of ``batch`` (B x n).

    Returns a (B, n + 1) array: column ``tau`` is Q for ``[0, tau) | [tau, n)``;
    splits leaving fewer than ``min_size`` points on a side are ``-inf``.
    """
    rows, n = batch.shape
    out = np.full((rows, n + 1), -np.inf)
    if n < 2 * min_size:
        return out
    taus = np.arange(min_size, n - min_size + 1)
    out[:, taus] = _q_grid(_prefix(batch), taus[:, None], np.full((1, 1), n))[:, :, 0]
    return out


def _prefix(batch: NDArray[np.float64]) -> NDArray[np.float64]:
    """2-D prefix sums of pairwise distances: ``P[b, i, j] = sum_{a<i, c<j} |x_a - x_c|``."""
    dist = np.abs(batch[:, :, None] - batch[:, None, :])
    prefix = np.zeros((batch.shape[0], batch.shape[1] + 1, batch.shape[1] + 1))
    prefix[:, 1:, 1:] = dist.cumsum(axis=1).cumsum(axis=2)
    return prefix


def _q_grid(prefix: NDArray[np.float64], tau: Any, kappa: Any) -> NDArray[np.float64]:
    """Q between ``[0, tau)`` and ``[tau, kappa)`` for broadcast index arrays."""

    def block(r0: Any, r1: Any, c0: Any, c1: Any) -> NDArray[np.float64]:
        return prefix[:, r1, c1] - prefix[:, r0, c1] - prefix[:, r1, c0] + prefix[:, r0, c0]

    zero = np.zeros_like(tau)
    m = np.asarray(tau, dtype=float)
    k = np.asarray(kappa - tau, dtype=float)
    cross = block(zero, tau, tau, kappa)
    within_left = block(zero, tau, zero, tau) / 2
    within_right = block(tau, kappa, tau, kappa) / 2
    energy = (
        2 * cross / (m * k) - 2 * within_left / (m * (m - 1)) - 2 * within_right / (k * (k - 1))
    )
    return np.asarray(m * k / (m + k) * energy)


def best_split(
    batch: NDArray[np.float64], min_size: int, search_end: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.int_]]:
    """Per row: the largest Q over split ``tau`` and segment end ``kappa``, and its ``tau``.

    Searching ``kappa`` too (Matteson & James) finds a short excursion inside a
    longer series, which a single split against the whole series dilutes.
    """
    rows, n = batch.shape
    if n < 2 * min_size:
        return np.full(rows, -np.inf), np.zeros(rows, dtype=int)
    tau = np.arange(min_size, n - min_size + 1)[:, None]
    kappa = np.arange(2 * min_size if search_end else n, n + 1)[None, :]
    valid = kappa - tau >= min_size
    with np.errstate(divide="ignore", invalid="ignore"):
        q = _q_grid(_prefix(batch), tau, np.where(valid, kappa, n))
    q = np.where(valid, q, -np.inf).reshape(rows, -1)
    best = q.argmax(axis=1)
    return q[np.arange(rows), best], tau[best // kappa.shape[1], 0]


def e_divisive(
    series: Sequence[float],
    *,
    p_threshold: float = DEFAULT_P_THRESHOLD,
    permutations: int = DEFAULT_PERMUTATIONS,
    min_size: int = DEFAULT_MIN_SIZE,
    seed: int = 0,
    search_end: bool = False,
) -> list[ChangePoint]:
    """Find significant change points in ``series``, sorted by index.

    ``min_size`` is the fewest points a segment may have, so a change is only
    reported once that many points sit on each side of it. ``search_end``
    also searches each segment's end (Matteson & James' ``kappa``): it finds
    short excursions that came back inside a long segment, but a larger null
    costs power for a shift at the end of the series, the case nightly runs
    care about, so it is off by default (as in Hunter/Otava).
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
            for q, tau in [_split_of(values[start:end], min_size, search_end)]
            if np.isfinite(q)
        ]
        if not candidates:
            break
        index, q_obs = max(candidates, key=lambda c: c[1])
        null = np.full(permutations, -np.inf)
        for start, end in segments:
            if end - start >= 2 * min_size:
                shuffled = rng.permuted(np.tile(values[start:end], (permutations, 1)), axis=1)
                null = np.maximum(null, best_split(shuffled, min_size, search_end)[0])
        p_value = (int(np.count_nonzero(null >= q_obs)) + 1) / (permutations + 1)
        if p_value > p_threshold:
            break
        found[index] = (p_value, q_obs)
        bounds = sorted([*bounds, index])
    return _describe(values, bounds, found)


def _split_of(values: NDArray[np.float64], min_size: int, search_end: bool) -> tuple[float, int]:
    q, tau = best_split(values[None, :], min_size, search_end)
    return float(q[0]), int(tau[0])


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

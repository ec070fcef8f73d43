"""Sample statistics for repeated performance measurements.

A perf figure is measured several times per run; this module summarises the
samples (median, spread, coefficient of variation) and implements the
"repeat until stable, else mark unstable" policy used by ``perf_recorder``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DEFAULT_REPETITIONS = 5
DEFAULT_CV_THRESHOLD = 0.05
DEFAULT_MAX_RERUNS = 2


@dataclass(frozen=True)
class SampleSummary:
    """Location and spread of one set of samples."""

    n: int
    median: float
    mean: float
    stdev: float
    cv: float
    q1: float
    q3: float
    minimum: float
    maximum: float

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1


def coefficient_of_variation(values: Sequence[float]) -> float:
    """Sample stdev / |mean|; NaN when it cannot be judged (n < 2 or mean 0)."""
    if len(values) < 2:
        return math.nan
    mean = statistics.fmean(values)
    if mean == 0:
        return math.nan
    return statistics.stdev(values) / abs(mean)


def summarize(values: Sequence[float]) -> SampleSummary:
    """Summarise a non-empty sequence of samples."""
    if not values:
        raise ValueError("cannot summarise an empty sample")
    data = sorted(float(v) for v in values)
    if len(data) >= 2:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    else:
        q1 = q3 = data[0]
    return SampleSummary(
        n=len(data),
        median=statistics.median(data),
        mean=statistics.fmean(data),
        stdev=statistics.stdev(data) if len(data) >= 2 else 0.0,
        cv=coefficient_of_variation(data),
        q1=q1,
        q3=q3,
        minimum=data[0],
        maximum=data[-1],
    )


def is_stable(values: Sequence[float], cv_threshold: float) -> bool:
    """True when the CV is at most ``cv_threshold`` (or cannot be computed)."""
    cv = coefficient_of_variation(values)
    return math.isnan(cv) or cv <= cv_threshold


@dataclass(frozen=True)
class Sampling:
    """Outcome of :func:`measure_until_stable`.

    ``values`` are the samples of the last batch (the reported ones);
    ``attempts`` counts batches; ``stable`` is False when every batch had a CV
    above the threshold, in which case no verdict may be drawn from them.
    """

    values: tuple[float, ...]
    attempts: int
    stable: bool
    cv: float


def measure_until_stable(
    sample: Callable[[], float],
    repetitions: int = DEFAULT_REPETITIONS,
    cv_threshold: float = DEFAULT_CV_THRESHOLD,
    max_reruns: int = DEFAULT_MAX_RERUNS,
) -> Sampling:
    """Call ``sample`` ``repetitions`` times; rerun the batch while the CV is too high.

    At most ``max_reruns`` extra batches are taken. A rerun replaces the
    previous batch rather than pooling with it, so a transient disturbance
    does not leak into the reported samples.
    """
    if repetitions < 1:
        raise ValueError("repetitions must be >= 1")
    if max_reruns < 0:
        raise ValueError("max_reruns must be >= 0")
    values: tuple[float, ...] = ()
    for attempt in range(1, max_reruns + 2):
        values = tuple(float(sample()) for _ in range(repetitions))
        if is_stable(values, cv_threshold):
            return Sampling(values, attempt, True, coefficient_of_variation(values))
    return Sampling(values, max_reruns + 1, False, coefficient_of_variation(values))

import math

import pytest

from hacert.perf.stats import coefficient_of_variation, is_stable, measure_until_stable, summarize


def test_summary_of_known_samples():
    s = summarize([10, 12, 11, 13, 9])
    assert s.n == 5
    assert s.median == 11
    assert s.minimum == 9 and s.maximum == 13
    assert s.iqr == pytest.approx(2.0)
    assert s.cv == pytest.approx(s.stdev / 11)


def test_cv_cannot_be_judged_from_one_sample():
    assert math.isnan(coefficient_of_variation([5.0]))
    assert is_stable([5.0], 0.05)


def test_stable_batch_is_taken_at_once():
    values = iter([100, 101, 99, 100, 100])
    result = measure_until_stable(lambda: next(values), repetitions=5, cv_threshold=0.05)
    assert result.stable and result.attempts == 1
    assert result.values == (100, 101, 99, 100, 100)


def test_noisy_batch_is_rerun_and_replaced():
    values = iter([100, 150, 60, 100, 100, 100, 101, 99, 100, 100])
    result = measure_until_stable(lambda: next(values), repetitions=5, cv_threshold=0.05)
    assert result.stable and result.attempts == 2
    assert result.values == (100, 101, 99, 100, 100)


def test_always_noisy_is_unstable_after_the_rerun_limit():
    calls = []

    def noisy() -> float:
        calls.append(1)
        return 100.0 if len(calls) % 2 else 150.0

    result = measure_until_stable(noisy, repetitions=4, cv_threshold=0.05, max_reruns=2)
    assert not result.stable
    assert result.attempts == 3
    assert len(calls) == 12
    assert len(result.values) == 4

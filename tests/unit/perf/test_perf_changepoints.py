import numpy as np
import pytest

from hacert.perf.changepoints import e_divisive, energy_q, segment_bounds


def _brute_q(x: np.ndarray, tau: int) -> float:
    a, b = x[:tau], x[tau:]
    m, k = len(a), len(b)
    cross = np.abs(a[:, None] - b[None, :]).sum() * 2 / (m * k)
    within_a = np.abs(a[:, None] - a[None, :]).sum() / (m * (m - 1))
    within_b = np.abs(b[:, None] - b[None, :]).sum() / (k * (k - 1))
    return m * k / (m + k) * (cross - within_a - within_b)


def test_energy_statistic_matches_the_definition():
    x = np.random.default_rng(0).normal(size=14)
    q = energy_q(x[None, :], 3)[0]
    for tau in range(3, 12):
        assert q[tau] == pytest.approx(_brute_q(x, tau))
    assert np.isneginf(q[:3]).all() and np.isneginf(q[12:]).all()


def test_flat_noisy_series_rarely_has_a_change_point():
    rng = np.random.default_rng(0)
    found = sum(bool(e_divisive(rng.normal(100, 3, 30))) for _ in range(40))
    assert found <= 2  # p threshold 0.01 per series


def test_step_down_is_found_where_it_is():
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(100, 2, 20), rng.normal(85, 2, 6)]
    (cp,) = e_divisive(x)
    assert cp.index == 20
    assert cp.change == pytest.approx(-0.15, abs=0.02)
    assert cp.p_value <= 0.01


def test_step_up_is_found():
    rng = np.random.default_rng(2)
    x = np.r_[rng.normal(50, 1, 15), rng.normal(60, 1, 15)]
    (cp,) = e_divisive(x)
    assert cp.index == 15 and cp.change > 0


def test_staircase_gives_two_change_points():
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(100, 2, 15), rng.normal(85, 2, 10), rng.normal(70, 2, 10)]
    points = e_divisive(x)
    assert [p.index for p in points] == [15, 25]
    assert segment_bounds(len(x), points) == [(0, 15), (15, 25), (25, 35)]


def test_excursion_that_came_back_needs_the_segment_end_search():
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(100, 2, 15), rng.normal(80, 2, 10), rng.normal(100, 2, 10)]
    assert [p.index for p in e_divisive(x, search_end=True)] == [15, 25]


def test_change_needs_min_size_points_on_each_side():
    rng = np.random.default_rng(4)
    x = np.r_[rng.normal(100, 1, 20), [70, 70]]
    assert all(2 < p.index <= len(x) - 3 for p in e_divisive(x, min_size=3))
    assert e_divisive(x[:21], min_size=3) == []


def test_results_are_deterministic():
    rng = np.random.default_rng(5)
    x = np.r_[rng.normal(100, 5, 20), rng.normal(92, 5, 8)]
    assert e_divisive(x, seed=7) == e_divisive(x, seed=7)

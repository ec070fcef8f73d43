from dataclasses import replace

import pytest

from hacert.perf.store import Measurement, ResultStore, SeriesKey
from hacert.perf.verdicts import (
    Verdict,
    VerdictConfig,
    assess_shift,
    compare_samples,
    evaluate,
    version_changes,
)
from tests.unit.perf.helpers import fill, nights

KEY = SeriesKey("lab", "node1:/dev/shm", "fio.seqwrite.bw")
CONFIG = VerdictConfig()


@pytest.fixture
def store(tmp_path):
    with ResultStore(tmp_path / "perf.sqlite") as s:
        yield s


def test_clear_drop_is_suspect_one_sided():
    c = compare_samples([80, 81, 79, 80, 82], [100, 101, 99, 100, 98], "higher", CONFIG)
    assert c.verdict is Verdict.SUSPECT
    assert c.change == pytest.approx(-0.2)
    assert c.p_value < 0.01


def test_lower_latency_is_an_improvement():
    c = compare_samples([8, 8.1, 7.9, 8, 8.2], [10, 10.1, 9.9, 10, 9.8], "lower", CONFIG)
    assert c.verdict is Verdict.IMPROVED


def test_small_significant_change_is_below_the_minimum_effect():
    c = compare_samples(
        [98, 98.1, 97.9, 98, 98.05], [100, 100.1, 99.9, 100, 100.05], "higher", CONFIG
    )
    assert c.p_value < 0.05
    assert c.verdict is Verdict.UNCHANGED


def test_minimum_effect_grows_with_the_spread():
    now, base = [90, 96, 84, 93, 87], [100, 106, 94, 103, 97]
    c = compare_samples(now, base, "higher", CONFIG)
    assert c.threshold > 0.1
    assert c.verdict is Verdict.UNCHANGED


def test_too_few_samples_give_no_night_verdict():
    c = compare_samples([1.0], [2.0, 2.1, 2.0], "lower", CONFIG)
    assert c.verdict is Verdict.INSUFFICIENT


def test_no_change_gives_no_shift():
    values = [m for m in (100 + d for d in [1, -2, 0.5, 1.5, -1, 0, 2, -1.5] * 3)]
    assert not assess_shift(values, "higher", 0, CONFIG).confirmed


def test_step_down_of_throughput_is_confirmed():
    values = [100, 101, 99, 100.5, 99.5, 100, 101, 99, 100, 100.2] * 2 + [88, 87.5, 88.6, 88]
    shift = assess_shift(values, "higher", 0, CONFIG)
    assert shift.confirmed
    assert shift.change == pytest.approx(-0.12, abs=0.01)
    assert shift.change_point is not None and shift.change_point.index == 20


def test_step_up_of_throughput_is_not_a_regression():
    values = [100, 101, 99, 100.5, 99.5, 100, 101, 99, 100, 100.2] * 2 + [112, 113, 112.5, 111]
    shift = assess_shift(values, "higher", 0, CONFIG)
    assert shift.change > 0.1 and not shift.confirmed


def test_step_up_of_latency_is_a_regression():
    values = [10, 10.1, 9.9, 10.05, 9.95] * 4 + [12, 12.1, 11.9, 12]
    assert assess_shift(values, "lower", 0, CONFIG).confirmed


def test_shift_before_the_baseline_was_accepted_does_not_count():
    values = [100, 101, 99, 100.5, 99.5] * 4 + [88, 87.5, 88.6, 88, 88.2, 87.9]
    assert not assess_shift(values, "higher", 21, CONFIG).confirmed


def test_series_back_to_normal_tonight_is_not_confirmed():
    values = [100, 101, 99, 100.5, 99.5] * 4 + [88, 87.5, 88.6, 88, 100.3]
    assert not assess_shift(values, "higher", 0, CONFIG).confirmed


def test_one_bad_night_is_only_suspect(store):
    runs = fill(store, nights([100] * 20 + [80], 0.01, seed=11))
    store.accept_baseline(runs[0])
    result = evaluate(store, runs[-1], KEY).verdict
    assert result.verdict is Verdict.SUSPECT
    assert result.baseline_run == "n00"
    assert result.change_pct is not None and result.change_pct < -15


def test_persistent_drop_is_confirmed_with_its_run(store):
    runs = fill(store, nights([100] * 20 + [85] * 4, 0.01, seed=12))
    store.accept_baseline(runs[0])
    result = evaluate(store, runs[-1], KEY).verdict
    assert result.verdict is Verdict.CONFIRMED
    assert result.change_point_run == "n20"
    assert "shifted" in result.message


def test_noisy_night_is_unstable_never_a_regression(store):
    runs = fill(store, nights([100] * 10, 0.01, seed=13))
    store.accept_baseline(runs[0])
    store.record_many(
        Measurement(
            run_id="n99",
            cluster=KEY.cluster,
            target=KEY.target,
            metric=KEY.metric,
            value=v,
            unit="MiB/s",
            direction="higher",
            repetition=i,
            timestamp="2026-01-02T00:00:00",
            stable=False,
        )
        for i, v in enumerate([40, 90, 60, 20, 70])
    )
    result = evaluate(store, "n99", KEY).verdict
    assert result.verdict is Verdict.UNSTABLE
    assert "CV" in result.message


def test_no_accepted_baseline(store):
    runs = fill(store, nights([100] * 3, 0.01, seed=15))
    assert evaluate(store, runs[-1], KEY).verdict.verdict is Verdict.NO_BASELINE


def test_baseline_chosen_by_tag(store):
    runs = fill(store, nights([100, 100, 80], 0.01, seed=16))
    store.accept_baseline(runs[0], tag="release-1")
    store.accept_baseline(runs[1])
    result = evaluate(store, runs[-1], KEY, baseline="release-1").verdict
    assert result.baseline_run == "n00"


def test_verdict_round_trips_through_a_dict(store):
    runs = fill(store, nights([100] * 5, 0.01, seed=17))
    store.accept_baseline(runs[0])
    v = evaluate(store, runs[-1], KEY).verdict
    assert v.from_dict(v.to_dict()) == v


def test_confirmed_regression_names_the_versions_that_changed(store):
    runs = fill(store, nights([100] * 20 + [85] * 4, 0.01, seed=18))
    for m in store.measurements():
        if m.run_id >= "n20":
            store.record(replace(m, versions={"fio": "3.33", "kernel": "6.2"}))
    store.accept_baseline(runs[0])
    result = evaluate(store, runs[-1], KEY).verdict
    assert result.verdict is Verdict.CONFIRMED
    assert "versions changed: kernel ? -> 6.2" in result.message


def test_version_changes_text():
    assert version_changes({"a": "1"}, {"a": "1"}) == ""
    assert version_changes({"a": "1", "b": "2"}, {"a": "3"}) == (
        "; versions changed: a 1 -> 3, b 2 -> ?"
    )


def test_drop_from_a_level_seen_on_few_nights_is_not_confirmed():
    values = [104, 105, 104.5, 104.8] + [100, 101, 99, 100.5, 99.5] * 3 + [93, 92.5, 93.6]
    assert not assess_shift(values, "higher", 0, CONFIG).confirmed
    assert assess_shift(values, "higher", 0, VerdictConfig(cp_min_reference=3)).confirmed

"""Verdicts for a run's perf figures: per night against a baseline, across nights by change points.

Two independent questions are answered per metric series:

* **This night vs the baseline** (:func:`compare_samples`): one-sided
  Mann-Whitney U on the samples plus a minimum effect
  ``max(min_change, cv_factor x CV)`` -> improved / unchanged / suspect
  regression. One bad night is only ever *suspect*.
* **Did the series shift?** (:func:`assess_shift`): E-Divisive means over the
  last ``window`` stable nights. A regression is *confirmed* only when a
  significant change point lies between the baseline night and now, the
  current segment is worse than the baseline's segment by at least
  ``min_change`` (significance is the permutation test's job), tonight's
  figure sits with the new level, and the baseline's segment spans at least ``cp_min_reference`` nights (a level seen on 3-4 lucky
  nights is not known well enough to call a drop from it).

Unstable samples (CV above threshold after reruns) always give "unstable",
never a regression verdict. Their median (robust to the outliers that made
the CV high) still counts in the change-point series unless
``cp_use_unstable`` is off, so a noisy target still builds a history.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from hacert.perf.extras import statistics_extra
from hacert.perf.segments import ChangePoint, segment_bounds
from hacert.perf.stats import coefficient_of_variation
from hacert.perf.store import Direction, ResultStore, RunPoint, SeriesKey


class Verdict(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    SUSPECT = "suspect regression"
    CONFIRMED = "confirmed regression"
    UNSTABLE = "unstable"
    NO_BASELINE = "no baseline"
    INSUFFICIENT = "insufficient data"


@dataclass(frozen=True)
class VerdictConfig:
    """Thresholds; the defaults follow asv/google-benchmark and Otava practice."""

    alpha: float = 0.05
    min_change: float = 0.05
    cv_factor: float = 2.0
    min_samples: int = 3
    window: int = 40
    cp_p_threshold: float = 0.01
    cp_permutations: int = 999
    cp_min_size: int = 3
    seed: int = 0
    cp_use_unstable: bool = True
    cp_min_reference: int = 6


def is_worse(change: float, direction: Direction) -> bool:
    return change < 0 if direction == "higher" else change > 0


def relative_change(now: float, reference: float) -> float:
    if reference == 0:
        return 0.0 if now == 0 else math.copysign(math.inf, now)
    return (now - reference) / abs(reference)


def _finite_max(*values: float) -> float:
    return max((v for v in values if not math.isnan(v)), default=0.0)


@dataclass(frozen=True)
class Comparison:
    """This night's samples against the baseline's."""

    verdict: Verdict
    change: float
    p_value: float
    threshold: float


def compare_samples(
    now: Sequence[float], base: Sequence[float], direction: Direction, config: VerdictConfig
) -> Comparison:
    """One-sided Mann-Whitney U in the direction of the observed change, plus minimum effect."""
    change = relative_change(statistics.median(now), statistics.median(base))
    threshold = max(
        config.min_change,
        config.cv_factor
        * _finite_max(coefficient_of_variation(now), coefficient_of_variation(base)),
    )
    if min(len(now), len(base)) < config.min_samples:
        return Comparison(Verdict.INSUFFICIENT, change, math.nan, threshold)
    if set(now) == set(base) and len(set(now)) == 1:
        return Comparison(Verdict.UNCHANGED, change, 1.0, threshold)
    lower_now = change < 0
    mannwhitneyu = statistics_extra().mannwhitneyu
    p_value = float(mannwhitneyu(now, base, alternative="less" if lower_now else "greater").pvalue)
    if p_value >= config.alpha or abs(change) < threshold:
        verdict = Verdict.UNCHANGED
    elif is_worse(change, direction):
        verdict = Verdict.SUSPECT
    else:
        verdict = Verdict.IMPROVED
    return Comparison(verdict, change, p_value, threshold)


@dataclass(frozen=True)
class Shift:
    """Change-point assessment of a series of nightly medians (last = tonight)."""

    confirmed: bool
    change: float
    threshold: float
    reference_level: float
    current_level: float
    change_points: tuple[ChangePoint, ...]
    change_point: ChangePoint | None


def assess_shift(
    values: Sequence[float],
    direction: Direction,
    baseline_index: int | None,
    config: VerdictConfig,
) -> Shift:
    """Has the series shifted for the worse since ``baseline_index`` (default: its start)?"""
    points = tuple(
        statistics_extra().e_divisive(
            values,
            p_threshold=config.cp_p_threshold,
            permutations=config.cp_permutations,
            min_size=config.cp_min_size,
            seed=config.seed,
        )
    )
    segments = segment_bounds(len(values), points)
    anchor = baseline_index if baseline_index is not None else 0
    reference = next(s for s in segments if s[0] <= anchor < s[1])
    current = segments[-1]
    ref_level = statistics.median(values[reference[0] : reference[1]])
    cur_level = statistics.median(values[current[0] : current[1]])
    change = relative_change(cur_level, ref_level)
    threshold = config.min_change
    if reference == current:
        return Shift(False, change, threshold, ref_level, cur_level, points, None)
    tonight = values[-1]
    with_new_level = abs(tonight - cur_level) < abs(tonight - ref_level)
    known_level = reference[1] - reference[0] >= config.cp_min_reference
    confirmed = (
        is_worse(change, direction) and abs(change) >= threshold and with_new_level and known_level
    )
    starts_current = next(p for p in points if p.index == current[0])
    return Shift(confirmed, change, threshold, ref_level, cur_level, points, starts_current)


@dataclass(frozen=True)
class MetricVerdict:
    """What users see per metric; serialisable with :meth:`to_dict`."""

    run_id: str
    cluster: str
    target: str
    metric: str
    unit: str
    direction: Direction
    verdict: Verdict
    value: float
    n: int
    cv: float
    baseline_run: str | None = None
    baseline_value: float | None = None
    change_pct: float | None = None
    p_value: float | None = None
    change_point_run: str | None = None
    shift_pct: float | None = None
    message: str = ""

    @property
    def key(self) -> SeriesKey:
        return SeriesKey(self.cluster, self.target, self.metric)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = str(self.verdict)
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MetricVerdict:
        fields = {**data, "verdict": Verdict(data["verdict"])}
        fields["cv"] = math.nan if fields.get("cv") is None else fields["cv"]
        return cls(**fields)


@dataclass(frozen=True)
class Evaluation:
    """A verdict plus what the trend plot needs."""

    verdict: MetricVerdict
    history: list[RunPoint]
    cp_history: list[RunPoint] = field(default_factory=list)
    change_points: tuple[ChangePoint, ...] = ()


def version_changes(before: dict[str, str], after: dict[str, str]) -> str:
    """'; versions changed: qemu 7.2 -> 8.0' or '' when nothing changed."""
    changed = [
        f"{tool} {before.get(tool, '?')} -> {after.get(tool, '?')}"
        for tool in sorted(before.keys() | after.keys())
        if before.get(tool) != after.get(tool)
    ]
    return "; versions changed: " + ", ".join(changed) if changed else ""


def pick_baseline(
    store: ResultStore, history: Sequence[RunPoint], run_id: str, selector: str | None
) -> str | None:
    """The baseline run for this series: ``selector`` (run id or tag), else the last accepted
    run that measured it. The current run is never its own baseline."""
    present = {p.run_id for p in history} - {run_id}
    if selector is not None:
        chosen = store.baseline(selector)
        return chosen if chosen in present else None
    for accepted in reversed(store.baselines()):
        if accepted.run_id in present:
            return accepted.run_id
    return None


def evaluate(
    store: ResultStore,
    run_id: str,
    key: SeriesKey,
    *,
    baseline: str | None = None,
    config: VerdictConfig | None = None,
) -> Evaluation:
    """Verdict for ``key`` in ``run_id``.

    ``baseline`` is a run id or tag; by default the last accepted run measuring ``key``.
    """
    config = config or VerdictConfig()
    history = store.series(key.cluster, key.target, key.metric, until_run=run_id)
    if not history or history[-1].run_id != run_id:
        raise KeyError(f"run {run_id!r} has no measurement of {key}")
    now = history[-1]
    base_id = pick_baseline(store, history, run_id, baseline)
    base = next((p for p in history if p.run_id == base_id), None)
    blank = MetricVerdict(
        run_id=run_id,
        cluster=key.cluster,
        target=key.target,
        metric=key.metric,
        unit=now.unit,
        direction=now.direction,
        verdict=Verdict.UNCHANGED,
        value=now.median,
        n=len(now.values),
        cv=coefficient_of_variation(now.values),
        baseline_run=base_id,
        baseline_value=base.median if base else None,
    )
    if not now.stable:
        message = f"CV {blank.cv:.1%} stayed above the threshold: no verdict"
        return Evaluation(replace(blank, verdict=Verdict.UNSTABLE, message=message), history)

    if base is None:
        night = Comparison(Verdict.NO_BASELINE, math.nan, math.nan, math.nan)
    else:
        night = compare_samples(now.values, base.values, now.direction, config)

    cp_history = [p for p in history if p.stable or config.cp_use_unstable][-config.window :]
    index = {p.run_id: i for i, p in enumerate(cp_history)}
    medians = [p.median for p in cp_history]
    shift = assess_shift(medians, now.direction, index.get(base_id or ""), config)
    cp_run = cp_history[shift.change_point.index].run_id if shift.change_point else None
    confirmed = shift.confirmed
    message = ""
    if confirmed and shift.change_point:
        at = shift.change_point.index
        message = (
            f"series shifted {shift.change:+.1%} since run {cp_run} "
            f"(change point p={shift.change_point.p_value:.3g}, threshold {shift.threshold:.1%})"
            + version_changes(cp_history[at - 1].versions, cp_history[at].versions)
        )
    result = replace(
        blank,
        verdict=Verdict.CONFIRMED if confirmed else night.verdict,
        change_pct=None if math.isnan(night.change) else night.change * 100,
        p_value=None if math.isnan(night.p_value) else night.p_value,
        change_point_run=cp_run,
        shift_pct=shift.change * 100 if shift.change_point else None,
        message=message,
    )
    return Evaluation(result, history, cp_history, shift.change_points)


def evaluate_run(
    store: ResultStore,
    run_id: str,
    *,
    baseline: str | None = None,
    config: VerdictConfig | None = None,
    save: bool = True,
) -> list[Evaluation]:
    """Evaluate every series measured in ``run_id`` (and store the verdicts)."""
    results = []
    for key in store.series_keys(run_id):
        evaluation = evaluate(store, run_id, key, baseline=baseline, config=config)
        if save:
            store.save_verdict(run_id, key, evaluation.verdict.to_dict())
        results.append(evaluation)
    return results

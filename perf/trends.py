"""Trend plots (PNG) of a metric across nights, change points and baseline marked."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from hacert.perf.changepoints import ChangePoint, segment_bounds
from hacert.perf.store import Direction, RunPoint
from hacert.perf.verdicts import Evaluation, is_worse

_MAX_TICKS = 12


def plot_trend(
    history: Sequence[RunPoint],
    out: str | Path,
    *,
    title: str,
    cp_history: Sequence[RunPoint] = (),
    change_points: Sequence[ChangePoint] = (),
    baseline_run: str | None = None,
    current_run: str | None = None,
) -> Path:
    """Write a PNG of nightly medians with sample ranges; return its path.

    ``change_points`` index into ``cp_history`` (the stable nights the
    detector saw); they are drawn as vertical lines, red when the new level is
    worse, green when better, with each segment's median level.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    position = {p.run_id: i for i, p in enumerate(history)}
    unit = history[-1].unit if history else ""
    direction: Direction = history[-1].direction if history else "higher"

    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    try:
        for stable, colour in ((True, "tab:blue"), (False, "tab:orange")):
            xs = [position[p.run_id] for p in history if p.stable == stable]
            pts = [p for p in history if p.stable == stable]
            if not pts:
                continue
            meds = [p.median for p in pts]
            low = [m - min(p.values) for m, p in zip(meds, pts, strict=True)]
            high = [max(p.values) - m for m, p in zip(meds, pts, strict=True)]
            ax.errorbar(
                xs,
                meds,
                yerr=[low, high],
                fmt="o" if stable else "x",
                capsize=3,
                label="median (min-max)" if stable else "unstable",
                color=colour,
            )
        if cp_history:
            ax.plot(
                [position[p.run_id] for p in cp_history],
                [p.median for p in cp_history],
                color="tab:blue",
                alpha=0.35,
            )
        _draw_segments(ax, cp_history, change_points, position, direction)
        if baseline_run in position:
            ax.axvline(position[baseline_run], color="grey", linestyle=":", label="baseline")
        if current_run in position:
            ax.axvspan(
                position[current_run] - 0.4,
                position[current_run] + 0.4,
                color="gold",
                alpha=0.25,
                label="this run",
            )
        step = max(1, len(history) // _MAX_TICKS)
        ticks = list(range(0, len(history), step))
        ax.set_xticks(
            ticks, [_short(history[i].run_id) for i in ticks], rotation=30, ha="right", fontsize=7
        )
        better = "higher" if direction == "higher" else "lower"
        ax.set_ylabel(f"{unit} ({better} is better)")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        fig.savefig(out, format="png")
    finally:
        plt.close(fig)
    return out


def _draw_segments(
    ax: plt.Axes,
    cp_history: Sequence[RunPoint],
    change_points: Sequence[ChangePoint],
    position: dict[str, int],
    direction: Direction,
) -> None:
    if not cp_history:
        return
    for start, end in segment_bounds(len(cp_history), change_points):
        level = statistics.median(p.median for p in cp_history[start:end])
        ax.hlines(
            level,
            position[cp_history[start].run_id] - 0.3,
            position[cp_history[end - 1].run_id] + 0.3,
            color="black",
            linewidth=1,
        )
    for cp in change_points:
        worse = is_worse(cp.change, direction)
        x = position[cp_history[cp.index].run_id] - 0.5
        ax.axvline(
            x,
            color="tab:red" if worse else "tab:green",
            linestyle="--",
            label=f"change point {cp.change:+.1%} (p={cp.p_value:.3g})",
        )


def _short(run_id: str, width: int = 16) -> str:
    return run_id if len(run_id) <= width else "…" + run_id[-(width - 1) :]


def plot_evaluation(evaluation: Evaluation, out_dir: str | Path) -> Path:
    """Plot one :class:`Evaluation` into ``out_dir`` under a name derived from its series."""
    v = evaluation.verdict
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{v.cluster}__{v.target}__{v.metric}") + ".png"
    return plot_trend(
        evaluation.history,
        Path(out_dir) / name,
        title=f"{v.metric} on {v.target} ({v.cluster}): {v.verdict}",
        cp_history=evaluation.cp_history,
        change_points=evaluation.change_points,
        baseline_run=v.baseline_run,
        current_run=v.run_id,
    )

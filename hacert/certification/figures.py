"""The figures a run measured (failover times, migration downtime, throughput), read from
the perf result store the perf plugin fills, for the certificate."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any


def perf_figures(store_path: Path, run_id: str, cluster: str) -> list[dict[str, Any]]:
    """One row per (target, metric) of ``cluster`` in ``run_id``: median, unit, samples and
    the perf verdict when one was given. No store file: no figures."""
    if not store_path.is_file():
        return []
    from hacert.perf.store import ResultStore  # the perf package is only needed when a store exists

    with ResultStore(store_path) as store:
        measurements = [m for m in store.measurements(run_id) if m.cluster == cluster]
        verdicts = {
            (v["target"], v["metric"]): v for v in store.verdicts(run_id) if v["cluster"] == cluster
        }
    grouped: dict[tuple[str, str], list[Any]] = {}
    for m in measurements:
        grouped.setdefault((m.target, m.metric), []).append(m)
    rows = []
    for (target, metric), samples in sorted(grouped.items()):
        verdict = verdicts.get((target, metric), {})
        rows.append(
            {
                "target": target,
                "metric": metric,
                "unit": samples[0].unit,
                "median": statistics.median(s.value for s in samples),
                "samples": len(samples),
                "verdict": verdict.get("verdict"),
                "change_pct": verdict.get("change_pct"),
            }
        )
    return rows

"""Synthetic nightly series for the perf tests."""

from __future__ import annotations

import numpy as np

from hacert.perf.store import Direction, Measurement, ResultStore


def nights(levels: list[float], noise: float, seed: int) -> list[list[float]]:
    """Five samples per night around each night's level, with night-to-night noise."""
    rng = np.random.default_rng(seed)
    out = []
    for level in levels:
        night = level * (1 + rng.normal(0, noise))
        out.append([float(night * (1 + rng.normal(0, noise))) for _ in range(5)])
    return out


def fill(
    store: ResultStore,
    samples: list[list[float]],
    *,
    direction: Direction = "higher",
    metric: str = "fio.seqwrite.bw",
    stable: bool = True,
) -> list[str]:
    """Store each night as run ``n00``, ``n01``, ... and return the run ids."""
    runs = []
    for night, values in enumerate(samples):
        run = f"n{night:02d}"
        store.record_many(
            Measurement(
                run_id=run,
                cluster="lab",
                target="node1:/dev/shm",
                metric=metric,
                value=v,
                unit="MiB/s",
                direction=direction,
                repetition=i,
                timestamp=f"2026-01-01T00:{night:02d}:{i:02d}",
                stable=stable,
                versions={"fio": "3.33"},
            )
            for i, v in enumerate(values)
        )
        runs.append(run)
    return runs

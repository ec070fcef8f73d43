"""Floors (minimum throughput, maximum latency) and the figures a fio run stores."""

from __future__ import annotations

from dataclasses import dataclass

from hacert.fio.expect import Floor
from hacert.fio.parse import DirStats, FioResult


@dataclass(frozen=True)
class Figure:
    metric: str
    value: float
    unit: str
    direction: str  # "higher" or "lower" is better


def _figures(prefix: str, s: DirStats) -> list[Figure]:
    out = [
        Figure(f"{prefix}.bw", s.bw_mib_s, "MiB/s", "higher"),
        Figure(f"{prefix}.iops", s.iops, "IOPS", "higher"),
        Figure(f"{prefix}.lat_mean", s.mean_lat_ms, "ms", "lower"),
    ]
    if s.p99_lat_ms is not None:
        out.append(Figure(f"{prefix}.lat_p99", s.p99_lat_ms, "ms", "lower"))
    if s.p999_lat_ms is not None:
        out.append(Figure(f"{prefix}.lat_p99.9", s.p999_lat_ms, "ms", "lower"))
    return out


def figures(profile: str, result: FioResult) -> list[Figure]:
    """Totals per direction, plus per job when there are several jobs."""
    out: list[Figure] = []
    for direction in result.directions():
        out += _figures(f"fio.{profile}.{direction}", result.total(direction))
    if len(result.jobs) > 1:
        for i, job in enumerate(result.jobs):
            for direction, s in job.stats.items():
                out += _figures(f"fio.{profile}.{direction}.job{i}", s)
    return out


def below_floor(result: FioResult, floor: Floor | None) -> list[str]:
    """What misses the floor, per direction (all jobs together)."""
    if floor is None:
        return []
    problems = []
    for direction in result.directions():
        s = result.total(direction)
        if floor.min_bw_mib_s is not None and s.bw_mib_s < floor.min_bw_mib_s:
            problems.append(f"{direction} {s.bw_mib_s:.1f} MiB/s < {floor.min_bw_mib_s:g}")
        if floor.min_iops is not None and s.iops < floor.min_iops:
            problems.append(f"{direction} {s.iops:.0f} IOPS < {floor.min_iops:g}")
        if floor.max_mean_lat_ms is not None and s.mean_lat_ms > floor.max_mean_lat_ms:
            problems.append(
                f"{direction} mean latency {s.mean_lat_ms:.2f} ms > {floor.max_mean_lat_ms:g}"
            )
        if (
            floor.max_p99_lat_ms is not None
            and s.p99_lat_ms is not None
            and s.p99_lat_ms > floor.max_p99_lat_ms
        ):
            problems.append(
                f"{direction} p99 latency {s.p99_lat_ms:.2f} ms > {floor.max_p99_lat_ms:g}"
            )
    return problems


def summary(result: FioResult) -> str:
    parts = []
    for direction in result.directions():
        s = result.total(direction)
        p99 = f", p99 {s.p99_lat_ms:.2f} ms" if s.p99_lat_ms is not None else ""
        parts.append(
            f"{direction} {s.bw_mib_s:.1f} MiB/s, {s.iops:.0f} IOPS, "
            f"mean {s.mean_lat_ms:.2f} ms{p99}"
        )
    return "; ".join(parts)

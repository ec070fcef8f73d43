"""fio ``--output-format=json`` into per-job, per-direction figures.

fio 3.x reports completion latency in ``clat_ns`` (percentile keys ``"99.000000"``); fio 2.x
used ``clat`` in microseconds (keys ``"99.00"``/``"99.000000"``). Both are read; latencies are
returned in milliseconds, bandwidth in MiB/s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hacert.errors import UnexpectedOutput

DIRECTIONS = ("read", "write")


@dataclass(frozen=True)
class DirStats:
    ios: int
    bw_mib_s: float
    iops: float
    mean_lat_ms: float
    p99_lat_ms: float | None
    p999_lat_ms: float | None


@dataclass(frozen=True)
class JobResult:
    name: str
    stats: dict[str, DirStats]
    error: int = 0


@dataclass(frozen=True)
class FioResult:
    version: str
    jobs: list[JobResult]

    def directions(self) -> list[str]:
        return [d for d in DIRECTIONS if any(d in j.stats for j in self.jobs)]

    def total(self, direction: str) -> DirStats:
        """All jobs together: bandwidth and IOPS add up; latency is IO-weighted (mean) or
        the worst job's (percentiles)."""
        parts = [j.stats[direction] for j in self.jobs if direction in j.stats]
        if not parts:
            raise KeyError(direction)
        ios = sum(p.ios for p in parts)
        mean = sum(p.mean_lat_ms * p.ios for p in parts) / ios if ios else 0.0
        p99 = [p.p99_lat_ms for p in parts if p.p99_lat_ms is not None]
        p999 = [p.p999_lat_ms for p in parts if p.p999_lat_ms is not None]
        return DirStats(
            ios=ios,
            bw_mib_s=sum(p.bw_mib_s for p in parts),
            iops=sum(p.iops for p in parts),
            mean_lat_ms=mean,
            p99_lat_ms=max(p99) if p99 else None,
            p999_lat_ms=max(p999) if p999 else None,
        )


def _percentile(pcts: dict[str, Any], wanted: float) -> float | None:
    for key, value in pcts.items():
        try:
            if abs(float(key) - wanted) < 1e-6:
                return float(value)
        except ValueError:
            continue
    return None


def _direction(raw: dict[str, Any]) -> DirStats | None:
    ios = int(raw.get("total_ios", 0))
    moved = int(raw.get("io_bytes", raw.get("io_kbytes", 0)))
    if not ios and not moved:
        return None
    if not ios:  # fio 2.x without total_ios
        ios = max(1, round(float(raw.get("iops", 0)) * float(raw.get("runtime", 0)) / 1000))
    if "clat_ns" in raw:
        clat, scale = raw["clat_ns"], 1e-6
    elif "clat" in raw:
        clat, scale = raw["clat"], 1e-3
    else:
        raise UnexpectedOutput("fio JSON: no clat_ns/clat in a job direction")
    pcts = clat.get("percentile", {}) or {}
    p99 = _percentile(pcts, 99.0)
    p999 = _percentile(pcts, 99.9)
    bw_bytes = raw.get("bw_bytes")
    bw_mib = float(bw_bytes) / 2**20 if bw_bytes is not None else float(raw["bw"]) / 1024
    return DirStats(
        ios=ios,
        bw_mib_s=bw_mib,
        iops=float(raw.get("iops", 0.0)),
        mean_lat_ms=float(clat.get("mean", 0.0)) * scale,
        p99_lat_ms=p99 * scale if p99 is not None else None,
        p999_lat_ms=p999 * scale if p999 is not None else None,
    )


def parse_fio_json(data: dict[str, Any]) -> FioResult:
    if not isinstance(data, dict) or "jobs" not in data:
        raise UnexpectedOutput("fio JSON: no 'jobs'")
    jobs = []
    for raw in data["jobs"]:
        stats = {}
        for direction in DIRECTIONS:
            if direction in raw:
                parsed = _direction(raw[direction])
                if parsed is not None:
                    stats[direction] = parsed
        jobs.append(
            JobResult(
                name=str(raw.get("jobname", "?")), stats=stats, error=int(raw.get("error", 0))
            )
        )
    return FioResult(version=str(data.get("fio version", "")), jobs=jobs)


def extract_json(text: str) -> dict[str, Any]:
    """fio may print warnings before the JSON document; take from the first ``{``."""
    import json

    start = text.find("{")
    if start < 0:
        raise UnexpectedOutput("fio printed no JSON")
    try:
        data: dict[str, Any] = json.loads(text[start:])
        return data
    except json.JSONDecodeError as error:
        raise UnexpectedOutput(f"fio JSON unparseable: {error.msg}") from None

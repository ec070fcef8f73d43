"""Inventory models shared by the storage technologies: fio run settings and perf floors."""

from __future__ import annotations

from pydantic import Field

from hacert.modelbase import StrictModel


class FioSettings(StrictModel):
    """How long and how hard fio runs (keep lab runs short)."""

    profiles: list[str] = Field(
        default_factory=lambda: [
            "seq-read-1m",
            "seq-write-1m",
            "rand-read-4k",
            "rand-write-4k",
            "mixed-4k",
        ]
    )
    runtime_s: int = Field(default=30, ge=1, le=3600)
    ramp_s: int = Field(default=5, ge=0, le=600)
    size: str = Field(default="1G", pattern=r"^\d+[KMGT]?$")
    iodepth: int | None = Field(default=None, ge=1, le=1024)
    numjobs: int | None = Field(default=None, ge=1, le=64)
    prefill: bool = True
    health_timeout_s: float = Field(default=300.0, gt=0)


class Floor(StrictModel):
    """The worst acceptable figures of one fio profile (per direction, all jobs together)."""

    min_bw_mib_s: float | None = Field(default=None, ge=0)
    min_iops: float | None = Field(default=None, ge=0)
    max_mean_lat_ms: float | None = Field(default=None, gt=0)
    max_p99_lat_ms: float | None = Field(default=None, gt=0)

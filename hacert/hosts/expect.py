"""What the inventory may expect of every host."""

from __future__ import annotations

from pydantic import Field

from hacert.modelbase import StrictModel


class HostsExpect(StrictModel):
    max_clock_skew_s: float = Field(default=1.0, gt=0, description="largest tolerated clock skew")
    extra_packages: list[str] = Field(default_factory=list)
    extra_services: list[str] = Field(default_factory=list)

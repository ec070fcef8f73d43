"""What the inventory may expect of a cluster's nvmeof setup (the `expect.nvmeof` section)."""

from __future__ import annotations

from pydantic import Field

from hacert.fio.expect import FioSettings, Floor
from hacert.modelbase import StrictModel


class NvmeSubsystemExpect(StrictModel):
    """A subsystem the nvmeof-target hosts export."""

    nqn: str = Field(min_length=4)
    namespaces: int | None = Field(default=None, ge=0)
    ports: list[str] = Field(
        default_factory=list, description='"transport:address:service", e.g. "tcp:10.0.0.1:4420"'
    )
    allow_any_host: bool | None = None
    hosts: list[str] | None = Field(default=None, description="host NQNs allowed")


class NvmeofExpect(StrictModel):
    """Expected nvmeof state; every field optional so a partial inventory is valid."""

    subsystems: list[NvmeSubsystemExpect] = Field(default_factory=list)
    connected: list[str] | None = Field(
        default=None, description="subsystem NQNs each host is connected to (default: all)"
    )
    ana: bool = False
    scratch_devices: list[str] = Field(
        default_factory=list, description="host block devices fio may write to"
    )
    fio_devices: list[str] | None = Field(
        default=None,
        description="devices fio runs on (default: the scratch devices); fio "
        "refuses any that is not a scratch device",
    )
    fio: FioSettings = Field(default_factory=FioSettings)
    floors: dict[str, Floor] = Field(default_factory=dict)

    def expected_connections(self) -> list[str]:
        return self.connected if self.connected is not None else [s.nqn for s in self.subsystems]

    def fio_targets(self) -> list[str]:
        return self.fio_devices if self.fio_devices is not None else self.scratch_devices

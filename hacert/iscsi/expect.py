"""What the inventory may expect of a cluster's iscsi setup (the `expect.iscsi` section)."""

from __future__ import annotations

from pydantic import Field

from hacert.fio.expect import FioSettings, Floor
from hacert.modelbase import StrictModel


class IscsiTargetExpect(StrictModel):
    """A target the iscsi-target hosts export."""

    iqn: str = Field(min_length=4)
    portals: list[str] = Field(default_factory=list, description='"ip:port" entries')
    luns: int | None = Field(default=None, ge=0, description="number of LUNs (all TPGs)")
    acls: list[str] | None = Field(default=None, description="initiator IQNs allowed")
    chap: bool = False


class IscsiExpect(StrictModel):
    """Expected iscsi state; every field optional so a partial inventory is valid."""

    targets: list[IscsiTargetExpect] = Field(default_factory=list)
    sessions: list[str] | None = Field(
        default=None, description="target IQNs each initiator is logged in to (default: all)"
    )
    min_devices: int | None = Field(default=None, ge=0, description="per initiator")
    multipath: bool = False
    scratch_devices: list[str] = Field(
        default_factory=list, description="initiator block devices fio may write to"
    )
    fio_devices: list[str] | None = Field(
        default=None,
        description="devices fio runs on (default: the scratch devices); fio "
        "refuses any that is not a scratch device",
    )
    fio: FioSettings = Field(default_factory=FioSettings)
    floors: dict[str, Floor] = Field(default_factory=dict)

    def expected_sessions(self) -> list[str]:
        return self.sessions if self.sessions is not None else [t.iqn for t in self.targets]

    def fio_targets(self) -> list[str]:
        return self.fio_devices if self.fio_devices is not None else self.scratch_devices

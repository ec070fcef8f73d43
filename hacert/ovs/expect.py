"""What the inventory may expect of a cluster's ovs setup (the `expect.ovs` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hacert.modelbase import StrictModel

BondMode = Literal["active-backup", "balance-slb", "balance-tcp"]


class PortExpect(StrictModel):
    name: str = Field(min_length=1)
    tag: int | None = Field(default=None, ge=0, le=4095)
    trunks: list[int] | None = None
    type: str | None = Field(default=None, description="interface type: internal, patch, …")


class BridgeExpect(StrictModel):
    name: str = Field(min_length=1)
    datapath_type: str | None = Field(
        default=None, description="system or netdev (default: the platform's ovs_datapath)"
    )
    ports: list[PortExpect] = Field(default_factory=list)
    hosts: list[str] | None = Field(default=None, description="default: every ovs host")


class BondExpect(StrictModel):
    name: str = Field(min_length=1)
    bridge: str | None = None
    mode: BondMode
    members: list[str] = Field(default_factory=list)
    lacp: Literal["off", "active", "passive"] = "off"
    hosts: list[str] | None = None
    peer_address: dict[str, str] = Field(
        default_factory=dict,
        description="host -> an address across the bond to send test traffic to",
    )
    failover_bound_ms: float = Field(
        default=1000.0, gt=0, description="allowed on top of downdelay for the failover"
    )
    max_ping_loss_pct: float = Field(default=5.0, ge=0, le=100)
    failover: bool = Field(default=True, description="run the destructive failover on it")


class OvsExpect(StrictModel):
    """Expected ovs state; every field optional so a partial inventory is valid."""

    bridges: list[BridgeExpect] = Field(default_factory=list)
    bonds: list[BondExpect] = Field(default_factory=list)
    max_interface_errors: int = Field(default=0, ge=0)
    allow_plain_remotes: list[str] = Field(
        default_factory=list, description="ptcp:/tcp: targets accepted anyway (lab only)"
    )

"""What the inventory may expect of a cluster's corosync setup (the `expect.corosync` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hacert.modelbase import StrictModel


class CorosyncExpect(StrictModel):
    """Expected corosync state; every field optional so a partial inventory is valid."""

    cluster_name: str | None = Field(default=None, description="totem.cluster_name")
    transport: Literal["knet", "udpu", "udp"] | None = Field(
        default="knet", description="totem.transport (None: any)"
    )
    links: int | None = Field(
        default=None, ge=1, le=8, description="knet links every node must have (None: >= 1)"
    )
    min_links: int = Field(
        default=2, ge=1, le=8, description="redundant links recommended (COROSYNC-012)"
    )
    two_node: bool | None = Field(
        default=None, description="quorum.two_node; default: on exactly when there are 2 nodes"
    )
    wait_for_all: bool | None = Field(default=None, description="quorum.wait_for_all")
    token_ms: int | None = Field(
        default=None, gt=0, description="totem.token as written in corosync.conf"
    )
    min_token_ms: int = Field(default=1000, gt=0, description="floor for the runtime token")
    max_token_ms: int = Field(default=60000, gt=0, description="ceiling for the runtime token")
    token_coefficient_ms: int = Field(default=650, ge=0, description="totem.token_coefficient")
    min_consensus_ratio: float = Field(
        default=1.2, ge=1.0, description="runtime consensus / runtime token, at least"
    )
    require_crypto: bool = Field(default=True, description="knet crypto_cipher/hash not none")
    conf_path: str = "/etc/corosync/corosync.conf"
    authkey_path: str = "/etc/corosync/authkey"

"""What the inventory may expect of a cluster's gfs2 setup (the `expect.gfs2` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hacert.fio.expect import FioSettings, Floor
from hacert.modelbase import StrictModel


class Gfs2Filesystem(StrictModel):
    """One GFS2 filesystem the cluster must have mounted."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,30}$",
        description="lock table fs name (`<cluster>:<name>`), also the DLM lockspace",
    )
    mountpoint: str = Field(pattern=r"^/")
    device: str | None = Field(default=None, description="block device (for the journal count)")
    nodes: list[str] | None = Field(
        default=None, description="hosts that must mount it (default: every host with role gfs2)"
    )
    mount_options: list[str] = Field(
        default_factory=lambda: ["noatime"], description="options that must be in effect"
    )
    min_journals: int | None = Field(
        default=None, ge=1, description="journals at least (default: the number of mounting nodes)"
    )
    quota: Literal["off", "account", "on", "quiet"] | None = Field(
        default=None, description="expected quota mode (None: not checked)"
    )
    lvm_vg: str | None = Field(
        default=None, description="shared volume group it lives on (lock type dlm via lvmlockd)"
    )


class Gfs2Expect(StrictModel):
    """Expected gfs2 state; every field optional so a partial inventory is valid."""

    cluster_name: str | None = Field(
        default=None, description="lock table cluster name (default: corosync's cluster_name)"
    )
    filesystems: list[Gfs2Filesystem] = Field(default_factory=list)
    dlm_fencing: bool = Field(
        default=True,
        description="dlm_controld must fence failed nodes (enable_fencing=1); false states "
        "the platform runs DLM without fencing and DLM-004 does not apply",
    )
    lock_test_seconds: float = Field(default=10.0, gt=0, le=600)
    min_lock_rate: float | None = Field(
        default=None, ge=0, description="ping-pong locks/s every node must reach (None: > 0)"
    )
    scratch_dirs: list[str] = Field(
        default_factory=list,
        description="directories on a GFS2 filesystem where fio may write its files (GFS2-101)",
    )
    fio: FioSettings = Field(default_factory=FioSettings)
    floors: dict[str, Floor] = Field(default_factory=dict, description="per fio profile")
    recovery_timeout_s: float = Field(
        default=180.0, gt=0, description="fence + journal recovery + rejoin, at most"
    )


def mounting_hosts(fs: Gfs2Filesystem, gfs2_hosts: list[str]) -> list[str]:
    """Names of the hosts that must mount ``fs`` (default: every host with role gfs2)."""
    return list(fs.nodes) if fs.nodes is not None else list(gfs2_hosts)

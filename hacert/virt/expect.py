"""What the inventory may expect of a cluster's virt setup (the `expect.virt` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from hacert.modelbase import StrictModel

DomainState = Literal["running", "shut off", "paused"]


class DomainExpect(StrictModel):
    """One guest the cluster is expected to have."""

    name: str = Field(min_length=1)
    state: DomainState = "running"
    hosts: list[str] | None = Field(
        default=None, description="hypervisors it may be defined/run on (default: any)"
    )
    pacemaker_resource: str | None = Field(
        default=None,
        description="managed by this pacemaker VirtualDomain resource: its XML lives in the "
        "resource's config file, libvirt only holds it (transient) where pacemaker runs it",
    )
    persistent: bool | None = None
    autostart: bool | None = None
    vcpus: int | None = Field(default=None, ge=1)
    memory_mib: int | None = Field(default=None, ge=1)
    machine: str | None = None
    balloon: bool | None = Field(default=None, description="a virtio memballoon is present")
    nic_queues: int | None = Field(default=None, ge=1, description="virtio-net multiqueue")
    networks: list[str] = Field(
        default_factory=list, description="libvirt networks (or bridges) its NICs attach to"
    )
    virtio_only: bool = Field(default=True, description="disks and NICs use virtio")


class NetworkExpect(StrictModel):
    """A libvirt network every hypervisor (or `hosts`) is expected to have."""

    name: str = Field(min_length=1)
    active: bool = True
    autostart: bool = True
    forward_mode: str | None = Field(default=None, description="nat, route, bridge, … or none")
    bridge: str | None = None
    ip: str | None = Field(default=None, description="the network's IP address")
    hosts: list[str] | None = None


class PoolExpect(StrictModel):
    name: str = Field(min_length=1)
    active: bool = True
    autostart: bool | None = None
    min_available_gib: float = Field(default=0.0, ge=0)
    hosts: list[str] | None = None


class ScratchGuest(StrictModel):
    """A transient guest the destructive checks define (and remove) themselves."""

    name: str = "hacert-testvm"
    kernel: str = Field(min_length=1)
    initrd: str | None = None
    cmdline: str = "console=ttyS0 quiet panic=-1"
    memory_mib: int = Field(default=256, ge=16)
    vcpus: int = Field(default=1, ge=1)
    machine: str | None = None
    cpu_model: str | None = None
    domain_type: Literal["kvm", "qemu"] | None = Field(
        default=None, description="default: kvm when platform.kvm, else qemu (TCG)"
    )
    serial_log_dir: str = "/var/log/hacert"
    tick_pattern: str = Field(
        default=r"tick (\d+)",
        description="regex whose group 1 is a counter the guest prints on its serial console",
    )
    boot_timeout_s: float = Field(default=60.0, gt=0)


class MigrationExpect(StrictModel):
    """Live migration: which hypervisor pairs, how often, and the SLOs."""

    pairs: list[tuple[str, str]] = Field(
        default_factory=list, description="ordered (source, destination); empty: every pair"
    )
    guest: str | None = Field(
        default=None, description="an existing domain to migrate (default: the test guest)"
    )
    test_guest: ScratchGuest | None = None
    method: Literal["libvirt", "qmp"] = "libvirt"
    destination_uri: str = Field(
        default="qemu+ssh://{name}/system",
        description="libvirt URI of the destination as the source reaches it ({name}, {address})",
    )
    migrate_uri: str = Field(
        default="tcp://{address}", description="data connection; {address} = destination"
    )
    round_trips: int = Field(default=2, ge=1, description="ping-pong round trips")
    max_downtime_ms: float = Field(default=500.0, gt=0, description="SLO: measured downtime")
    downtime_limit_ms: int | None = Field(
        default=None, ge=1, description="asked of QEMU (migrate-setmaxdowntime)"
    )
    bandwidth_mib_s: int | None = Field(default=None, ge=1, description="--bandwidth")
    max_total_s: float = Field(default=60.0, gt=0)
    postcopy: bool = False
    raw_qmp: bool = Field(
        default=False,
        description="also migrate a bare QEMU test guest over QMP (always, with method qmp)",
    )
    timeout_s: float = Field(default=120.0, gt=0)


class VirtExpect(StrictModel):
    """Expected virt state; every field optional so a partial inventory is valid."""

    daemons: list[str] = Field(
        default_factory=lambda: ["libvirtd"],
        description="libvirt daemons that must be active (e.g. virtqemud for modular)",
    )
    versions_equal: bool = True
    nested: bool | None = Field(default=None, description="nested virt on (None: not checked)")
    machine_types: list[str] = Field(default_factory=list)
    cpu_models: list[str] = Field(default_factory=list, description="usable in domcapabilities")
    security_driver: str | None = Field(
        default=None,
        description="expected libvirt security model (selinux, apparmor, none); default: any "
        "confining driver, i.e. not none",
    )
    seccomp_sandbox: bool = True
    iommu: bool | None = Field(
        default=None, description="IOMMU on (default: required only where a guest has <hostdev>)"
    )
    host_validate_ignore: list[str] = Field(
        default_factory=list,
        description="virt-host-validate checks (substring) whose FAIL is accepted",
    )
    domains: list[DomainExpect] = Field(default_factory=list)
    networks: list[NetworkExpect] = Field(default_factory=list)
    pools: list[PoolExpect] = Field(default_factory=list)
    migration: MigrationExpect | None = None
    snapshot_guest: str | None = Field(
        default=None, description="domain for the snapshot round trip (default: the test guest)"
    )
    balloon_guest: str | None = Field(default=None, description="domain for the setmem round trip")

    @model_validator(mode="after")
    def _names_unique(self) -> VirtExpect:
        for kind, names in (
            ("domain", [d.name for d in self.domains]),
            ("network", [n.name for n in self.networks]),
            ("pool", [p.name for p in self.pools]),
        ):
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{kind} listed twice: {', '.join(dup)}")
        return self

"""The technologies hacert checks and the host roles they run on: the one table of both.

Everything that needs to know which roles a technology has (check applicability, inventory
validation, state snapshots, packages and services per role), its check id prefixes, its
pytest marker or the tools whose versions a report records reads it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A host role: what it needs installed and running."""

    name: str
    packages: tuple[str, ...] = ()
    # "a|b" is satisfied by either unit
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class Technology:
    """One technology: its marker, roles, check ids, state and version probes.

    ``roles``: a cluster needs a host with one of them for the technology's checks to apply,
    for its ``expect`` section to be valid and for its state to be snapshot (none: any cluster).
    ``package``: the ``hacert.<package>`` holding its expect section and state snapshot.
    ``snapshot``: module whose ``snapshot(cluster)`` records its state, imported when needed.
    ``versions``: tool -> shell command printing its version.
    """

    name: str
    description: str
    roles: tuple[str, ...]
    prefixes: tuple[str, ...]
    package: str
    snapshot: str | None = None
    versions: tuple[tuple[str, str], ...] = ()


ROLES: tuple[Role, ...] = (
    Role("corosync", ("corosync",), ("corosync",)),
    Role("pacemaker", ("pacemaker", "pacemaker-cli-utils", "resource-agents"), ("pacemaker",)),
    # libvirtd is socket-activated on current distributions and exits when idle
    Role(
        "hypervisor",
        ("qemu-system-x86", "libvirt-daemon-system", "libvirt-clients"),
        ("libvirtd|libvirtd.socket",),
    ),
    Role("ovs", ("openvswitch-switch",), ("ovsdb-server", "ovs-vswitchd")),
    Role("bonding"),  # kernel bonding; OVS bonds are the ovs role's
    Role("ceph-mon", ("ceph-mon",)),
    Role("ceph-mgr", ("ceph-mgr",)),
    Role("ceph-osd", ("ceph-osd",)),
    Role("ceph-client", ("ceph-common",)),
    Role("iscsi-target", ("targetcli-fb",)),
    Role("iscsi-initiator", ("open-iscsi",)),
    Role("nvmeof-target"),  # nvmet is configured through configfs; nvmetcli is optional
    Role("nvmeof-host", ("nvme-cli",)),
    Role("gfs2", ("gfs2-utils", "dlm-controld"), ("dlm",)),
    Role("fio-client", ("fio",)),
)

TECHNOLOGIES: tuple[Technology, ...] = (
    Technology(
        "hosts",
        "checks of the hosts themselves (reachability, names, time, packages, services)",
        roles=(),
        prefixes=("HOSTS",),
        package="hosts",
        versions=(
            ("kernel", "uname -r"),
            ("os", '. /etc/os-release && echo "$PRETTY_NAME"'),
            ("fio", "fio --version"),
        ),
    ),
    Technology(
        "corosync",
        "Corosync membership, quorum, links and configuration",
        roles=("corosync",),
        prefixes=("COROSYNC",),
        package="corosync",
        versions=(("corosync", "corosync -v"),),
    ),
    Technology(
        "pacemaker",
        "Pacemaker cluster state, configuration and behaviour",
        roles=("pacemaker",),
        prefixes=("PCMK",),
        package="pacemaker",
        snapshot="hacert.pacemaker.state",
        versions=(("pacemaker", "pacemakerd --version"), ("pcs", "pcs --version")),
    ),
    Technology(
        "qemu",
        "QEMU/KVM hypervisor hosts and guests",
        roles=("hypervisor",),
        prefixes=("QEMU",),
        package="virt",
        snapshot="hacert.virt.state",
        versions=(("qemu", "qemu-system-x86_64 --version"),),
    ),
    Technology(
        "libvirt",
        "libvirt domains, networks, pools and live migration",
        roles=("hypervisor",),
        prefixes=("LIBVIRT", "MIGRATION"),
        package="virt",
        snapshot="hacert.virt.state",
        versions=(("libvirt", "libvirtd --version"),),
    ),
    Technology(
        "ovs",
        "Open vSwitch bridges, ports, VLANs and bonds",
        roles=("ovs",),
        prefixes=("OVS", "BOND"),
        package="ovs",
        snapshot="hacert.ovs.state",
        versions=(("ovs", "ovs-vswitchd --version"),),
    ),
    Technology(
        "ceph",
        "Ceph health and RBD",
        roles=("ceph-mon", "ceph-client"),
        prefixes=("CEPH", "RBD"),
        package="ceph",
        snapshot="hacert.ceph.state",
        versions=(("ceph", "ceph --version"),),
    ),
    Technology(
        "iscsi",
        "iSCSI targets and initiators",
        roles=("iscsi-target", "iscsi-initiator"),
        prefixes=("ISCSI",),
        package="iscsi",
        snapshot="hacert.iscsi.state",
        versions=(("open-iscsi", "iscsiadm --version"),),
    ),
    Technology(
        "nvmeof",
        "NVMe over Fabrics targets and hosts",
        roles=("nvmeof-target", "nvmeof-host"),
        prefixes=("NVMEOF",),
        package="nvmeof",
        snapshot="hacert.nvmeof.state",
        versions=(("nvme-cli", "nvme version"),),
    ),
    Technology(
        "gfs2",
        "GFS2 and DLM",
        roles=("gfs2",),
        prefixes=("GFS2", "DLM"),
        package="gfs2",
        snapshot="hacert.gfs2.state",
        versions=(("dlm", "dlm_tool -V"),),
    ),
)

BY_NAME: dict[str, Technology] = {t.name: t for t in TECHNOLOGIES}
BY_PREFIX: dict[str, Technology] = {p: t for t in TECHNOLOGIES for p in t.prefixes}
ROLE_NAMES: tuple[str, ...] = tuple(r.name for r in ROLES)
ROLE_BY_NAME: dict[str, Role] = {r.name: r for r in ROLES}
VERSION_PROBES: dict[str, str] = {tool: cmd for t in TECHNOLOGIES for tool, cmd in t.versions}


def package_roles() -> dict[str, tuple[str, ...]]:
    """hacert package (expect section, snapshot) -> the roles of the technologies in it."""
    roles: dict[str, tuple[str, ...]] = {}
    for tech in TECHNOLOGIES:
        known = roles.get(tech.package, ())
        roles[tech.package] = known + tuple(r for r in tech.roles if r not in known)
    return roles


def snapshot_providers() -> dict[str, str]:
    """hacert package -> the module taking its state snapshot, once per package."""
    return {t.package: t.snapshot for t in TECHNOLOGIES if t.snapshot}

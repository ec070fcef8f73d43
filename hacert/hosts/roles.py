"""What each role needs on a host: packages installed, services enabled and active."""

from __future__ import annotations

from hacert.inventory.model import Platform

PACKAGES: dict[str, tuple[str, ...]] = {
    "corosync": ("corosync",),
    "pacemaker": ("pacemaker", "pacemaker-cli-utils", "resource-agents"),
    "hypervisor": ("qemu-system-x86", "libvirt-daemon-system", "libvirt-clients"),
    "ovs": ("openvswitch-switch",),
    "ceph-mon": ("ceph-mon",),
    "ceph-mgr": ("ceph-mgr",),
    "ceph-osd": ("ceph-osd",),
    "ceph-client": ("ceph-common",),
    "iscsi-target": ("targetcli-fb",),
    "iscsi-initiator": ("open-iscsi",),
    "nvmeof-target": (),  # nvmet is configured through configfs; nvmetcli is optional
    "nvmeof-host": ("nvme-cli",),
    "gfs2": ("gfs2-utils", "dlm-controld"),
    "fio-client": ("fio",),
}

# A service written "a|b" is satisfied by either unit: libvirtd is socket-activated on
# current distributions and exits when idle, so an active libvirtd.socket is healthy.
SERVICES: dict[str, tuple[str, ...]] = {
    "corosync": ("corosync",),
    "pacemaker": ("pacemaker",),
    "hypervisor": ("libvirtd|libvirtd.socket",),
    "ovs": ("ovsdb-server", "ovs-vswitchd"),
    "gfs2": ("dlm",),
}

# Red Hat family package names where they differ.
RPM_NAMES: dict[str, str] = {
    "pacemaker-cli-utils": "pacemaker-cli",
    "qemu-system-x86": "qemu-kvm",
    "libvirt-daemon-system": "libvirt-daemon",
    "libvirt-clients": "libvirt-client",
    "openvswitch-switch": "openvswitch",
    "ceph-common": "ceph-common",
    "targetcli-fb": "targetcli",
    "open-iscsi": "iscsi-initiator-utils",
    "dlm-controld": "dlm",
}


def packages_for(roles: list[str], extra: list[str] | None = None) -> list[str]:
    wanted: list[str] = []
    for role in roles:
        wanted.extend(p for p in PACKAGES.get(role, ()) if p not in wanted)
    wanted.extend(p for p in extra or [] if p not in wanted)
    return wanted


def services_for(roles: list[str], platform: Platform, extra: list[str] | None = None) -> list[str]:
    wanted: list[str] = ["sshd"]
    for role in roles:
        wanted.extend(s for s in SERVICES.get(role, ()) if s not in wanted)
    wanted.extend(s for s in extra or [] if s not in wanted)
    return wanted

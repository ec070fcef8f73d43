"""The packages and services a host's roles need (roles in hacert.technologies), and RPM names."""

from __future__ import annotations

from hacert.inventory.model import Platform
from hacert.technologies import ROLE_BY_NAME

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
        wanted.extend(p for p in ROLE_BY_NAME[role].packages if p not in wanted)
    wanted.extend(p for p in extra or [] if p not in wanted)
    return wanted


def services_for(roles: list[str], platform: Platform, extra: list[str] | None = None) -> list[str]:
    wanted: list[str] = ["sshd"]
    for role in roles:
        wanted.extend(s for s in ROLE_BY_NAME[role].services if s not in wanted)
    wanted.extend(s for s in extra or [] if s not in wanted)
    return wanted

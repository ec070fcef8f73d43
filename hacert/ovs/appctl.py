"""Parsers of `ovs-appctl bond/show` and `ovs-appctl lacp/show` (text only).

OVS before 2.15 says ``slave`` where newer versions say ``member``; both are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^---- (?P<name>\S+) ----$")
_MEMBER = re.compile(r"^(?:member|slave):? (?P<name>[^:\s]+): (?P<state>.+)$")
_ACTIVE_MAC = re.compile(r"^active (?:member|slave) mac: (?P<mac>\S+?)\((?P<name>[^)]*)\)$")


@dataclass
class BondMember:
    name: str
    enabled: bool
    active: bool = False
    may_enable: bool | None = None


@dataclass
class BondStatus:
    name: str
    mode: str = ""
    updelay_ms: int = 0
    downdelay_ms: int = 0
    lacp_status: str = "off"
    active_member: str | None = None
    members: dict[str, BondMember] = field(default_factory=dict)

    @property
    def enabled_members(self) -> list[str]:
        return [m.name for m in self.members.values() if m.enabled]

    @property
    def active(self) -> str | None:
        """The active member: flagged in its block, else named by `active member mac`."""
        flagged = [m.name for m in self.members.values() if m.active]
        if flagged:
            return flagged[0]
        return self.active_member if self.active_member not in (None, "none") else None


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        header = _HEADER.match(raw.strip())
        if header:
            blocks.append((header.group("name"), []))
        elif blocks:
            blocks[-1][1].append(raw)
    return blocks


def _ms(value: str) -> int:
    return int(value.split(maxsplit=1)[0])


def parse_bond_show(text: str) -> dict[str, BondStatus]:
    """Every bond in `ovs-appctl bond/show [bond]`."""
    bonds: dict[str, BondStatus] = {}
    for name, lines in _blocks(text):
        bond = BondStatus(name=name)
        member: BondMember | None = None
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            found = _MEMBER.match(line) if not raw[0].isspace() else None
            if found:
                member = BondMember(found.group("name"), found.group("state").strip() == "enabled")
                bond.members[member.name] = member
                continue
            if member is not None and raw[0].isspace():
                if line in ("active member", "active slave"):
                    member.active = True
                elif line.startswith("may_enable:"):
                    member.may_enable = line.split(":", 1)[1].strip() == "true"
                continue
            mac = _ACTIVE_MAC.match(line)
            if mac:
                bond.active_member = mac.group("name")
                continue
            key, _, value = line.partition(":")
            value = value.strip()
            if key == "bond_mode":
                bond.mode = value
            elif key == "updelay":
                bond.updelay_ms = _ms(value)
            elif key == "downdelay":
                bond.downdelay_ms = _ms(value)
            elif key == "lacp_status":
                bond.lacp_status = value
        bonds[name] = bond
    return bonds


@dataclass
class LacpMember:
    name: str
    state: list[str]
    may_enable: bool | None = None
    partner_state: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return "current" in self.state


@dataclass
class LacpStatus:
    name: str
    status: list[str] = field(default_factory=list)
    members: dict[str, LacpMember] = field(default_factory=dict)

    @property
    def negotiated(self) -> bool:
        return "negotiated" in self.status


def parse_lacp_show(text: str) -> dict[str, LacpStatus]:
    """Every LACP-enabled port in `ovs-appctl lacp/show [port]`."""
    result: dict[str, LacpStatus] = {}
    for name, lines in _blocks(text):
        lacp = LacpStatus(name=name)
        member: LacpMember | None = None
        for raw in lines:
            line = raw.strip()
            found = _MEMBER.match(line) if raw and not raw[0].isspace() else None
            if found:
                member = LacpMember(found.group("name"), found.group("state").split())
                lacp.members[member.name] = member
            elif line.startswith("status:") and member is None:
                lacp.status = line.split(":", 1)[1].split()
            elif member is not None and line.startswith("may_enable:"):
                member.may_enable = line.split(":", 1)[1].strip() == "true"
            elif member is not None and line.startswith("partner state:"):
                member.partner_state = line.split(":", 1)[1].split()
        result[name] = lacp
    return result

"""The OVSDB configuration of one host as typed data (bridges, ports, interfaces, remotes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hacert.ovs.ovsdb import Row, as_list, optional


@dataclass(frozen=True)
class Interface:
    name: str
    type: str
    admin_state: str | None
    link_state: str | None
    error: str | None
    link_resets: int
    statistics: dict[str, int]

    @property
    def error_count(self) -> int:
        return sum(v for k, v in self.statistics.items() if k.endswith(("_errors", "_err")))


@dataclass(frozen=True)
class Port:
    name: str
    interfaces: tuple[str, ...]
    tag: int | None
    trunks: tuple[int, ...]
    bond_mode: str | None
    lacp: str | None

    @property
    def is_bond(self) -> bool:
        return len(self.interfaces) > 1


@dataclass(frozen=True)
class Bridge:
    name: str
    datapath_type: str
    ports: tuple[str, ...]
    controllers: tuple[str, ...]
    fail_mode: str | None


@dataclass(frozen=True)
class Remote:
    """A manager (Open_vSwitch.manager_options) or an OpenFlow controller."""

    kind: str
    owner: str
    target: str
    is_connected: bool | None


@dataclass
class OvsConfig:
    bridges: dict[str, Bridge] = field(default_factory=dict)
    ports: dict[str, Port] = field(default_factory=dict)
    interfaces: dict[str, Interface] = field(default_factory=dict)
    remotes: list[Remote] = field(default_factory=list)

    def port_of_bridge(self, bridge: str, port: str) -> Port | None:
        br = self.bridges.get(bridge)
        return self.ports.get(port) if br and port in br.ports else None

    def summary(self) -> dict[str, Any]:
        """A comparable description (no uuids, no counters) for before/after snapshots."""
        return {
            "bridges": {
                b.name: {"datapath_type": b.datapath_type, "ports": sorted(b.ports)}
                for b in self.bridges.values()
            },
            "ports": {
                p.name: {
                    "interfaces": sorted(p.interfaces),
                    "tag": p.tag,
                    "trunks": list(p.trunks),
                    "bond_mode": p.bond_mode,
                    "lacp": p.lacp,
                }
                for p in self.ports.values()
            },
            "interfaces": {
                i.name: {"type": i.type, "admin_state": i.admin_state, "link_state": i.link_state}
                for i in self.interfaces.values()
            },
        }


def build(
    bridges: list[Row],
    ports: list[Row],
    interfaces: list[Row],
    controllers: list[Row],
    managers: list[Row],
) -> OvsConfig:
    """Joins the rows of the Bridge, Port, Interface, Controller and Manager tables."""
    iface_names = {r["_uuid"]: r["name"] for r in interfaces}
    port_names = {r["_uuid"]: r["name"] for r in ports}
    config = OvsConfig()
    for r in interfaces:
        stats = r.get("statistics") or {}
        config.interfaces[r["name"]] = Interface(
            name=r["name"],
            type=r.get("type") or "system",
            admin_state=optional(r.get("admin_state")),
            link_state=optional(r.get("link_state")),
            error=optional(r.get("error")),
            link_resets=int(optional(r.get("link_resets")) or 0),
            statistics={k: int(v) for k, v in stats.items()},
        )
    for r in ports:
        config.ports[r["name"]] = Port(
            name=r["name"],
            interfaces=tuple(iface_names.get(u, u) for u in as_list(r.get("interfaces"))),
            tag=optional(r.get("tag")),
            trunks=tuple(sorted(as_list(r.get("trunks")))),
            bond_mode=optional(r.get("bond_mode")),
            lacp=optional(r.get("lacp")),
        )
    controller_rows = {r["_uuid"]: r for r in controllers}
    for r in bridges:
        ctrl = [controller_rows[u] for u in as_list(r.get("controller")) if u in controller_rows]
        config.bridges[r["name"]] = Bridge(
            name=r["name"],
            datapath_type=r.get("datapath_type") or "system",
            ports=tuple(port_names.get(u, u) for u in as_list(r.get("ports"))),
            controllers=tuple(c["target"] for c in ctrl),
            fail_mode=optional(r.get("fail_mode")),
        )
        config.remotes.extend(
            Remote("controller", r["name"], c["target"], optional(c.get("is_connected")))
            for c in ctrl
        )
    config.remotes.extend(
        Remote("manager", "Open_vSwitch", m["target"], optional(m.get("is_connected")))
        for m in managers
    )
    return config


def plain_remote_problem(target: str) -> str | None:
    """Why a manager/controller target is insecure, or None.

    Listening without TLS (``ptcp:``/``punix:`` is local only) on a non-loopback address, or
    connecting to a remote manager/controller without TLS, exposes OVSDB/OpenFlow.
    """
    method, _, rest = target.partition(":")
    if method == "ptcp":
        parts = rest.split(":")
        address = parts[1] if len(parts) > 1 else ""
        if address.strip("[]") not in ("127.0.0.1", "::1", "localhost"):
            return f"{target} listens without TLS on {address or 'every address'}"
    if method == "tcp":
        host = rest.rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "::1", "localhost"):
            return f"{target} talks to a remote peer without TLS (use ssl:)"
    return None

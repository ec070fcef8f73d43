"""Commands run on an OVS host, returning typed data."""

from __future__ import annotations

from hacert.cluster import Node
from hacert.ovs import config as cfg
from hacert.ovs.appctl import BondStatus, LacpStatus, parse_bond_show, parse_lacp_show
from hacert.ovs.ovsdb import Row, parse_table

TABLES = ("Bridge", "Port", "Interface", "Controller", "Manager")


def table(node: Node, name: str) -> list[Row]:
    text = node.output(["ovs-vsctl", "--format=json", "list", name], timeout=20)
    return parse_table(text, host=node.label)


def ovs_config(node: Node) -> cfg.OvsConfig:
    rows = {name: table(node, name) for name in TABLES}
    return cfg.build(
        rows["Bridge"], rows["Port"], rows["Interface"], rows["Controller"], rows["Manager"]
    )


def bonds(node: Node, name: str | None = None) -> dict[str, BondStatus]:
    argv = ["ovs-appctl", "bond/show"] + ([name] if name else [])
    return parse_bond_show(node.output(argv, timeout=15))


def lacp(node: Node, port: str) -> LacpStatus | None:
    result = node.run(["ovs-appctl", "lacp/show", port], timeout=15)
    if not result.ok:
        return None  # "no such lacp object": LACP is not configured on it
    return parse_lacp_show(result.stdout).get(port)


def service_active(node: Node, unit: str) -> str:
    result = node.run(["systemctl", "is-active", unit], timeout=15)
    return result.stdout.strip() or "unknown"


def daemon_running(node: Node, name: str) -> bool:
    """The daemon answers on its control socket (works whatever unit started it)."""
    target = "ovsdb-server" if name == "ovsdb-server" else "ovs-vswitchd"
    return node.run(["ovs-appctl", "-t", target, "version"], timeout=10).ok

"""Open vSwitch: daemons, bridges, ports, VLANs, interfaces, remotes (read-only)."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.ovs import probes
from hacert.ovs.config import plain_remote_problem
from hacert.ovs.expect import BridgeExpect, OvsExpect
from hacert.reporting import attach_command


def _expect(cluster: Cluster) -> OvsExpect:
    if cluster.expect.ovs is None:
        pytest.skip(f"not applicable: cluster {cluster.name} has no expect.ovs section")
    return cluster.expect.ovs


def _bridges_for(expect: OvsExpect, node: Node) -> list[BridgeExpect]:
    return [b for b in expect.bridges if b.hosts is None or node.name in b.hosts]


@check(
    "OVS-001",
    "ovs-vswitchd and ovsdb-server are running",
    severity="critical",
    per_host="ovs",
    profiles=("smoke", "acceptance", "grading"),
    remediation="`systemctl enable --now openvswitch-switch` (or ovsdb-server and ovs-vswitchd)",
)
def test_daemons(node: Node) -> None:
    findings = Findings(expected="ovsdb-server and ovs-vswitchd answer on their control sockets")
    for daemon in ("ovsdb-server", "ovs-vswitchd"):
        if not probes.daemon_running(node, daemon):
            findings.add(
                f"{daemon} does not answer (unit {probes.service_active(node, daemon)})", node.label
            )
    findings.raise_if_any()


@check(
    "OVS-002",
    "Expected bridges exist with the expected datapath type",
    severity="critical",
    per_host="ovs",
    profiles=("smoke", "acceptance", "grading"),
    remediation="`ovs-vsctl add-br <bridge> -- set bridge <bridge> datapath_type=<type>`",
)
def test_bridges(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    config = probes.ovs_config(node)
    default_dp = cluster.platform.ovs_datapath
    findings = Findings(
        expected="bridges "
        + ", ".join(
            f"{b.name} ({b.datapath_type or default_dp})" for b in _bridges_for(expect, node)
        )
    )
    for want in _bridges_for(expect, node):
        bridge = config.bridges.get(want.name)
        if bridge is None:
            findings.add(
                f"bridge {want.name} missing (has {', '.join(config.bridges) or 'none'})",
                node.label,
            )
        elif bridge.datapath_type != (want.datapath_type or default_dp):
            findings.add(f"bridge {want.name} datapath_type {bridge.datapath_type}", node.label)
    findings.raise_if_any()


@check(
    "OVS-003",
    "Expected ports are on their bridges with the expected interface type",
    severity="critical",
    per_host="ovs",
    profiles=("acceptance", "grading"),
    remediation="`ovs-vsctl add-port <bridge> <port>` (or add-bond) as the design says",
)
def test_ports(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    config = probes.ovs_config(node)
    findings = Findings(expected="every expected port on its bridge")
    for want in _bridges_for(expect, node):
        for port in want.ports:
            found = config.port_of_bridge(want.name, port.name)
            if found is None:
                where = [b.name for b in config.bridges.values() if port.name in b.ports]
                findings.add(
                    f"port {port.name} not on {want.name}"
                    + (f" (on {', '.join(where)})" if where else ""),
                    node.label,
                )
                continue
            if port.type is not None:
                types = {
                    config.interfaces[i].type for i in found.interfaces if i in config.interfaces
                }
                if types != {port.type}:
                    findings.add(
                        f"port {port.name} interface type {', '.join(sorted(types))}, "
                        f"not {port.type}",
                        node.label,
                    )
    findings.raise_if_any()


@check(
    "OVS-004",
    "VLAN tags and trunks are as designed",
    severity="normal",
    per_host="ovs",
    profiles=("acceptance", "grading"),
    remediation="`ovs-vsctl set port <port> tag=<vlan>` / `trunks=<vlan,…>`",
)
def test_vlans(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    config = probes.ovs_config(node)
    findings = Findings(expected="access tags and trunks as in expect.ovs")
    for want in _bridges_for(expect, node):
        for port in want.ports:
            found = config.port_of_bridge(want.name, port.name)
            if found is None:
                continue  # OVS-003 reports it
            if port.tag is not None and found.tag != port.tag:
                findings.add(f"port {port.name} tag {found.tag}, not {port.tag}", node.label)
            if port.trunks is not None and sorted(found.trunks) != sorted(port.trunks):
                findings.add(
                    f"port {port.name} trunks {list(found.trunks)}, not {sorted(port.trunks)}",
                    node.label,
                )
    findings.raise_if_any()


@check(
    "OVS-005",
    "Interfaces are up, without errors",
    severity="critical",
    per_host="ovs",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Look at `ovs-vsctl list interface <name>` (error column) and the link itself "
    "(`ip link`, cabling, `ovs-vsctl set interface <name> ...`)",
)
def test_interfaces(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    config = probes.ovs_config(node)
    wanted = {
        i
        for b in _bridges_for(expect, node)
        for p in b.ports
        if (port := config.port_of_bridge(b.name, p.name))
        for i in port.interfaces
    }
    wanted |= {
        m
        for bond in expect.bonds
        if bond.hosts is None or node.name in bond.hosts
        for m in bond.members
    }
    findings = Findings(
        expected=f"admin_state and link_state up, no error, at most "
        f"{expect.max_interface_errors} rx/tx errors"
    )
    for name in sorted(wanted):
        iface = config.interfaces.get(name)
        if iface is None:
            findings.add(f"interface {name} missing", node.label)
            continue
        if iface.error:
            findings.add(f"{name}: error {iface.error!r}", node.label)
        if iface.admin_state != "up" or iface.link_state != "up":
            findings.add(f"{name}: admin {iface.admin_state}, link {iface.link_state}", node.label)
        if iface.error_count > expect.max_interface_errors:
            findings.add(f"{name}: {iface.error_count} rx/tx errors", node.label)
    findings.raise_if_any()


@check(
    "OVS-006",
    "Managers and controllers are reached securely",
    severity="critical",
    per_host="ovs",
    profiles=("acceptance", "grading"),
    remediation="Listen on loopback only (`ptcp:6640:127.0.0.1`) or use `pssl:`/`ssl:` with "
    "certificates (`ovs-vsctl set-ssl …`)",
)
def test_remotes(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    config = probes.ovs_config(node)
    findings = Findings(expected="no plain ptcp: on a non-loopback address, ssl: to remote peers")
    for remote in config.remotes:
        problem = plain_remote_problem(remote.target)
        if problem and remote.target not in expect.allow_plain_remotes:
            findings.add(f"{remote.kind} of {remote.owner}: {problem}", node.label)
    findings.raise_if_any()


@check(
    "OVS-007",
    "OVS configuration and OpenFlow ports are recorded",
    severity="trivial",
    per_host="ovs",
    profiles=("acceptance", "grading"),
    remediation="`ovs-vsctl show` must work (ovsdb-server running)",
)
def test_attach_show(node: Node, cluster: Cluster) -> None:
    shown = attach_command(node, ["ovs-vsctl", "show"])
    for bridge in probes.ovs_config(node).bridges:
        attach_command(node, ["ovs-ofctl", "show", bridge])
    require(
        "ovs_version" in shown,
        expected="`ovs-vsctl show` prints the configuration",
        found=shown[:200],
        host=node.label,
    )

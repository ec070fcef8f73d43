"""Open vSwitch bonds: mode, members, LACP, and failover under traffic."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, fail
from hacert.cluster import Cluster, Node
from hacert.ovs import faults, probes, state
from hacert.ovs.expect import BondExpect, OvsExpect
from hacert.reporting import attach_text, perf_recorder, record


def _bonds(cluster: Cluster, node: Node) -> list[BondExpect]:
    expect: OvsExpect | None = cluster.expect.ovs
    if expect is None or not expect.bonds:
        pytest.skip(f"not applicable: cluster {cluster.name} expects no OVS bonds")
    bonds = [b for b in expect.bonds if b.hosts is None or node.name in b.hosts]
    if not bonds:
        pytest.skip(f"not applicable: no bond expected on {node.name}")
    return bonds


@check(
    "BOND-001",
    "Each bond has the expected mode and members",
    severity="critical",
    per_host="ovs",
    profiles=("smoke", "acceptance", "grading"),
    remediation="`ovs-vsctl set port <bond> bond_mode=<mode>`; add/remove members with "
    "`ovs-vsctl add-bond` / `del-port`",
)
def test_bond_mode(node: Node, cluster: Cluster) -> None:
    wanted = _bonds(cluster, node)
    actual = probes.bonds(node)
    ports = probes.ovs_config(node).ports
    findings = Findings(
        expected=", ".join(
            f"{b.name}: {b.mode} over {'+'.join(b.members) or 'any'}, lacp {b.lacp}" for b in wanted
        )
    )
    for bond in wanted:
        status = actual.get(bond.name)
        if status is None:
            findings.add(f"no bond {bond.name} (bonds: {', '.join(actual) or 'none'})", node.label)
            continue
        if status.mode != bond.mode:
            findings.add(f"{bond.name} mode {status.mode}", node.label)
        if bond.members and sorted(status.members) != sorted(bond.members):
            findings.add(f"{bond.name} members {', '.join(sorted(status.members))}", node.label)
        port = ports.get(bond.name)
        lacp = (port.lacp if port else None) or "off"
        if lacp != bond.lacp:
            findings.add(f"{bond.name} lacp {lacp}", node.label)
    findings.raise_if_any()


@check(
    "BOND-002",
    "Every bond member is enabled and the bond has an active member",
    severity="critical",
    per_host="ovs",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Bring the member's link up (`ip link set <member> up`, check the cable/peer); "
    "`ovs-appctl bond/show <bond>` shows why a member is disabled",
)
def test_bond_members(node: Node, cluster: Cluster) -> None:
    wanted = _bonds(cluster, node)
    actual = probes.bonds(node)
    findings = Findings(expected="all members enabled, one active member")
    for bond in wanted:
        status = actual.get(bond.name)
        if status is None:
            continue  # BOND-001 reports it
        disabled = [m for m in status.members.values() if not m.enabled]
        for member in disabled:
            findings.add(f"{bond.name} member {member.name} disabled", node.label)
        if status.active is None:
            findings.add(f"{bond.name} has no active member", node.label)
    findings.raise_if_any()


@check(
    "BOND-003",
    "LACP is negotiated on bonds configured for it",
    severity="critical",
    per_host="ovs",
    profiles=("acceptance", "grading"),
    remediation="Configure LACP on the switch ports too (same aggregation); see "
    "`ovs-appctl lacp/show <bond>`",
)
def test_lacp(node: Node, cluster: Cluster) -> None:
    wanted = [b for b in _bonds(cluster, node) if b.lacp != "off"]
    if not wanted:
        pytest.skip("not applicable: no bond with LACP expected")
    findings = Findings(expected="LACP negotiated, every member current")
    for bond in wanted:
        lacp = probes.lacp(node, bond.name)
        if lacp is None:
            findings.add(f"{bond.name}: LACP not running (lacp=off?)", node.label)
            continue
        if not lacp.negotiated:
            findings.add(f"{bond.name}: LACP status {' '.join(lacp.status)}", node.label)
        for member in lacp.members.values():
            if not member.current:
                findings.add(
                    f"{bond.name} member {member.name}: {' '.join(member.state)}", node.label
                )
    findings.raise_if_any()


def _failover_pairs(cluster: Cluster) -> list[tuple[BondExpect, Node, Node]]:
    expect = cluster.expect.ovs
    if expect is None:
        pytest.skip(f"not applicable: cluster {cluster.name} has no expect.ovs section")
    pairs = []
    for bond in expect.bonds:
        if not bond.failover:
            continue
        hosts = [n for n in cluster.nodes_with("ovs") if bond.hosts is None or n.name in bond.hosts]
        sources = [n for n in hosts if n.name in bond.peer_address]
        if not sources:
            continue
        node = sources[0]
        peers = [n for n in hosts if n is not node]
        if peers:
            pairs.append((bond, node, peers[0]))
    if not pairs:
        pytest.skip("not applicable: no bond with a peer_address to send test traffic to")
    return pairs


@check(
    "BOND-004",
    "A bond fails over when a member link goes down, traffic keeps flowing, and it recovers",
    severity="critical",
    per_host=None,
    profiles=("full",),
    destructive=True,
    perf=True,
    remediation="Check bond-detect-mode/miimon, downdelay/updelay and that the other member "
    "carries the same VLANs; `ovs-appctl bond/show <bond>` during the failure",
)
def test_bond_failover(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    pairs = _failover_pairs(cluster)
    recorder = perf_recorder(request)
    before = state.snapshot(cluster)
    findings = Findings(
        expected="failover within downdelay + bound, ping loss within bound, "
        "TCP stream unbroken, member enabled again, OVS as before"
    )
    lines = []
    try:
        for bond, node, peer in pairs:
            status = probes.bonds(node, bond.name)[bond.name]
            member = status.active or sorted(status.members)[0]
            result = faults.fail_member(
                node, peer, bond=bond.name, member=member, peer_address=bond.peer_address[node.name]
            )
            attach_text(f"{bond.name} failover on {node.name}", repr(result.raw))
            lines.append(
                f"{bond.name} ({status.mode}) {member} down on {node.name}: "
                f"failover {result.failover_ms} ms, restore {result.restore_ms} ms, "
                f"ping {result.ping_sent - result.ping_received}/{result.ping_sent} "
                f"lost, TCP max gap {result.stream_max_gap_ms:.0f} ms"
            )
            bound = status.downdelay_ms + bond.failover_bound_ms
            if result.failover_ms is None:
                findings.add(f"{bond.name}: no failover seen within 10 s", node.label)
            elif result.failover_ms > bound:
                findings.add(
                    f"{bond.name}: failover took {result.failover_ms:.0f} ms > {bound:.0f} ms",
                    node.label,
                )
            if result.restore_ms is None:
                findings.add(f"{bond.name}: {member} not enabled again after link up", node.label)
            if result.ping_loss_pct > bond.max_ping_loss_pct:
                findings.add(
                    f"{bond.name}: ping loss {result.ping_loss_pct:.1f}% "
                    f"> {bond.max_ping_loss_pct:g}%",
                    node.label,
                )
            if result.stream_error or result.stream_bytes_received == 0:
                findings.add(
                    f"{bond.name}: TCP stream broke ({result.stream_error or 'no data'})",
                    node.label,
                )
            target = f"{node.name}:{bond.name}"
            for metric, value in result.figures().items():
                unit = (
                    "%" if metric.endswith("pct") else ("count" if metric == "ping_lost" else "ms")
                )
                record(
                    recorder,
                    metric=f"ovs.bond.{status.mode}.{metric}",
                    value=value,
                    unit=unit,
                    direction="lower",
                    target=target,
                    cluster=cluster.name,
                )
    finally:
        for bond, node, _ in pairs:
            for member in bond.members:
                faults.ensure_up(node, member)
    attach_text("bond failover figures", "\n".join(lines))
    after = state.snapshot(cluster)
    for difference in state.differences(before, after):
        findings.add(f"not restored: {difference}")
    if findings:
        findings.raise_if_any()
    if not lines:
        fail(expected="at least one bond failed over", found="none ran")

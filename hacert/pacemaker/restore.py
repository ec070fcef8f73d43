"""Bringing the cluster back to a snapshot after a scenario, then proving it is back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.pacemaker import faults, probe
from hacert.pacemaker.cib import CLI_CONSTRAINT_PREFIXES
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.state import differences, snapshot
from hacert.pacemaker.status import ClusterStatus
from hacert.pacemaker.watch import Timeline, wait_for


def healthy(status: ClusterStatus, names: list[str]) -> bool:
    """All ``names`` online and usable, a DC with quorum, no node pending."""
    if not (status.connected and status.dc_present and status.with_quorum):
        return False
    for name in names:
        node = status.node(name)
        if node is None or node.problems():
            return False
    return True


def settle(
    cluster: Cluster, timeline: Timeline, timeout: float, avoid: set[str] | None = None
) -> bool:
    """Waits until every node is online with quorum and the cluster has no pending actions."""
    names = [n.name for n in cluster.nodes_with("pacemaker")]
    deadline = time.monotonic() + timeout
    unanswered: InfrastructureError | None = None
    for node in cluster.nodes_with("pacemaker"):
        if avoid and node.name in avoid:
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            status = wait_for(
                node,
                timeline,
                lambda s: healthy(s, names),
                timeout=remaining,
                what="all nodes online",
            )
        except InfrastructureError as error:
            timeline.note(f"settle: {node.name}: {error}")
            unanswered = error
            continue
        if status is None:
            return False
        wait = max(5, int(deadline - time.monotonic()))
        result = node.run(["crm_resource", "--wait", f"--timeout={wait}s"], timeout=wait + 15)
        timeline.note(f"crm_resource --wait on {node.name}: exit {result.exit_status}")
        return result.ok
    if unanswered is not None:
        raise unanswered
    return False


def _reachable(node: Node) -> bool:
    try:
        return node.run("true", timeout=8).ok
    except InfrastructureError:
        return False


def restore(
    cluster: Cluster,
    expect: PacemakerExpect,
    baseline: dict[str, Any],
    timeline: Timeline,
    base: Path,
) -> list[str]:
    """Undoes whatever a scenario may have left; returns what could not be restored."""
    problems: list[str] = []
    nodes = cluster.nodes_with("pacemaker")
    timeline.mark("restore", "restore: begin")
    if expect.power is not None:
        for node in nodes:
            if not _reachable(node):
                try:
                    state = faults.power(expect.power, "status", node.name, base)
                    if "off" in state.lower():
                        faults.power(expect.power, "on", node.name, base)
                        timeline.note(f"restore: powered {node.name} on")
                except InfrastructureError as error:
                    problems.append(f"power on {node.name}: {error}")
    for node in nodes:
        if not faults.wait_ssh(node, 90):
            problems.append(f"{node.label} unreachable over SSH after 90 s")
            continue
        removed = faults.heal(node)
        if removed:
            timeline.note(f"restore: removed {removed} firewall rule(s) on {node.name}")
    for node in nodes:
        if _reachable(node) and not faults.stack_active(node):
            timeline.note(f"restore: starting the cluster stack on {node.name}")
            try:
                faults.start_stack(node)
            except InfrastructureError as error:
                problems.append(f"start cluster on {node.label}: {error}")
    helper = next((n for n in nodes if _reachable(n)), nodes[0])
    _undo_attributes(helper, baseline, timeline)
    try:
        settled = settle(cluster, timeline, expect.settle_timeout_s)
    except InfrastructureError as error:  # a restore that cannot be verified fails loudly
        problems.append(f"cluster not seen settled: {error}")
        return problems
    if not settled:
        problems.append(f"cluster did not settle within {expect.settle_timeout_s:g} s")
        return problems
    if not baseline.get("failures"):
        faults.cleanup(helper)
        timeline.note("restore: crm_resource --cleanup")
        settle(cluster, timeline, expect.settle_timeout_s)
    problems.extend(relocate(cluster, expect, baseline, timeline))
    return problems


def _undo_attributes(node: Node, baseline: dict[str, Any], timeline: Timeline) -> None:
    cib = probe.cib(node, local=False)
    for key, value in cib.properties.items():
        if (
            key in {"maintenance-mode", "stop-all-resources"}
            and baseline["properties"].get(key) != value
        ):
            faults.set_property(node, key, baseline["properties"].get(key))
            timeline.note(f"restore: {key} back to {baseline['properties'].get(key) or 'unset'}")
    status = probe.status(node)
    for state in status.nodes:
        if state.standby and "standby" not in baseline["nodes"].get(state.name, []):
            faults.set_standby(node, state.name, on=False)
            timeline.note(f"restore: {state.name} out of standby")
    baseline_constraints = set(baseline["constraints"])
    for cid in cib.constraint_ids:
        if cid.startswith(CLI_CONSTRAINT_PREFIXES) and cid not in baseline_constraints:
            rsc = next((loc.rsc for loc in cib.locations if loc.id == cid), None)
            if rsc:
                faults.clear(node, rsc)
                timeline.note(f"restore: cleared {cid}")


def relocate(
    cluster: Cluster, expect: PacemakerExpect, baseline: dict[str, Any], timeline: Timeline
) -> list[str]:
    """Moves resources back where the baseline had them (primaries of colocations first)."""
    node, status = probe.cluster_status(cluster)
    cib = probe.cib(node, local=False)
    dependents = {c.rsc for c in cib.colocations}
    wanted = {
        rsc: nodes
        for rsc, nodes in baseline["placement"].items()
        if len(nodes) == 1 and rsc in cib.primitives and cib.primitives[rsc].cls != "stonith"
    }
    order = sorted(wanted, key=lambda r: r in dependents)
    problems: list[str] = []
    for rsc in order:
        current = sorted(status.locations(rsc))
        if current == wanted[rsc] or not current:
            continue
        timeline.note(f"relocate: {rsc} {current} -> {wanted[rsc][0]}")
        try:
            faults.move(node, rsc, wanted[rsc][0])
            settle(cluster, timeline, expect.settle_timeout_s)
        finally:
            faults.clear(node, rsc)
        settle(cluster, timeline, expect.settle_timeout_s)
        node, status = probe.cluster_status(cluster)
    return problems


def verify(cluster: Cluster, baseline: dict[str, Any]) -> list[str]:
    """Differences between the baseline and the cluster now (with the CIB's last change)."""
    found = differences(baseline, snapshot(cluster))
    if any(line.startswith("configuration.") for line in found):
        _, status = probe.cluster_status(cluster)
        found.append(f"(CIB last changed {status.last_change})")
    return found

"""What a destructive virt check must leave unchanged: domains and networks per hypervisor."""

from __future__ import annotations

from typing import Any

from hacert.cluster import Cluster, Node
from hacert.ovs.state import differences
from hacert.virt import probes


def snapshot(cluster: Cluster, hosts: list[Node] | None = None) -> dict[str, Any]:
    """Domains (state, persistence, autostart) and networks (state, autostart) per host.

    Domains pacemaker manages (expect.virt.domains[].pacemaker_resource) may legitimately
    move while a check runs (another check, a fence): for them only the number of running
    copies cluster-wide is recorded, and only when every hypervisor is looked at (`hosts`
    None): a check that involves some hosts only must not depend on the others' state.
    """
    expect = cluster.expect.virt
    managed = {d.name for d in expect.domains if d.pacemaker_resource} if expect else set()
    found: dict[str, Any] = {}
    running_managed: dict[str, int] = {name: 0 for name in managed}
    for node in hosts if hosts is not None else cluster.nodes_with("hypervisor"):
        domains = probes.domains(node)
        for name in managed & set(domains):
            running_managed[name] += domains[name].state == "running"
        found[node.name] = {
            "domains": {
                d.name: {"state": d.state, "persistent": d.persistent, "autostart": d.autostart}
                for d in domains.values()
                if d.name not in managed
            },
            "networks": {
                name: {"state": row.get("State"), "autostart": row.get("Autostart")}
                for name, row in probes.networks(node).items()
            },
        }
    if hosts is not None:
        return {"hosts": found}
    return {"hosts": found, "pacemaker_domains_running": running_managed}


__all__ = ["differences", "snapshot"]

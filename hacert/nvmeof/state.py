"""A snapshot of the NVMe-oF state a destructive scenario must leave as it found it."""

from __future__ import annotations

from typing import Any

from hacert.cluster import Cluster
from hacert.nvmeof import commands


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """Per host: the subsystems with a live path."""
    out: dict[str, Any] = {}
    for node in cluster.nodes_with("nvmeof-host"):
        subs = commands.host_subsystems(node)
        out[node.name] = sorted(s.nqn for s in subs if any(p.live for p in s.paths))
    return out

"""A snapshot of the iSCSI state a destructive scenario must leave as it found it."""

from __future__ import annotations

from typing import Any

from hacert.cluster import Cluster
from hacert.iscsi import commands


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """Per initiator: the targets it is logged in to and how many devices it sees."""
    out: dict[str, Any] = {}
    for node in cluster.nodes_with("iscsi-initiator"):
        sessions = commands.sessions(node)
        out[node.name] = {
            "logged_in": sorted({s.target for s in sessions if s.logged_in}),
            "devices": sum(len(s.devices) for s in sessions),
        }
    return out

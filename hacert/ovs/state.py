"""What an OVS fault must leave unchanged: each OVS host's config and its bonds' health."""

from __future__ import annotations

from typing import Any

from hacert.cluster import Cluster
from hacert.ovs import probes


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """host -> OVSDB config summary and every bond's mode and enabled members.

    Which member is active is left out: without a primary, active-backup stays on the member
    it failed over to, which is the bond working as configured.
    """
    state: dict[str, Any] = {}
    for node in cluster.nodes_with("ovs"):
        summary = probes.ovs_config(node).summary()
        for iface in summary["interfaces"].values():
            if iface["type"] == "internal":  # follows the host's `ip link`, not OVS config
                iface.pop("link_state", None)
        state[node.name] = {
            "config": summary,
            "bonds": {
                name: {"mode": b.mode, "enabled": sorted(b.enabled_members)}
                for name, b in probes.bonds(node).items()
            },
        }
    return state


def differences(before: dict[str, Any], after: dict[str, Any], path: str = "") -> list[str]:
    """Human-readable differences between two snapshots (empty: the same)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                found.append(f"{where} gone (was {before[key]!r})")
            elif key not in before:
                found.append(f"{where} appeared ({after[key]!r})")
            else:
                found.extend(differences(before[key], after[key], where))
        return found
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]

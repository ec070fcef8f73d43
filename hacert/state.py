"""One snapshot of everything a destructive scenario must leave as it found it.

Each technology package contributes its own ``state.snapshot(cluster)`` (CIB configuration,
constraints, node states, placement and firewall rules; OVS configuration; libvirt domains
and networks; Ceph health and pools; iSCSI sessions; NVMe-oF paths; GFS2 mounts and
lockspaces), named in the technology table. A technology whose roles the cluster lacks is
left out.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from hacert.cluster import Cluster
from hacert.errors import InfrastructureError
from hacert.technologies import package_roles, snapshot_providers


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """technology -> its snapshot (JSON-like), for every technology the cluster has."""
    taken: dict[str, Any] = {}
    roles = package_roles()
    for technology, provider in snapshot_providers().items():
        if not cluster.has_role(*roles[technology]):
            continue
        module = importlib.import_module(provider)
        try:
            value = module.snapshot(cluster)
        except InfrastructureError as error:
            value = {"unreadable": str(error)}
        taken[technology] = _plain(value)
    return taken


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return value


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Every leaf that differs between two snapshots, as ``path: before -> after``."""
    if isinstance(before, dict) and isinstance(after, dict):
        lines: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in before:
                lines.append(f"{where}: (absent) -> {after[key]!r}")
            elif key not in after:
                lines.append(f"{where}: {before[key]!r} -> (absent)")
            else:
                lines.extend(differences(before[key], after[key], where))
        return lines
    return [] if before == after else [f"{path or '(root)'}: {before!r} -> {after!r}"]

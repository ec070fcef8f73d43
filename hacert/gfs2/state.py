"""A snapshot of the GFS2/DLM state a destructive scenario must leave unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from hacert.cluster import Cluster
from hacert.gfs2 import probe


@dataclass(frozen=True)
class NodeState:
    mounts: tuple[tuple[str, str, str, bool], ...]  # mountpoint, table, proto, withdrawn
    lockspaces: tuple[tuple[str, tuple[str, ...]], ...]  # name, member names
    quorate: bool


@dataclass(frozen=True)
class Gfs2State:
    nodes: tuple[tuple[str, NodeState], ...]

    def differences(self, other: Gfs2State) -> list[str]:
        """What changed from ``self`` to ``other``, one line per node."""
        mine, theirs = dict(self.nodes), dict(other.nodes)
        return [
            f"{name}: {mine.get(name)} -> {theirs.get(name)}"
            for name in sorted(set(mine) | set(theirs))
            if mine.get(name) != theirs.get(name)
        ]


def node_state(cluster: Cluster, name: str) -> NodeState:
    node = cluster.node(name)
    names = probe.node_names(node)
    mounts = tuple(
        sorted(
            (
                m.mountpoint,
                m.sysfs.table if m.sysfs else "",
                m.sysfs.proto if m.sysfs else "",
                bool(m.sysfs and m.sysfs.withdrawn),
            )
            for m in probe.mounts(node)
        )
    )
    spaces = tuple(
        sorted(
            (ls.name, tuple(sorted(names.get(i, str(i)) for i in ls.members)))
            for ls in probe.dlm_ls(node)
        )
    )
    return NodeState(mounts=mounts, lockspaces=spaces, quorate=probe.dlm_status(node).quorate)


def snapshot(cluster: Cluster) -> Gfs2State:
    """GFS2 mounts, DLM lockspaces with members and quorum of every gfs2 node."""
    return Gfs2State(
        nodes=tuple((n.name, node_state(cluster, n.name)) for n in cluster.nodes_with("gfs2"))
    )

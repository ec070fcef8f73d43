"""What the read-only pacemaker checks read, gathered once per cluster."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

from hacert.cluster import Cluster, Node
from hacert.pacemaker import probe
from hacert.pacemaker.cib import CibConfig
from hacert.pacemaker.status import ClusterStatus


@dataclass
class PacemakerView:
    cluster: Cluster
    reporter: Node
    status: ClusterStatus

    @property
    def nodes(self) -> list[Node]:
        return self.cluster.nodes_with("pacemaker")

    @cached_property
    def cibs(self) -> dict[str, CibConfig]:
        """node label -> its local CIB copy (`cibadmin -Q --local`)."""
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(self.nodes)))) as pool:
            cibs = list(pool.map(probe.cib, self.nodes))
        return {n.label: c for n, c in zip(self.nodes, cibs, strict=True)}

    @cached_property
    def cib(self) -> CibConfig:
        """The CIB of the node crm_mon answered on (needs no other node to be reachable)."""
        return probe.cib(self.reporter)

    @cached_property
    def versions(self) -> dict[str, str]:
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(self.nodes)))) as pool:
            found = list(pool.map(probe.version, self.nodes))
        return {n.label: v for n, v in zip(self.nodes, found, strict=True)}


def read_cluster(cluster: Cluster) -> PacemakerView:
    reporter, status = probe.cluster_status(cluster)
    return PacemakerView(cluster=cluster, reporter=reporter, status=status)

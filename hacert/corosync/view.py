"""Everything the corosync checks read from one node, gathered once per node in parallel."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hacert.cluster import Cluster, Node
from hacert.corosync import conf, probe
from hacert.corosync.cmap import CmapValue, subtree
from hacert.corosync.links import LinkReport
from hacert.corosync.quorum import QuorumStatus


@dataclass(frozen=True)
class NodeView:
    node: Node
    quorum: QuorumStatus
    votequorum: dict[str, CmapValue]
    members: dict[int, probe.Member]
    cfgtool_exit: int
    links: LinkReport
    config: dict[str, CmapValue]
    runtime_totem: dict[str, CmapValue]
    conf_text: str | None
    authkey: probe.FileFacts
    version: str

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def conf(self) -> conf.Section:
        return conf.parse_conf(self.conf_text or "", host=self.label)

    def nodelist_ids(self) -> set[int]:
        nodes = subtree(self.config, "nodelist.node")
        return {int(v) for k, v in nodes.items() if k.endswith(".nodeid")}

    def ring_count(self) -> int:
        """Links configured per node: the ringX_addr keys of the first nodelist entry."""
        nodes = subtree(self.config, "nodelist.node.0")
        return sum(1 for key in nodes if key.startswith("ring") and key.endswith("_addr"))


def read_node(node: Node, conf_path: str, authkey_path: str) -> NodeView:
    cfg_exit, report = probe.links_status(node)
    per_peer = probe.links(node)
    config: dict[str, CmapValue] = {}
    for prefix in ("totem", "quorum", "nodelist"):
        config.update(probe.cmap(node, prefix))
    return NodeView(
        node=node,
        quorum=probe.quorum(node),
        votequorum=subtree(probe.cmap(node, "runtime.votequorum"), "runtime.votequorum"),
        members=probe.members(node),
        cfgtool_exit=cfg_exit,
        links=per_peer if per_peer.links else report,
        config=config,
        runtime_totem=subtree(probe.cmap(node, "runtime.config.totem"), "runtime.config.totem"),
        conf_text=node.read_file(conf_path, missing_ok=True),
        authkey=probe.file_facts(node, authkey_path),
        version=probe.version(node),
    )


def read_cluster(cluster: Cluster, conf_path: str, authkey_path: str) -> list[NodeView]:
    nodes = cluster.nodes_with("corosync")
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(nodes)))) as pool:
        return list(pool.map(lambda n: read_node(n, conf_path, authkey_path), nodes))

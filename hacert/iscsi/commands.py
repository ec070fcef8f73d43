"""Commands run on iSCSI targets and initiators."""

from __future__ import annotations

from hacert.cluster import Cluster, Node
from hacert.iscsi import parse
from hacert.iscsi.expect import IscsiExpect


def expect_of(cluster: Cluster) -> IscsiExpect:
    return cluster.expect.iscsi or IscsiExpect()


def target_state(node: Node) -> dict[str, list[parse.Tpg]] | None:
    return parse.parse_target(node.output(parse.TARGET_SCRIPT, timeout=30))


def sessions(node: Node) -> list[parse.Session]:
    return parse.parse_sessions(node.output(parse.SESSION_SCRIPT, timeout=30))


def multipath_maps(node: Node) -> list[parse.MultipathMap]:
    return parse.parse_multipath_maps(
        node.output(["multipathd", "show", "maps", "json"], timeout=30)
    )

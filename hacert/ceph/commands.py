"""Running the ceph/rbd CLIs on the cluster: which host, which cephx user, JSON out."""

from __future__ import annotations

import json
from typing import Any

from hacert.ceph import parse
from hacert.ceph.expect import CephExpect
from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError, UnexpectedOutput
from hacert.wait import poll

CEPH_TIMEOUT = 30.0


def expect_of(cluster: Cluster) -> CephExpect:
    return cluster.expect.ceph or CephExpect()


def admin_node(cluster: Cluster) -> tuple[Node, list[str]]:
    """A host to ask, and the cephx arguments: a monitor host (admin key), else a client."""
    mons = cluster.nodes_with("ceph-mon")
    if mons:
        return mons[0], []
    clients = cluster.nodes_with("ceph-client")
    if not clients:
        raise InfrastructureError(f"cluster {cluster.name} has no ceph-mon or ceph-client host")
    return clients[0], client_args(cluster)


def client_args(cluster: Cluster) -> list[str]:
    client = expect_of(cluster).client_id
    return ["--id", client] if client else []


def ceph_json(
    cluster: Cluster, *args: str, node: Node | None = None, timeout: float = CEPH_TIMEOUT
) -> Any:
    """``ceph ARGS -f json`` on the admin host (or ``node`` with the client's cephx id)."""
    if node is None:
        node, auth = admin_node(cluster)
    else:
        auth = [] if "ceph-mon" in node.roles else client_args(cluster)
    return node.run_json(
        ["ceph", *auth, "--connect-timeout", "20", *args, "-f", "json"], timeout=timeout
    )


def rbd_json(cluster: Cluster, *args: str, timeout: float = CEPH_TIMEOUT) -> Any:
    node, auth = admin_node(cluster)
    return node.run_json(["rbd", *auth, *args, "--format", "json"], timeout=timeout)


def status(cluster: Cluster, node: Node | None = None) -> parse.Status:
    return parse.parse_status(ceph_json(cluster, "status", node=node))


def health_detail(cluster: Cluster) -> parse.Health:
    return parse.parse_health(ceph_json(cluster, "health", "detail"))


def osd_dump(cluster: Cluster) -> parse.OsdDump:
    return parse.parse_osd_dump(ceph_json(cluster, "osd", "dump"))


def osd_df(cluster: Cluster) -> dict[int, float]:
    return parse.parse_osd_df(ceph_json(cluster, "osd", "df"))


def osd_objectstores(cluster: Cluster) -> dict[int, str]:
    return parse.parse_osd_objectstores(ceph_json(cluster, "osd", "metadata"))


def rbd_images(cluster: Cluster, pool: str) -> list[str]:
    return [str(i["image"]) for i in rbd_json(cluster, "ls", "-l", "-p", pool)]


def rbd_info(cluster: Cluster, pool: str, image: str) -> parse.Image | None:
    """The image with its features and image-meta; None when it does not exist."""
    node, auth = admin_node(cluster)
    result = node.run(
        ["rbd", *auth, "info", f"{pool}/{image}", "--format", "json"], timeout=CEPH_TIMEOUT
    )
    if not result.ok and "No such file" in result.stderr:
        return None
    try:
        info = parse.parse_rbd_info(pool, json.loads(result.check().stdout))
    except json.JSONDecodeError:
        raise UnexpectedOutput(f"rbd info {pool}/{image}: not JSON", host=node.label) from None
    meta = node.output(
        ["rbd", *auth, "image-meta", "list", f"{pool}/{image}", "--format", "json"],
        timeout=CEPH_TIMEOUT,
    )
    return parse.Image(info.pool, info.name, info.size, info.features, parse.parse_image_meta(meta))


def rbd_watchers(cluster: Cluster, pool: str, image: str) -> list[str]:
    data = rbd_json(cluster, "status", f"{pool}/{image}")
    return [str(w.get("address", w)) for w in data.get("watchers", [])]


def wait_health_ok(cluster: Cluster, timeout: float, interval: float = 2.0) -> parse.Health:
    """Polls ``ceph health detail`` until HEALTH_OK or the timeout; returns the last health."""
    for _ in poll(timeout=timeout, interval=interval):
        health = health_detail(cluster)
        if health.ok:
            break
    return health

"""Ceph faults for destructive checks and the lab tests: inject, then restore and verify."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hacert.ceph import commands
from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.wait import wait_for

FAULT_POOL = "hacert-fault"


def _osd_host(cluster: Cluster) -> Node:
    hosts = cluster.nodes_with("ceph-osd")
    if not hosts:
        raise InfrastructureError(f"cluster {cluster.name} has no ceph-osd host")
    return hosts[0]


def _wait(what: str, predicate: Callable[[], bool], timeout: float) -> None:
    wait_for(predicate, timeout=timeout, interval=2, what=f"restore: {what}")


@contextmanager
def osd_stopped(cluster: Cluster, osd_id: int, *, settle_s: float = 60.0) -> Iterator[None]:
    """``systemctl stop ceph-osd@ID`` until the monitors see it down; restart and wait."""
    node = _osd_host(cluster)
    node.output(["systemctl", "stop", f"ceph-osd@{osd_id}"], timeout=60)
    try:
        _wait(
            f"osd.{osd_id} down", lambda: not commands.osd_dump(cluster).osds[osd_id].up, settle_s
        )
        yield
    finally:
        node.output(["systemctl", "start", f"ceph-osd@{osd_id}"], timeout=60)
        _wait(f"osd.{osd_id} up", lambda: commands.osd_dump(cluster).osds[osd_id].up, 120)
        _wait("HEALTH_OK", lambda: commands.health_detail(cluster).ok, 180)


@contextmanager
def size_one_pool(cluster: Cluster, name: str = FAULT_POOL) -> Iterator[str]:
    """A new pool with size 1 (needs mon_allow_pool_size_one); deleted afterwards."""
    node, auth = commands.admin_node(cluster)
    ceph = ["ceph", *auth]
    node.output([*ceph, "config", "set", "global", "mon_allow_pool_size_one", "true"])
    try:
        node.output([*ceph, "osd", "pool", "create", name, "8", "8", "replicated"])
        node.output([*ceph, "osd", "pool", "set", name, "size", "1", "--yes-i-really-mean-it"])
        node.output([*ceph, "osd", "pool", "application", "enable", name, "rbd"])
        yield name
    finally:
        node.run([*ceph, "osd", "pool", "rm", name, name, "--yes-i-really-really-mean-it"])
        node.run([*ceph, "config", "rm", "global", "mon_allow_pool_size_one"])
        _wait(f"pool {name} gone", lambda: name not in commands.osd_dump(cluster).pools, 60)
        _wait("HEALTH_OK", lambda: commands.health_detail(cluster).ok, 120)

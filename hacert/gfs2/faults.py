"""GFS2/DLM fault injection, each with its restore."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hacert import shell
from hacert.cluster import Node
from hacert.errors import InfrastructureError
from hacert.gfs2 import probe
from hacert.wait import WaitTimeout, wait_for


@contextmanager
def unmounted(node: Node, mountpoint: str) -> Iterator[None]:
    """Unmounts a GFS2 filesystem on one node; mounts it back with the same device/options."""
    mount = probe.mount_at(node, mountpoint)
    if mount is None:
        raise InfrastructureError(
            f"{mountpoint} is not mounted, nothing to unmount", host=node.label
        )
    node.run(["umount", mountpoint], timeout=180, check=True)
    try:
        yield
    finally:
        options = ",".join(o for o in mount.options if o not in ("rw", "seclabel")) or "defaults"
        node.run(
            ["mount", "-t", "gfs2", "-o", options, mount.source, mountpoint],
            timeout=300,
            check=True,
        )


def crash_cluster_stack(node: Node) -> None:
    """Makes ``node`` fail as a cluster member: SIGKILL corosync, detached (the survivors'
    dlm_controld must fence it). Returns at once; the node's sessions may die with it."""
    node.run("nohup sh -c 'sleep 1; pkill -KILL -x corosync' >/dev/null 2>&1 &", timeout=30)


def poll(condition: Callable[[], bool], timeout: float, interval: float = 2.0) -> float | None:
    """Seconds until ``condition`` held, or None if it did not within ``timeout`` (errors of a
    host that is down count as "not yet")."""
    try:
        return wait_until("condition", condition, timeout, interval)
    except WaitTimeout:
        return None


def wait_until(
    what: str, condition: Callable[[], bool], timeout: float, interval: float = 2.0
) -> float:
    """Polls ``condition``; returns the seconds it took. Any error counts as "not yet" (a
    rebooting host resets SSH sessions in many ways); the last one is reported on timeout."""
    start = time.monotonic()
    wait_for(condition, timeout=timeout, interval=interval, what=what, ignore=(Exception,))
    return time.monotonic() - start


def mkfs(node: Node, device: str, table: str, journals: int) -> None:
    """Makes a lock_dlm GFS2 filesystem (destroys what is on ``device``)."""
    node.run(
        f"mkfs.gfs2 -O -p lock_dlm -t {shell.quote(table)} -j {int(journals)} -J 8 "
        f"{shell.quote(device)}",
        timeout=300,
        check=True,
    )

"""iSCSI faults: log an initiator out of a target, then log back in and wait for the devices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hacert.cluster import Node
from hacert.iscsi import commands
from hacert.wait import wait_for


@contextmanager
def logged_out(node: Node, target: str, portal: str, *, timeout: float = 120) -> Iterator[None]:
    """``iscsiadm -m node -T TARGET -p PORTAL --logout``; restored with ``--login``."""
    node.output(["iscsiadm", "-m", "node", "-T", target, "-p", portal, "--logout"], timeout=60)
    try:
        yield
    finally:
        node.run(["iscsiadm", "-m", "node", "-T", target, "-p", portal, "--login"], timeout=90)
        wait_for(
            lambda: _sessions_with_devices(node, target),
            timeout=timeout,
            interval=2,
            what=f"restore: a session with devices to {target}",
            host=node.label,
        )


def _sessions_with_devices(node: Node, target: str) -> bool:
    mine = [s for s in commands.sessions(node) if s.target == target and s.logged_in]
    return bool(mine) and all(s.devices for s in mine)

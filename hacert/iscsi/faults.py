"""iSCSI faults: log an initiator out of a target, then log back in and wait for the devices."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from hacert.cluster import Node
from hacert.errors import InfrastructureError
from hacert.iscsi import commands


@contextmanager
def logged_out(node: Node, target: str, portal: str, *, timeout: float = 120) -> Iterator[None]:
    """``iscsiadm -m node -T TARGET -p PORTAL --logout``; restored with ``--login``."""
    node.output(["iscsiadm", "-m", "node", "-T", target, "-p", portal, "--logout"], timeout=60)
    try:
        yield
    finally:
        node.run(["iscsiadm", "-m", "node", "-T", target, "-p", portal, "--login"], timeout=90)
        deadline = time.monotonic() + timeout
        while True:
            mine = [s for s in commands.sessions(node) if s.target == target and s.logged_in]
            if mine and all(s.devices for s in mine):
                break
            if time.monotonic() > deadline:
                raise InfrastructureError(
                    f"restore: no session with devices to {target}", host=node.label
                )
            time.sleep(2)

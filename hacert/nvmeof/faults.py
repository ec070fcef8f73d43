"""NVMe-oF faults: disconnect a host's controller(s) of a subsystem, then reconnect."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from hacert.cluster import Node
from hacert.errors import InfrastructureError
from hacert.nvmeof import commands


@contextmanager
def disconnected(
    node: Node, nqn: str, *, transport: str, address: str, service: str, timeout: float = 120
) -> Iterator[None]:
    """``nvme disconnect -n NQN``; restored with ``nvme connect`` and a wait for a live path."""
    node.output(["nvme", "disconnect", "-n", nqn], timeout=60)
    try:
        yield
    finally:
        node.run(
            ["nvme", "connect", "-t", transport, "-a", address, "-s", service, "-n", nqn],
            timeout=90,
        )
        deadline = time.monotonic() + timeout
        while True:
            subs = {s.nqn: s for s in commands.host_subsystems(node)}
            if nqn in subs and any(p.live for p in subs[nqn].paths):
                break
            if time.monotonic() > deadline:
                raise InfrastructureError(f"restore: no live path to {nqn}", host=node.label)
            time.sleep(2)

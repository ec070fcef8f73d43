"""NVMe-oF faults: disconnect a host's controller(s) of a subsystem, then reconnect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hacert.cluster import Node
from hacert.nvmeof import commands
from hacert.wait import wait_for


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
        wait_for(
            lambda: _live_path(node, nqn),
            timeout=timeout,
            interval=2,
            what=f"restore: a live path to {nqn}",
            host=node.label,
        )


def _live_path(node: Node, nqn: str) -> bool:
    subs = {s.nqn: s for s in commands.host_subsystems(node)}
    return nqn in subs and any(p.live for p in subs[nqn].paths)

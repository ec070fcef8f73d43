"""A pacemaker wait whose watcher does not answer is *broken* (HostUnreachable), not a cluster
that "did not settle": the waits run against a real transport to a dead loopback port."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hacert.cluster import Cluster
from hacert.errors import HostUnreachable
from hacert.inventory.model import ClusterSpec, HostSpec, Inventory
from hacert.pacemaker.restore import settle
from hacert.pacemaker.watch import Timeline, wait_for
from hacert.transport import ConnectionPool


@pytest.fixture
def dead_cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A two-node pacemaker cluster whose hosts listen on a loopback port nobody serves."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    hosts = [
        HostSpec(name=f"n{i}", address="127.0.0.1", port=port, roles=["pacemaker"]) for i in (1, 2)
    ]
    spec = ClusterSpec(name="dead", environment="lab", hosts=hosts)
    pool = ConnectionPool()
    yield Cluster(spec, Inventory(clusters=[spec]), base=tmp_path, pool=pool)
    pool.close_all()


def test_wait_for_a_watcher_that_never_answers_is_unreachable(dead_cluster: Cluster) -> None:
    timeline = Timeline("dead")
    started = time.monotonic()
    with pytest.raises(HostUnreachable, match="cannot connect"):
        wait_for(dead_cluster.nodes[0], timeline, lambda s: True, timeout=3, what="anything")
    assert time.monotonic() - started < 3 + 2
    assert "watcher n1" in timeline.render()


def test_watcher_down_longer_than_its_grace_stops_the_wait_early(dead_cluster: Cluster) -> None:
    started = time.monotonic()
    with pytest.raises(HostUnreachable):
        wait_for(
            dead_cluster.nodes[0],
            Timeline("dead"),
            lambda s: True,
            timeout=60,
            what="anything",
            down_grace_s=2,
        )
    assert time.monotonic() - started < 2 + 2


def test_settle_with_no_node_answering_is_unreachable_not_unsettled(
    dead_cluster: Cluster,
) -> None:
    timeline = Timeline("dead")
    with pytest.raises(HostUnreachable, match=r"dead/n1.*cannot connect"):
        settle(dead_cluster, timeline, timeout=3)
    assert "settle: n1" in timeline.render()

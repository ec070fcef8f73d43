"""Checks the project's tests run to see identity, the terminal summary and exit codes.

(Not collected by `pytest tests`: its name does not start with test_.) The inventory gives
cluster ``lab`` a loopback sshd host (``node1``, roles corosync and pacemaker) and a host
that refuses connections (``node2``, 127.0.0.1 port 1).
"""

from __future__ import annotations

import pytest

from hacert.checks import check, fail
from hacert.cluster import Cluster, Node


@check("HOSTS-911", "Host answers over SSH", remediation="start sshd", per_host="*")
def test_host_answers(node: Node) -> None:
    """Runs `true` on every host."""
    node.run("true")


@check("HOSTS-912", "Probe tool is installed", remediation="install the probe", per_host="*")
def test_probe_tool(node: Node) -> None:
    node.run("hacert-no-such-probe-tool --version")


@check(
    "PCMK-911",
    "No-quorum policy stops resources",
    remediation="pcs property set no-quorum-policy=stop",
)
def test_no_quorum_policy(cluster: Cluster) -> None:
    fail(expected="no-quorum-policy=stop", found="no-quorum-policy=ignore")


@check("OVS-911", "Bridges exist", remediation="ovs-vsctl add-br br0")
def test_bridges(cluster: Cluster) -> None:
    """Not applicable: the cluster has no ovs host."""


@check("COROSYNC-911", "Inventory names the cluster", remediation="name it")
def test_named(cluster: Cluster) -> None:
    assert cluster.name == "lab"


@pytest.fixture
def uptime(node: Node) -> str:
    return node.output("cat /proc/uptime")


@check("HOSTS-914", "Uptime is readable", remediation="mount /proc", per_host="*")
def test_uptime(uptime: str) -> None:
    assert uptime

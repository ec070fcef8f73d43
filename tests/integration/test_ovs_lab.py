"""The OVS suite against the real lab: it passes as built, names the right check when the lab
is broken (member down, wrong bond mode, missing port), and a bond fails over under traffic."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hacert.cluster import Cluster, Node
from hacert.inventory import load_inventory
from hacert.transport import ConnectionPool
from tests.integration.conftest import LAB_INVENTORY, outcomes, run_suite

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("lab_containers")]
SUITE = "suites/ovs"


@pytest.fixture
def node2() -> Iterator[Node]:
    pool = ConnectionPool()
    inventory = load_inventory(LAB_INVENTORY)
    cluster = Cluster(inventory.cluster("lab"), inventory, base=LAB_INVENTORY.parent, pool=pool)
    try:
        yield cluster.node("node2")
    finally:
        pool.close_all()


def failing(document: dict[str, Any], host: str | None = "node2") -> set[str]:
    return {
        cid
        for (cid, _, h), outcome in outcomes(document).items()
        if outcome == "failed" and (host is None or h in (host, None))
    }


def run_ovs(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    return run_suite(tmp_path, SUITE, "--cluster", "lab", "-p", "no:randomly", *extra, timeout=300)


def test_ovs_suite_passes_on_the_lab(tmp_path: Path) -> None:
    run, document = run_ovs(tmp_path)
    results = outcomes(document)
    assert results, run.stdout[-3000:]
    assert "failed" not in results.values() and "broken" not in results.values(), run.stdout[-3000:]


def test_member_down_fails_bond_002_and_ovs_005(tmp_path: Path, node2: Node) -> None:
    node2.run(["ip", "link", "set", "cab1", "down"], check=True)
    try:
        _, document = run_ovs(tmp_path, "-k", "bond_members or interfaces")
    finally:
        node2.run(["ip", "link", "set", "cab1", "up"], check=True)
    assert {"BOND-002", "OVS-005"} <= failing(document)


def test_wrong_bond_mode_fails_bond_001(tmp_path: Path, node2: Node) -> None:
    node2.run(["ovs-vsctl", "set", "port", "bond1", "bond_mode=active-backup"], check=True)
    try:
        _, document = run_ovs(tmp_path, "-k", "bond_mode")
    finally:
        node2.run(["ovs-vsctl", "set", "port", "bond1", "bond_mode=balance-slb"], check=True)
    assert failing(document) == {"BOND-001"}
    assert outcomes(document)[("BOND-001", "lab", "node1")] == "passed"


def test_missing_port_fails_ovs_003(tmp_path: Path, node2: Node) -> None:
    node2.run(["ovs-vsctl", "del-port", "br-vlan", "vlan100"], check=True)
    try:
        _, document = run_ovs(tmp_path, "-k", "ports or vlans")
    finally:
        node2.run("/usr/local/sbin/hacert-ovs-setup", check=True, timeout=60)
    assert failing(document) == {"OVS-003"}
    assert node2.run(["ovs-vsctl", "get", "port", "vlan100", "tag"]).stdout.strip() == "100"


def test_bond_failover_on_every_bond(tmp_path: Path) -> None:
    run, document = run_ovs(tmp_path, "--allow-destructive", "-k", "failover")
    assert outcomes(document).get(("BOND-004", "lab", None)) == "passed", run.stdout[-4000:]

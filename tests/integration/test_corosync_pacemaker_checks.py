"""The corosync and pacemaker checks catch what they claim to, on the lab.

Each case breaks the lab in one way, runs the read-only suites in a subprocess and
asserts that exactly the expected check ids fail while every other check passes; then it
restores the lab and proves it is as before (same snapshot as `hacert.pacemaker.state`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hacert.cluster import Cluster, Node
from hacert.inventory import load_inventory
from hacert.pacemaker import faults, probe
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.restore import restore, settle, verify
from hacert.pacemaker.state import snapshot
from hacert.pacemaker.watch import Timeline

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory" / "lab.yaml"
SUITES = ["suites/corosync", "suites/pacemaker/test_pacemaker.py"]
COROSYNC_CONF = "/etc/corosync/corosync.conf"
AUTHKEY = "/etc/corosync/authkey"


def run_suite(tmp_path: Path, *paths: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Runs suites against the lab in a subprocess; check id -> outcome (worst per id)."""
    results = tmp_path / "results.json"
    command = [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        "--inventory",
        str(INVENTORY),
        "--cluster",
        "lab",
        "--results-json",
        str(results),
        f"--alluredir={tmp_path / 'allure'}",
        f"--junitxml={tmp_path / 'junit.xml'}",
        "-q",
        "-p",
        "no:randomly",
        *extra,
    ]
    # A private fault journal: another run starting meanwhile would otherwise "restore" this
    # run's in-flight faults as leftovers (the journal cannot tell live runs from dead ones).
    env = {**os.environ, "HACERT_FAULT_JOURNAL": str(tmp_path / "faults.json")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert results.exists(), done.stdout[-3000:] + done.stderr[-2000:]
    rank = {"passed": 0, "skipped": 1, "failed": 2, "broken": 3}
    outcomes: dict[str, str] = {}
    for item in json.loads(results.read_text())["checks"]:
        outcome = item["outcome"] or "broken"
        if rank.get(outcome, 3) >= rank.get(outcomes.get(item["check_id"], "passed"), 0):
            outcomes[item["check_id"]] = outcome
    return outcomes


def assert_only_failing(outcomes: dict[str, str], expected: set[str]) -> None:
    failing = {cid for cid, outcome in outcomes.items() if outcome in {"failed", "broken"}}
    assert failing == expected, (
        f"expected failing {sorted(expected)}, got {sorted(failing)}: {outcomes}"
    )


@pytest.fixture(scope="module")
def lab() -> Cluster:
    if not Path("/var/lib/hacert-lab/ssh/id_ed25519").exists():
        pytest.fail("the lab is not up: python3 -m lab up")
    inventory = load_inventory(INVENTORY)
    return Cluster(inventory.cluster("lab"), inventory, base=INVENTORY.parent)


@pytest.fixture
def restored(lab: Cluster) -> Iterator[Cluster]:
    """Settled lab before; after the case: restore, settle and verify identical to before."""
    expect = lab.expect.pacemaker or PacemakerExpect()
    timeline = Timeline(lab.name)
    assert settle(lab, timeline, expect.settle_timeout_s), timeline.render()
    before = snapshot(lab)
    yield lab
    problems = restore(lab, expect, before, timeline, INVENTORY.parent)
    problems = problems or verify(lab, before)
    assert not problems, f"lab NOT restored: {problems}\n{timeline.render()}"


Undo = list[Callable[[], object]]


@dataclass(frozen=True)
class Breakage:
    """Breaks the lab, appending to ``undo`` how to revert each step as soon as it is done."""

    name: str
    expected: set[str]
    apply: Callable[[Cluster, Undo], None]


def _node_running(cluster: Cluster, rsc: str) -> Node:
    _, status = probe.cluster_status(cluster)
    return cluster.node(sorted(status.locations(rsc))[0])


def _config_drift(cluster: Cluster, undo: Undo) -> None:
    """fencing off; corosync.conf edited on one node; authkey world-readable; one link down."""
    first, second, third = cluster.nodes_with("pacemaker")[:3]
    faults.set_property(first, "stonith-enabled", "false")
    undo.append(lambda: faults.set_property(first, "stonith-enabled", "true"))
    original = third.read_file(COROSYNC_CONF) or ""
    undo.append(lambda: third.run(["tee", COROSYNC_CONF], stdin=original, check=True))
    third.run(["sed", "-i", "s/token: 5000/token: 5001/", COROSYNC_CONF], check=True)
    undo.append(lambda: second.run(["chmod", "0400", AUTHKEY], check=True))
    second.run(["chmod", "0644", AUTHKEY], check=True)
    undo.append(lambda: faults.heal(third))
    for peer in (first, second):
        for address in faults.corosync_addresses(first, peer.name)[1:]:
            third.run(
                f"iptables -I INPUT -s {address} -p udp -m comment --comment hacert-linkdown "
                "-j DROP",
                check=True,
            )


def _ban(cluster: Cluster, undo: Undo) -> None:
    node = _node_running(cluster, "dummy1")
    helper = cluster.nodes_with("pacemaker")[0]
    undo.append(lambda: faults.clear(helper, "dummy1"))
    helper.run(["crm_resource", "--ban", "--resource", "dummy1", "--node", node.name], check=True)


def _standby(cluster: Cluster, undo: Undo) -> None:
    helper, target = cluster.nodes_with("pacemaker")[0], cluster.nodes_with("pacemaker")[-1]
    undo.append(lambda: faults.set_standby(helper, target.name, on=False))
    faults.set_standby(helper, target.name, on=True)


def _failed_resource(cluster: Cluster, undo: Undo) -> None:
    node = _node_running(cluster, "dummy1")
    helper = cluster.nodes_with("pacemaker")[0]
    undo.append(lambda: faults.cleanup(helper, "dummy1"))
    faults.fail_resource(helper, "dummy1", node.name)


BREAKAGES = [
    Breakage(
        "fencing-off+conf-differs+authkey-mode+link-down",
        {"PCMK-006", "COROSYNC-007", "COROSYNC-008", "COROSYNC-006"},
        _config_drift,
    ),
    Breakage("resource-banned", {"PCMK-009"}, _ban),
    Breakage("node-standby", {"PCMK-002", "PCMK-003"}, _standby),
    Breakage("failed-resource", {"PCMK-005"}, _failed_resource),
]


@pytest.fixture(scope="module")
def healthy_outcomes(lab: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Outcomes on the unbroken lab (what each breakage is compared with)."""
    expect = lab.expect.pacemaker or PacemakerExpect()
    assert settle(lab, Timeline(lab.name), expect.settle_timeout_s)
    return run_suite(tmp_path_factory.mktemp("healthy"), *SUITES)


def failing(outcomes: dict[str, str]) -> set[str]:
    return {cid for cid, outcome in outcomes.items() if outcome in {"failed", "broken"}}


def test_healthy_lab_passes_every_check(healthy_outcomes: dict[str, str]) -> None:
    assert len(healthy_outcomes) >= 30, healthy_outcomes
    assert_only_failing(healthy_outcomes, set())


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
def test_breakage_is_caught_by_the_right_check(
    tmp_path: Path, restored: Cluster, breakage: Breakage, healthy_outcomes: dict[str, str]
) -> None:
    already = failing(healthy_outcomes)
    assert not breakage.expected & already, f"{sorted(already)} fail on the healthy lab too"
    undo: Undo = []
    try:
        breakage.apply(restored, undo)
        settle(restored, Timeline(restored.name), 90)
        outcomes = run_suite(tmp_path, *SUITES)
    finally:
        for step in reversed(undo):
            step()
    assert_only_failing(outcomes, breakage.expected | already)

"""Guest lifecycle round trips that change a guest and must put it back (destructive)."""

from __future__ import annotations

import secrets

import pytest

from hacert.checks import Findings, check
from hacert.cluster import Cluster, Node
from hacert.virt import faults, probes, select, state


def _where(cluster: Cluster, domain: str) -> Node:
    for node in select.hypervisors(cluster):
        if probes.domstate(node, domain) is not None:
            return node
    pytest.fail(
        f"expected: guest {domain} defined on a hypervisor\nfound:    it is nowhere", pytrace=False
    )


@check(
    "LIBVIRT-011",
    "Snapshot create, list, revert and delete leave the guest as it was",
    severity="normal",
    destructive=True,
    profiles=("full",),
    remediation="Internal snapshots need qcow2 disks; check the pool's free space and "
    "`virsh snapshot-list <guest>` for leftovers",
)
def test_snapshot_round_trip(cluster: Cluster) -> None:
    expect = cluster.expect.virt
    if expect is None or expect.snapshot_guest is None:
        pytest.skip("not applicable: expect.virt.snapshot_guest is not set")
    node = _where(cluster, expect.snapshot_guest)
    before = state.snapshot(cluster)
    problems = faults.snapshot_round_trip(
        node, expect.snapshot_guest, f"hacert-{secrets.token_hex(3)}"
    )
    changed = state.differences(before, state.snapshot(cluster))
    findings = Findings(expected="create, list, revert and delete succeed; guest as before")
    for problem in problems + [f"not restored: {c}" for c in changed]:
        findings.add(problem, node.label)
    findings.raise_if_any()

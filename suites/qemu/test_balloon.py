"""The memory balloon round trip (destructive): setmem down and back."""

from __future__ import annotations

import pytest

from hacert.checks import check, fail, require
from hacert.cluster import Cluster, Node
from hacert.reporting import attach_text
from hacert.virt import faults, probes, select


def _where(cluster: Cluster, domain: str) -> Node:
    for node in select.hypervisors(cluster):
        if probes.domstate(node, domain) == "running":
            return node
    fail(expected=f"guest {domain} running on a hypervisor", found="it runs nowhere")


@check(
    "QEMU-009",
    "The memory balloon deflates and inflates back (setmem round trip)",
    severity="minor",
    destructive=True,
    profiles=("full",),
    remediation="The guest needs the virtio_balloon driver and a <memballoon model='virtio'/>",
)
def test_balloon_round_trip(cluster: Cluster) -> None:
    expect = cluster.expect.virt
    if expect is None or expect.balloon_guest is None:
        pytest.skip("not applicable: expect.virt.balloon_guest is not set")
    node = _where(cluster, expect.balloon_guest)
    current = probes.dommemstat(node, expect.balloon_guest).get("actual")
    if current is None:
        fail(expected="a balloon (`actual` in dommemstat)", found="no balloon", host=node.label)
    target = int(current * 0.75)
    before, reached, restored = faults.balloon_round_trip(node, expect.balloon_guest, target)
    attach_text(
        "balloon", f"before {before} KiB, asked {target}, reached {reached}, restored {restored}"
    )
    require(
        abs(reached - target) <= 1024 and abs(restored - before) <= 1024,
        expected=f"actual {target} KiB after setmem, {before} KiB after restoring",
        found=f"{reached} KiB, then {restored} KiB",
        host=node.label,
    )

"""A check that holds a journaled fault for a long time: the project's tests kill it midway.

(Not collected by `pytest tests`: its name does not start with test_.)
"""

from __future__ import annotations

import os
import time

from hacert.checks import check
from hacert.cluster import Cluster
from hacert.faults import injected


@check("HOSTS-900", "Holds a fault while sleeping", remediation="none", technology="hosts")
def test_hold_fault(cluster: Cluster) -> None:
    marker = os.environ["HACERT_TEST_MARKER"]
    node = cluster.nodes[0]
    with injected(cluster, "test marker file", node=node, restore=f"rm -f {marker}"):
        node.run(["touch", marker])
        time.sleep(60)

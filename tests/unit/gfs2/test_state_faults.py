"""State snapshots compare per node; fault helpers wait and give up cleanly."""

from __future__ import annotations

import pytest

from hacert.errors import InfrastructureError
from hacert.gfs2.faults import wait_until
from hacert.gfs2.state import Gfs2State, NodeState


def node(members: tuple[str, ...], mounted: bool = True) -> NodeState:
    mounts = (("/mnt/gfs2", "hacert-labvm:gfs0", "lock_dlm", False),) if mounted else ()
    return NodeState(mounts=mounts, lockspaces=(("gfs0", members),), quorate=True)


def test_same_state_has_no_differences() -> None:
    a = Gfs2State(nodes=(("vm1", node(("vm1", "vm2"))), ("vm2", node(("vm1", "vm2")))))
    b = Gfs2State(nodes=(("vm1", node(("vm1", "vm2"))), ("vm2", node(("vm1", "vm2")))))
    assert a.differences(b) == []


def test_lost_member_and_mount_are_reported_per_node() -> None:
    before = Gfs2State(nodes=(("vm1", node(("vm1", "vm2"))), ("vm2", node(("vm1", "vm2")))))
    after = Gfs2State(nodes=(("vm1", node(("vm1",))), ("vm2", node((), mounted=False))))
    diff = before.differences(after)
    assert [line.split(":")[0] for line in diff] == ["vm1", "vm2"]


def test_wait_until_counts_errors_as_not_yet() -> None:
    calls: list[Exception | bool] = [InfrastructureError("down"), False, True]

    def condition() -> bool:
        value = calls.pop(0)
        if isinstance(value, Exception):
            raise value
        return bool(value)

    assert wait_until("x", condition, timeout=5, interval=0.01) >= 0


def test_wait_until_times_out_as_infrastructure_error() -> None:
    with pytest.raises(InfrastructureError, match="timed out"):
        wait_until("never", lambda: False, timeout=0.05, interval=0.01)

"""Waits that used to be hand-written loops now time out with the one typed WaitTimeout."""

from __future__ import annotations

import pytest

from hacert.ceph import faults as ceph_faults
from hacert.errors import UnexpectedOutput
from hacert.gfs2 import faults as gfs2_faults
from hacert.wait import WaitTimeout


def _rebooting() -> bool:
    raise UnexpectedOutput("connection reset", host="vm2")


def test_gfs2_wait_until_times_out_typed_with_the_last_error() -> None:
    with pytest.raises(WaitTimeout) as caught:
        gfs2_faults.wait_until("vm2 back", _rebooting, timeout=0.05, interval=0.01)
    assert caught.value.what == "vm2 back"
    assert isinstance(caught.value.error, UnexpectedOutput)
    assert "last error: UnexpectedOutput: vm2: connection reset" in str(caught.value)


def test_gfs2_poll_is_none_on_timeout_and_seconds_on_success() -> None:
    assert gfs2_faults.poll(_rebooting, timeout=0.05, interval=0.01) is None
    assert gfs2_faults.poll(lambda: True, timeout=0.05, interval=0.01) == pytest.approx(0, abs=0.05)


def test_ceph_restore_wait_times_out_typed() -> None:
    with pytest.raises(WaitTimeout, match=r"waiting for restore: HEALTH_OK$"):
        ceph_faults._wait("HEALTH_OK", lambda: False, 0.05)

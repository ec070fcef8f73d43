"""OVS check logic: the failover figures and the expect model."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hacert.ovs.expect import OvsExpect
from hacert.ovs.faults import FailoverResult


def test_failover_figures() -> None:
    result = FailoverResult(
        bond="bond0",
        member="cab0",
        failover_ms=33.4,
        restore_ms=38.7,
        ping_sent=200,
        ping_received=197,
        stream_error=None,
        stream_bytes_received=1_600_000,
        stream_max_gap_ms=23.4,
    )
    assert result.ping_loss_pct == pytest.approx(1.5)
    figures = result.figures()
    assert figures["failover_ms"] == 33.4 and figures["ping_lost"] == 3


def test_failover_without_failover_is_negative_figure() -> None:
    result = FailoverResult("b", "m", None, None, 0, 0, "refused", 0, 0.0)
    assert result.figures()["failover_ms"] == -1.0
    assert result.ping_loss_pct == 0.0


def test_ovs_expect_validation() -> None:
    expect = OvsExpect.model_validate({"bonds": [{"name": "bond0", "mode": "active-backup"}]})
    assert expect.bonds[0].lacp == "off" and expect.bonds[0].failover
    with pytest.raises(ValidationError):
        OvsExpect.model_validate({"bonds": [{"name": "bond0", "mode": "balance-rr"}]})
    with pytest.raises(ValidationError):
        OvsExpect.model_validate(
            {"bridges": [{"name": "br0", "ports": [{"name": "p", "tag": 5000}]}]}
        )

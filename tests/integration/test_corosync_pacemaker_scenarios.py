"""Every pacemaker failure scenario runs on the lab and leaves it as it found it.

The scenarios verify their own restore (a difference fails the scenario's teardown); this
test also compares a snapshot taken before the whole run with one taken after it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.cluster import Cluster
from hacert.inventory import load_inventory
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.restore import settle, verify
from hacert.pacemaker.state import snapshot
from hacert.pacemaker.watch import Timeline
from tests.integration.test_corosync_pacemaker_checks import (
    INVENTORY,
    assert_only_failing,
    run_suite,
)

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.extended]
SCENARIOS = {f"PCMK-10{i}" for i in range(1, 9)}
# Daemons whose kill behaves like another one already killed (based and execd take the
# controller down like controld; fenced respawns like attrd): left to the full suite run.
QUICK = "not (kill_daemon and (based or execd or fenced))"


@pytest.fixture(scope="module")
def lab() -> Cluster:
    inventory = load_inventory(INVENTORY)
    return Cluster(inventory.cluster("lab"), inventory, base=INVENTORY.parent)


def test_every_scenario_runs_and_leaves_the_lab_identical(tmp_path: Path, lab: Cluster) -> None:
    expect = lab.expect.pacemaker or PacemakerExpect()
    assert settle(lab, Timeline(lab.name), expect.settle_timeout_s)
    before = snapshot(lab)
    outcomes = run_suite(
        tmp_path,
        "suites/pacemaker",
        extra=("-m", "destructive", "--allow-destructive", "-k", QUICK),
    )
    assert set(outcomes) == SCENARIOS, outcomes
    assert_only_failing(outcomes, set())
    assert settle(lab, Timeline(lab.name), expect.settle_timeout_s)
    assert verify(lab, before) == []

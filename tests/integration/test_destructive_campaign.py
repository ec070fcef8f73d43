"""Every destructive scenario of every suite, one round: the lab as it was after it.

A round (both lab clusters in parallel, ~9 min on a 2-core machine) runs `-m destructive
--allow-destructive` over all suites; after it the whole state of each cluster (hacert.state)
is compared with the state before. `HACERT_CAMPAIGN_ROUNDS` changes the count; repetitions are
benchmarks: `tools/bench_campaign.py --rounds 3` (or 10).
"""

from __future__ import annotations

import os

import pytest

from tests.integration.conftest import LAB_INVENTORY
from tools.bench_campaign import Round, campaign

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.usefixtures("lab_containers")]
CLUSTERS = os.environ.get("HACERT_CAMPAIGN_CLUSTERS", "lab,labvm").split(",")


def _assert_restored(rounds: list[Round]) -> None:
    for r in rounds:
        print(f"campaign round {r.number}: {r.seconds:.0f} s, {r.outcomes}, restored={r.restored}")
    report = {r.number: r.differences for r in rounds if not r.restored}
    assert not report, f"rounds that left the lab changed: {report}"
    assert all(r.outcomes.get("passed", 0) > 0 for r in rounds), [r.outcomes for r in rounds]
    assert all(r.exit_code == 0 for r in rounds), [
        (r.number, r.exit_code, r.not_passed) for r in rounds
    ]


def test_every_destructive_scenario_leaves_the_lab_as_it_was() -> None:
    _assert_restored(
        campaign(int(os.environ.get("HACERT_CAMPAIGN_ROUNDS", "1")), LAB_INVENTORY, CLUSTERS)
    )

"""Every destructive scenario of every suite, round after round: the lab as it was after each.

`bin/hacert-test --extended` runs them (one round, then three in a row);
`perf/bench_campaign.py --rounds 10` ten. They are out of the default run: a round costs
~15 min on a 2-core machine and two scenarios are not yet reliable under load (PCMK-103 execd
kill: the fence sometimes comes after 120 s; GFS2-020: the lock tool's output lost when the
fenced VM drops mid-command).
"""

from __future__ import annotations

import os

import pytest

from perf.bench_campaign import Round, campaign
from tests.integration.conftest import LAB_INVENTORY

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.usefixtures("lab_containers")]
CLUSTERS = os.environ.get("HACERT_CAMPAIGN_CLUSTERS", "lab,labvm").split(",")


def _assert_restored(rounds: list[Round]) -> None:
    for r in rounds:
        print(f"campaign round {r.number}: {r.seconds:.0f} s, {r.outcomes}, restored={r.restored}")
    report = {r.number: r.differences for r in rounds if not r.restored}
    assert not report, f"rounds that left the lab changed: {report}"
    assert all(r.outcomes.get("passed", 0) > 0 for r in rounds), [r.outcomes for r in rounds]
    assert all(r.exit_code == 0 for r in rounds), [(r.number, r.exit_code, r.outcomes) for r in rounds]


@pytest.mark.extended
def test_one_round_of_every_destructive_scenario_leaves_the_lab_as_it_was() -> None:
    _assert_restored(campaign(1, LAB_INVENTORY, CLUSTERS))


@pytest.mark.extended
def test_three_rounds_in_a_row_leave_the_lab_as_it_was() -> None:
    _assert_restored(campaign(int(os.environ.get("HACERT_CAMPAIGN_ROUNDS", "3")), LAB_INVENTORY, CLUSTERS))

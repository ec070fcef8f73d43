"""Every destructive scenario, three rounds in a row: the lab is as it was after each round."""

from __future__ import annotations

import os

import pytest

from perf.bench_campaign import campaign
from tests.integration.conftest import LAB_INVENTORY

pytestmark = [pytest.mark.lab, pytest.mark.slow, pytest.mark.usefixtures("lab_containers")]
ROUNDS = int(os.environ.get("HACERT_CAMPAIGN_ROUNDS", "3"))


def test_destructive_campaign_restores_the_lab_every_round() -> None:
    rounds = campaign(ROUNDS, LAB_INVENTORY, ["lab"])
    report = {r.number: r.differences for r in rounds if not r.restored}
    assert not report, f"rounds that left the lab changed: {report}"
    assert all(r.outcomes.get("passed", 0) > 0 for r in rounds), [r.outcomes for r in rounds]
    assert all(r.exit_code == 0 for r in rounds), [
        (r.number, r.exit_code, r.outcomes) for r in rounds
    ]

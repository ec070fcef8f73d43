"""The inventory's expect.pacemaker / expect.corosync sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hacert.corosync.expect import CorosyncExpect
from hacert.inventory import load_inventory
from hacert.pacemaker.expect import DAEMON_OUTCOMES, PacemakerExpect

LAB = Path(__file__).parents[3] / "inventory" / "lab.yaml"


def test_constraint_sentences() -> None:
    expect = PacemakerExpect(
        ordering=["start vip then web", "promote db-clone then start app"],
        colocation=["web with vip", "app with Promoted db-clone"],
        location=["dummy1 prefers node1", "dummy1 avoids node3"],
    )
    assert [str(o) for o in expect.ordering] == [
        "start vip then start web",
        "promote db-clone then start app",
    ]
    assert expect.colocation[1].with_rsc_role == "Promoted"
    assert [(loc.rsc, loc.node, loc.prefers) for loc in expect.location] == [
        ("dummy1", "node1", True),
        ("dummy1", "node3", False),
    ]


@pytest.mark.parametrize(
    "field,value",
    [("ordering", "vip before web"), ("colocation", "web near vip"), ("location", "dummy1 node1")],
)
def test_unreadable_sentence_says_how_to_write_it(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match="write it like"):
        PacemakerExpect(**{field: [value]})


def test_kill_pacemakerd_never_fences_by_default() -> None:
    assert PacemakerExpect().daemon_outcomes == DAEMON_OUTCOMES
    assert DAEMON_OUTCOMES["pacemakerd"] == "respawn"
    assert DAEMON_OUTCOMES["corosync"] == "fence"


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError):
        CorosyncExpect(tokn_ms=5000)  # type: ignore[call-arg]


def test_lab_inventory_sections() -> None:
    expect = load_inventory(LAB).cluster("lab").expect
    assert expect.corosync is not None and expect.corosync.links == 2
    assert expect.pacemaker is not None
    assert [str(o) for o in expect.pacemaker.ordering] == ["start vip then start web"]
    assert expect.pacemaker.power is not None
    assert "{host}" in expect.pacemaker.power.off_command

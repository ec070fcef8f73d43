"""Constraint judgement and restore snapshots, on captured crm_mon/CIB outputs."""

from __future__ import annotations

from pathlib import Path

from hacert.pacemaker import rules
from hacert.pacemaker.cib import parse_cib
from hacert.pacemaker.state import configuration_parts, differences
from hacert.pacemaker.status import parse_crm_mon

DATA = Path(__file__).parents[2] / "data" / "pacemaker"
MON = (DATA / "crm_mon-inactive.2.1.5.failed-vm.xml").read_text()
CIB = (DATA / "cibadmin-Q-local.2.1.5.xml").read_text()
WEB_ON_NODE2 = '<node name="node2" id="2" cached="true"/>\n    </resource>\n    <resource id="vm1"'
WEB_ON_NODE3 = '<node name="node3" id="3" cached="true"/>\n    </resource>\n    <resource id="vm1"'


def test_colocation_holds_and_breaks() -> None:
    rule = parse_cib(CIB).colocations[0]
    assert rules.colocation_problem(parse_crm_mon(MON), rule) is None
    split = parse_crm_mon(MON.replace(WEB_ON_NODE2, WEB_ON_NODE3))
    assert rules.colocation_problem(split, rule) == "web on node3 but vip on node2"


def test_order_from_call_ids() -> None:
    status = parse_crm_mon(MON)
    assert rules.order_problem(status, "vip", "web") is None
    problem = rules.order_problem(status, "web", "vip")
    assert problem is not None and "before web start call 24" in problem


def test_location_weighs_stickiness() -> None:
    cib = parse_cib(CIB)
    status = parse_crm_mon(MON)
    assert rules.location_problem(status, cib, "dummy1", "node1", 50) is None
    assert rules.location_problem(status, cib, "web", "node1", 50) is None  # stickiness 100 wins
    assert "score 200 > stickiness 100" in (
        rules.location_problem(status, cib, "web", "node1", 200) or ""
    )
    assert rules.location_problem(status, cib, "web", "node2", float("-inf")) == (
        "web runs on node2, which it avoids"
    )


def test_configuration_parts_name_what_changed() -> None:
    before = configuration_parts(CIB)
    assert "constraints/rsc_colocation#web-with-vip" in before
    assert "resources/primitive#vm1" in before
    standby_deleted = CIB.replace(
        '<node id="3" uname="node3"/>',
        '<node id="3" uname="node3"><instance_attributes id="nodes-3"/></node>',
    )
    assert configuration_parts(standby_deleted) == before
    changed = configuration_parts(CIB.replace('score="50"', 'score="60"'))
    diff = differences({"configuration": before}, {"configuration": changed})
    assert len(diff) == 1 and diff[0].startswith("configuration.constraints/rsc_location#dummy1")


def test_differences_lists_each_change() -> None:
    a = {"placement": {"web": ["node2"], "vip": ["node2"]}, "constraints": ["x"]}
    b = {"placement": {"web": ["node3"], "vip": ["node2"]}, "constraints": ["x", "cli-ban-web"]}
    assert differences(a, b) == [
        "constraints: ['x'] -> ['x', 'cli-ban-web']",
        "placement.web: ['node2'] -> ['node3']",
    ]
    assert differences(a, a) == []

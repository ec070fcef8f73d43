"""pacemaker parsers against outputs captured from real tools (tests/data/pacemaker)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.pacemaker.cib import parse_cib
from hacert.pacemaker.status import parse_crm_mon, parse_fence_events
from hacert.pacemaker.verify import parse_crm_verify
from hacert.xmlutil import parse_xml

DATA = Path(__file__).parents[2] / "data" / "pacemaker"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_every_data_file_has_meta() -> None:
    for path in DATA.iterdir():
        if path.suffix != ".meta":
            assert path.with_name(path.name + ".meta").exists(), path.name


def test_crm_mon_failed_vm() -> None:
    status = parse_crm_mon(read("crm_mon-inactive.2.1.5.failed-vm.xml"))
    assert status.connected and status.dc_present and status.with_quorum
    assert status.dc_name == "node1"
    assert status.last_change == "Wed Nov 25 16:56:07 2026 by root via cibadmin on node1"
    assert status.fencing_enabled is True
    assert status.option("no-quorum-policy") == "stop"
    assert [n.name for n in status.nodes] == ["node1", "node2", "node3"]
    assert all(not n.problems() for n in status.nodes)
    assert status.locations("web") == {"node2"}
    assert status.locations("ping-clone") == {"node1", "node2", "node3"}
    vm = status.instances("vm1")[0]
    assert not vm.active and vm.role == "Stopped"
    assert {(f.resource, f.node, f.task) for f in status.failures} == {
        ("vm1", "node1", "start"),
        ("vm1", "node2", "start"),
        ("vm1", "node3", "start"),
    }
    assert status.fail_counts[("vm1", "node2")] == 1000000
    assert [d.id for d in status.fence_devices()] == ["fence-hacert"]
    starts = [o for o in status.operations_of("web", "node2") if o.task == "start"]
    assert starts[0].call == 24 and starts[0].rc == 0


def test_crm_mon_group_and_promotable() -> None:
    status = parse_crm_mon(read("crm_mon.2.1.5.group-promotable-simulated.xml"))
    group = status.instances("grp1")
    assert [r.id for r in group] == ["g1a", "g1b"]
    assert {r.owner for r in group} == {"grp1"}
    clone = status.instances("st-clone")
    assert len(clone) == 3 and all(r.promotable for r in clone)
    assert status.locations("grp1") == {"node3"}


def test_crm_mon_not_connected() -> None:
    status = parse_crm_mon(read("crm_mon.2.1.5.not-connected.xml"))
    assert not status.connected
    assert "Not connected" in status.disconnected_reason


def test_crm_mon_rejects_other_xml() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_crm_mon("<cib/>")
    with pytest.raises(UnexpectedOutput):
        parse_crm_mon("crm_mon: command not found")


def test_cib_live() -> None:
    cib = parse_cib(read("cibadmin-Q-local.2.1.5.xml"))
    assert cib.epoch == 6
    assert cib.property("fencing-enabled", "stonith-enabled") == "true"
    assert cib.rsc_defaults == {"resource-stickiness": "100", "migration-threshold": "3"}
    assert [p.id for p in cib.fence_devices()] == ["fence-hacert"]
    assert cib.primitives["vm1"].meta["allow-migrate"] == "true"
    assert cib.primitives["vip"].agent == "ocf:heartbeat:IPaddr2"
    assert cib.clones["ping-clone"].child == "ping" and not cib.clones["ping-clone"].promotable
    order = cib.orders[0]
    assert (order.first, order.then, order.first_action, order.kind) == (
        "vip",
        "web",
        "start",
        "Mandatory",
    )
    coloc = cib.colocations[0]
    assert (coloc.rsc, coloc.with_rsc, coloc.score) == ("web", "vip", "INFINITY")
    location = cib.locations[0]
    assert (location.rsc, location.node, location.score_value) == ("dummy1", "node1", 50)
    assert cib.cli_constraints() == []


def test_cib_group_promotable() -> None:
    cib = parse_cib(read("cibadmin-Q.2.1.5.group-promotable.xml"))
    assert cib.groups["grp1"] == ("g1a", "g1b")
    assert cib.clones["st-clone"].promotable
    assert any(loc.rsc == "grp1" and loc.node == "node3" for loc in cib.locations)


def test_cib_digest_ignores_status_and_volatile_properties() -> None:
    text = read("cibadmin-Q-local.2.1.5.xml")
    base = parse_cib(text).digest
    bumped = text.replace('epoch="6"', 'epoch="7"').replace('num_updates="83"', 'num_updates="99"')
    assert parse_cib(bumped).digest == base
    refreshed = text.replace(
        '<nvpair name="dc-deadtime"',
        '<nvpair id="x-llr" name="last-lrm-refresh" value="1"/><nvpair name="dc-deadtime"',
    )
    assert parse_cib(refreshed).digest == base
    changed = text.replace(
        'name="stonith-enabled" value="true"', 'name="stonith-enabled" value="false"'
    )
    assert parse_cib(changed).digest != base


def test_cib_score_infinity() -> None:
    cib = parse_cib(
        read("cibadmin-Q-local.2.1.5.xml").replace(
            'rsc="dummy1" score="50"', 'rsc="dummy1" score="-INFINITY"'
        )
    )
    assert cib.locations[0].score_value == -math.inf


def test_crm_verify() -> None:
    assert parse_crm_verify(read("crm_verify-live.2.1.5.ok.xml")).clean
    broken = parse_crm_verify(read("crm_verify.2.1.5.no-fence-device.xml"))
    assert not broken.clean and broken.code == 78


def test_fence_history_empty() -> None:
    root = parse_xml(read("stonith_admin-history.2.1.5.empty.xml"), "stonith_admin")
    assert parse_fence_events(root) == []


def test_fence_history_from_crm_mon() -> None:
    status = parse_crm_mon(read("crm_mon-fence-history.2.1.5.xml"))
    events = status.fence_events
    assert len(events) >= 4
    assert {e.status for e in events} == {"success", "pending"}
    assert events[0].status == "pending" and events[0].completed == ""
    done = [e for e in events if e.target == "node2" and e.status == "success"]
    assert done[0].client.startswith("pacemaker-controld")
    assert done[0].delegate == "node1"
    assert done[0].completed == "2026-11-25 17:15:26Z"
    # stonith_admin's XML history is incomplete on 2.1.5: one event for the same history.
    root = parse_xml(read("stonith_admin-history.2.1.5.xml-shows-one.xml"), "stonith_admin")
    assert len(parse_fence_events(root)) == 1

"""pacemaker parsers against real Pacemaker 3.0.x crm_mon captures (tests/data/pacemaker).

The lab runs Pacemaker 2.1.5; its live CIB (cibadmin-Q.2.1.5.lab-live.xml) was rendered by the
crm_mon of Debian's 3.0.0 (trixie, api-version 2.38) and 3.0.3 (sid, api-version 2.42) from
a chroot. Only 3.0.3 prints the fencing-* option names (beside stonith-*) and ``removed``
(beside ``orphaned``). Each capture's .meta says how it was made.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hacert.pacemaker.cib import parse_cib
from hacert.pacemaker.status import ClusterStatus, parse_crm_mon

DATA = Path(__file__).parents[2] / "data" / "pacemaker"

LAB_LIVE = ["crm_mon.3.0.0.lab-live.xml", "crm_mon.3.0.3.lab-live.xml"]
NOT_CONNECTED = ["crm_mon.3.0.0.not-connected.xml", "crm_mon.3.0.3.not-connected.xml"]


def read(name: str) -> str:
    return (DATA / name).read_text()


def meta(name: str) -> dict[str, str]:
    lines = (DATA / f"{name}.meta").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def status(name: str) -> ClusterStatus:
    return parse_crm_mon(read(name))


def without_options(view: ClusterStatus, prefix: str) -> ClusterStatus:
    kept = {k: v for k, v in view.options.items() if not k.startswith(prefix)}
    return dataclasses.replace(view, options=kept)


def test_captures_are_from_pacemaker3() -> None:
    assert meta("crm_mon.3.0.0.lab-live.xml")["tool_version"].startswith("Pacemaker 3.0.0 ")
    assert meta("crm_mon.3.0.3.lab-live.xml")["tool_version"].startswith("Pacemaker 3.0.3 ")
    assert 'api-version="2.38"' in read("crm_mon.3.0.0.lab-live.xml")
    assert 'api-version="2.42"' in read("crm_mon.3.0.3.lab-live.xml")


@pytest.mark.parametrize("name", LAB_LIVE)
def test_lab_live(name: str) -> None:
    view = status(name)
    assert view.connected and view.dc_present and view.with_quorum
    assert view.dc_name == "node1"
    assert view.dc_version == "2.1.5-a3f44794f94"  # the lab's DC, read from the CIB
    assert view.last_change == "Wed Nov 25 19:58:04 2026 by root via crm_resource on node3"
    assert view.pacemakerd_state == ""  # CIB_file: no pacemakerd to ask
    assert [n.name for n in view.nodes] == ["node1", "node2", "node3"]
    assert all(n.online and not n.problems() for n in view.nodes)
    assert [n.name for n in view.nodes if n.is_dc] == ["node1"]
    assert view.fencing_enabled is True
    assert view.option("fencing-timeout-ms", "stonith-timeout-ms") == "60000"
    assert view.option("no-quorum-policy") == "stop"
    assert not view.maintenance_mode
    assert view.locations("fence-hacert") == {"node1"}
    assert view.locations("dummy1") == {"node1"}
    assert view.locations("vip") == {"node2"}
    assert view.locations("web") == {"node2"}
    assert view.locations("vm1") == {"node3"}
    assert view.locations("ping-clone") == {"node1", "node2", "node3"}
    ping = view.instances("ping-clone")
    assert len(ping) == 3 and {r.id for r in ping} == {"ping"}
    assert {r.owner for r in ping} == {"ping-clone"} and not any(r.promotable for r in ping)
    assert all(r.active and r.role == "Started" and r.managed for r in view.resources)
    assert not any(r.orphaned or r.failed or r.blocked or r.disabled for r in view.resources)
    assert [d.id for d in view.fence_devices()] == ["fence-hacert"]
    assert {r.id for r in view.running_on("node3")} == {"vm1", "ping"}
    assert view.failures == () and view.fail_counts == {} and view.bans == ()
    assert view.fence_events == ()  # crm_mon asks no fencer for a CIB_file
    start = [o for o in view.operations_of("web", "node2") if o.task == "start"]
    assert [(o.call, o.rc, o.rc_text) for o in start] == [(24, 0, "OK")]
    monitor = [o for o in view.operations_of("vm1", "node3") if o.task == "monitor"]
    assert [(o.call, o.interval_ms) for o in monitor] == [(30, 10000)]
    assert len(view.operations) == 16


def test_option_names_per_version() -> None:
    old = status("crm_mon.3.0.0.lab-live.xml").options
    new = status("crm_mon.3.0.3.lab-live.xml").options
    assert "fencing-enabled" not in old and old["stonith-enabled"] == "true"
    assert new["fencing-enabled"] == "true" and new["stonith-enabled"] == "true"
    assert new["fencing-timeout-ms"] == new["stonith-timeout-ms"] == "60000"
    assert set(new) - set(old) == {"fencing-enabled", "fencing-timeout-ms"}


def test_fencing_enabled_from_either_name() -> None:
    new = status("crm_mon.3.0.3.lab-live.xml")
    only_fencing = without_options(new, "stonith-")
    assert "stonith-enabled" not in only_fencing.options
    assert only_fencing.fencing_enabled is True
    assert only_fencing.option("fencing-timeout-ms", "stonith-timeout-ms") == "60000"
    old = status("crm_mon.3.0.0.lab-live.xml")
    assert old.fencing_enabled is True  # stonith-enabled only


def test_3_0_0_and_3_0_3_parse_to_the_same_state() -> None:
    old = without_options(status("crm_mon.3.0.0.lab-live.xml"), "fencing-")
    new = without_options(status("crm_mon.3.0.3.lab-live.xml"), "fencing-")
    assert old == new


def test_lab_cib() -> None:
    cib = parse_cib(read("cibadmin-Q.2.1.5.lab-live.xml"))
    assert cib.property("fencing-enabled", "stonith-enabled") == "true"
    assert [p.id for p in cib.fence_devices()] == ["fence-hacert"]
    assert cib.clones["ping-clone"].child == "ping"


@pytest.mark.parametrize("name", NOT_CONNECTED)
def test_not_connected(name: str) -> None:
    view = status(name)
    assert meta(name)["exit_status"] == "102"
    assert not view.connected and not view.dc_present and view.nodes == ()
    assert view.pacemakerd_state == ""
    assert view.disconnected_reason == (
        "Not connected crm_mon: Connection to cluster failed: Connection refused"
    )


def test_cib_not_up_yet_exits_zero() -> None:
    # pacemakerd answered, pacemaker-based not yet: no summary although crm_mon exited 0.
    name = "crm_mon.3.0.3.cib-not-up.xml"
    view = status(name)
    assert meta(name)["exit_status"] == "0"
    assert not view.connected
    assert view.pacemakerd_state == "running"
    assert "Could not connect to the CIB: Transport endpoint is not connected" in (
        view.disconnected_reason
    )


def test_one_node_live() -> None:
    # A live 3.0.3 cluster puts pacemakerd's state on <stack>, with no <pacemakerd> element.
    view = status("crm_mon.3.0.3.one-node-live.xml")
    assert view.connected and view.dc_present and view.with_quorum
    assert view.pacemakerd_state == "running"
    assert (view.dc_name, view.dc_version) == ("pcmk3", "3.0.3-3.0.3")
    assert [(n.name, n.online, n.is_dc) for n in view.nodes] == [("pcmk3", True, True)]
    assert view.resources == () and view.fence_devices() == []
    assert view.fencing_enabled is True
    assert view.options["fencing-enabled"] == view.options["stonith-enabled"] == "true"

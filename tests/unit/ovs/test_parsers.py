"""OVS parsers against real ovs-vsctl/ovs-appctl outputs (tests/data/ovs; OVS 3.1 from the lab,
pre-2.15 "slave" wording from Open vSwitch's own testsuite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.ovs import config as cfg
from hacert.ovs.appctl import parse_bond_show, parse_lacp_show
from hacert.ovs.ovsdb import as_list, decode, optional, parse_table
from hacert.ovs.state import differences

DATA = Path(__file__).parents[2] / "data" / "ovs"


def read(name: str) -> str:
    return (DATA / name).read_text()


def lab_config() -> cfg.OvsConfig:
    tables = {
        t: parse_table(read(f"vsctl-list-{t.lower()}.json"))
        for t in ("Bridge", "Port", "Interface", "Controller", "Manager")
    }
    return cfg.build(
        tables["Bridge"],
        tables["Port"],
        tables["Interface"],
        tables["Controller"],
        tables["Manager"],
    )


def test_every_data_file_has_meta() -> None:
    for path in DATA.iterdir():
        if path.suffix != ".meta":
            meta = path.with_name(path.name + ".meta")
            assert meta.exists(), path.name
            assert "command:" in meta.read_text()


def test_bond_show_active_backup_member_wording() -> None:
    bond = parse_bond_show(read("bond-show-bond0-active-backup.txt"))["bond0"]
    assert bond.mode == "active-backup"
    assert sorted(bond.members) == ["cab0", "cab1"]
    assert bond.enabled_members == ["cab0", "cab1"]
    assert bond.active == "cab0"
    assert (bond.updelay_ms, bond.downdelay_ms, bond.lacp_status) == (0, 0, "off")


def test_bond_show_all_bonds_at_once() -> None:
    bonds = parse_bond_show(read("bond-show-all.txt"))
    assert {b.name: b.mode for b in bonds.values()} == {
        "bond0": "active-backup",
        "bond1": "balance-slb",
    }
    assert bonds["bond1"].active == "cab3"


def test_bond_show_member_down() -> None:
    bond = parse_bond_show(read("bond-show-bond1-member-down.txt"))["bond1"]
    assert bond.members["cab2"].enabled is False
    assert bond.members["cab2"].may_enable is False
    assert bond.enabled_members == ["cab3"]
    assert bond.active == "cab3"


def test_bond_show_slave_wording_from_old_ovs() -> None:
    bond = parse_bond_show(read("bond-show-upstream-slave-wording.txt"))["bond"]
    assert bond.mode == "active-backup"
    assert bond.lacp_status == "negotiated"
    assert sorted(bond.members) == ["p1", "p2"]
    assert bond.enabled_members == []
    assert bond.active is None  # "active slave mac: 00:00:00:00:00:00(none)"


def test_bond_show_slave_wording_active_flag() -> None:
    bond = parse_bond_show(read("bond-show-upstream-slave-balance-tcp.txt"))["bond0"]
    assert bond.mode == "balance-tcp"
    assert bond.active == "p1"
    assert bond.members["p0"].enabled is False


def test_bond_show_lacp_bond_without_partner() -> None:
    bond = parse_bond_show(read("bond-show-balance-tcp-lacp-no-partner.txt"))["hcbond"]
    assert bond.lacp_status == "configured"
    assert bond.active is None
    assert bond.enabled_members == []


def test_lacp_show_member_wording_not_negotiated() -> None:
    lacp = parse_lacp_show(read("lacp-show-member-no-partner.txt"))["hcbond"]
    assert lacp.status == ["active"]
    assert not lacp.negotiated
    assert sorted(lacp.members) == ["hct0", "hct1"]
    assert lacp.members["hct0"].state == ["defaulted", "detached"]
    assert not lacp.members["hct0"].current
    assert lacp.members["hct0"].partner_state == []


def test_lacp_show_slave_wording() -> None:
    lacp = parse_lacp_show(read("lacp-show-upstream-slave-wording.txt"))["p1"]
    assert lacp.negotiated
    assert lacp.members["p1"].state == ["expired", "attached"]
    assert lacp.members["p1"].may_enable is False
    assert lacp.members["p1"].partner_state == ["timeout"]


def test_ovsdb_decoding() -> None:
    assert decode(["set", []]) == []
    assert decode(["map", [["a", "1"], ["b", ["uuid", "x"]]]]) == {"a": "1", "b": "x"}
    assert decode(["uuid", "abc"]) == "abc"
    assert as_list(7) == [7] and as_list([]) == []
    assert optional([]) is None and optional(["up"]) == "up" and optional("up") == "up"


def test_ovsdb_rejects_non_json() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_table("ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed")


def test_lab_config_joins_tables() -> None:
    config = lab_config()
    assert set(config.bridges) == {"br-bond", "br-slb", "br-vlan"}
    assert all(b.datapath_type == "netdev" for b in config.bridges.values())
    assert sorted(config.bridges["br-bond"].ports) == ["bond0", "br-bond"]
    bond0 = config.ports["bond0"]
    assert bond0.is_bond and sorted(bond0.interfaces) == ["cab0", "cab1"]
    assert bond0.bond_mode == "active-backup"
    assert config.ports["vlan100"].tag == 100
    assert config.interfaces["vlan100"].type == "internal"
    assert config.interfaces["cab0"].link_state == "up"
    assert config.interfaces["cab0"].error_count == 0
    assert config.remotes == []


def test_interface_link_down() -> None:
    (row,) = parse_table(read("vsctl-list-interface-link-down.json"))
    iface = cfg.build([], [], [row], [], []).interfaces["cab2"]
    assert (iface.admin_state, iface.link_state) == ("down", "down")
    assert iface.link_resets > 0


@pytest.mark.parametrize(
    ("target", "insecure"),
    [
        ("ptcp:6640", True),
        ("ptcp:6640:0.0.0.0", True),
        ("ptcp:6640:127.0.0.1", False),
        ("pssl:6640", False),
        ("tcp:10.0.0.5:6653", True),
        ("tcp:127.0.0.1:6653", False),
        ("ssl:10.0.0.5:6653", False),
        ("punix:/var/run/openvswitch/db.sock", False),
    ],
)
def test_plain_remote_detection(target: str, insecure: bool) -> None:
    assert (cfg.plain_remote_problem(target) is not None) is insecure


def test_snapshot_differences() -> None:
    before = {"node1": {"bonds": {"bond0": {"mode": "active-backup", "enabled": ["a", "b"]}}}}
    after = {"node1": {"bonds": {"bond0": {"mode": "balance-slb", "enabled": ["a"]}}}}
    found = differences(before, after)
    assert "node1.bonds.bond0.mode: 'active-backup' -> 'balance-slb'" in found
    assert len(found) == 2
    assert differences(before, before) == []


def test_lacp_show_negotiated_member_wording() -> None:
    lacp = parse_lacp_show(read("lacp-show-bond1-negotiated.txt"))["bond1"]
    assert lacp.negotiated
    assert sorted(lacp.members) == ["cab2", "cab3"]
    assert all(m.current and m.may_enable for m in lacp.members.values())
    assert "synchronized" in lacp.members["cab2"].partner_state


def test_bond_show_lacp_negotiated_and_primary() -> None:
    slb = parse_bond_show(read("bond-show-bond1-lacp-negotiated.txt"))["bond1"]
    assert (slb.mode, slb.lacp_status) == ("balance-slb", "negotiated")
    assert slb.enabled_members == ["cab2", "cab3"]
    ab = parse_bond_show(read("bond-show-bond0-primary.txt"))["bond0"]
    assert ab.active == "cab0"

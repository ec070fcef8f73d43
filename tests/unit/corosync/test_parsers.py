"""corosync parsers against real corosync 2.x, 3.0 and 3.1 outputs (tests/data/corosync)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.corosync import conf
from hacert.corosync.cmap import parse_cmap, subtree
from hacert.corosync.links import parse_cfgtool_nodes, parse_cfgtool_status
from hacert.corosync.probe import parse_members
from hacert.corosync.quorum import parse_quorumtool
from hacert.errors import UnexpectedOutput

DATA = Path(__file__).parents[2] / "data" / "corosync"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_every_data_file_has_meta() -> None:
    for path in DATA.iterdir():
        if path.suffix != ".meta":
            assert path.with_name(path.name + ".meta").exists(), path.name


def test_quorumtool_three_nodes() -> None:
    status = parse_quorumtool(read("quorumtool-s.3node.txt"), 0)
    assert status.quorate
    assert (status.expected_votes, status.total_votes, status.quorum) == (3, 3, 2)
    assert status.highest_expected == 3
    assert status.flags == {"Quorate"}
    assert not status.two_node
    assert [m.name for m in status.members] == ["node1", "node2", "node3"]
    assert [m.local for m in status.members] == [True, False, False]


def test_quorumtool_without_quorate_line_is_unexpected() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_quorumtool("Cannot initialize QUORUM service\n", 1)


def test_cmap_types() -> None:
    values = parse_cmap(read("cmapctl-runtime.config.totem.txt"))
    assert values["runtime.config.totem.token"] == 5650
    assert values["runtime.config.totem.consensus"] == 6780
    assert values["runtime.config.totem.knet_compression_model"] == "none"
    totem = subtree(values, "runtime.config.totem")
    assert totem["token_retransmits_before_loss_const"] == 4


def test_cmap_config_keys() -> None:
    values = parse_cmap(read("cmapctl-config.txt"))
    assert values["totem.crypto_cipher"] == "aes256"
    assert values["totem.crypto_hash"] == "sha256"
    assert values["totem.token"] == 5000
    assert values["quorum.provider"] == "corosync_votequorum"


def test_cmap_rejects_garbage() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_cmap("Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n")


def test_members_corosync3() -> None:
    values = subtree(parse_cmap(read("cmapctl-runtime.members.txt")), "runtime.members")
    members = parse_members(values)
    assert sorted(members) == [1, 2, 3]
    assert {m.status for m in members.values()} == {"joined"}
    assert members[2].ip.startswith("r(0) ip(10.213.0.12)")


def test_members_corosync2_untyped() -> None:
    prefix = "runtime.totem.pg.mrp.srp.members"
    members = parse_members(
        subtree(parse_cmap(read("cmapctl-members.corosync2.upstream.txt")), prefix)
    )
    assert sorted(members) == [303938909, 320716125]
    assert all(m.status == "joined" for m in members.values())


def test_votequorum_runtime() -> None:
    values = parse_cmap(read("cmapctl-runtime.votequorum.txt"))
    assert values["runtime.votequorum.two_node"] == 0
    assert values["runtime.votequorum.ev_barrier"] == 3


def test_cfgtool_s_corosync31_all_connected() -> None:
    report = parse_cfgtool_status(read("cfgtool-s.txt"))
    assert report.local_nodeid == 1
    assert report.link_ids() == {0, 1}
    assert {(s.link, s.peer) for s in report.links} == {(0, 2), (0, 3), (1, 2), (1, 3)}
    assert report.broken() == []


def test_cfgtool_s_corosync30_half_broken() -> None:
    report = parse_cfgtool_status(read("cfgtool-s.corosync3.0.upstream.txt"))
    assert report.local_nodeid == 1
    broken = report.broken()
    assert {(s.link, s.peer) for s in broken} == {(0, 2), (1, 2)}


def test_cfgtool_s_corosync2_rings() -> None:
    report = parse_cfgtool_status(read("cfgtool-s.corosync2.upstream.txt"))
    assert report.link_ids() == {0, 1}
    assert report.broken() == []
    faulty = read("cfgtool-s.corosync2.upstream.txt").replace(
        "ring 1 active with no faults", "Marking ringid 1 interface 192.168.42.1 FAULTY"
    )
    assert [s.link for s in parse_cfgtool_status(faulty).broken()] == [1]


def test_cfgtool_n() -> None:
    report = parse_cfgtool_nodes(read("cfgtool-n.txt"))
    assert report.local_nodeid == 1
    assert {(s.link, s.peer) for s in report.links} == {(0, 2), (1, 2), (0, 3), (1, 3)}
    assert report.broken() == []


def test_corosync_conf() -> None:
    text = read("corosync.conf")
    parsed = conf.parse_conf(text)
    assert parsed["totem"]["cluster_name"] == "hacert-lab"
    assert len(conf.sections(parsed["totem"]["interface"])) == 2
    assert conf.node_names(parsed) == ["node1", "node2", "node3"]
    assert conf.digest(text) == conf.digest("# a comment\n" + text.replace("    ", "\t"))
    assert conf.digest(text) != conf.digest(text.replace("token: 5000", "token: 3000"))


def test_corosync_conf_unbalanced() -> None:
    with pytest.raises(UnexpectedOutput):
        conf.parse_conf("totem {\n version: 2\n")


def test_half_broken_ring_corosync31() -> None:
    for parse, name in (
        (parse_cfgtool_status, "cfgtool-s.link1-down.txt"),
        (parse_cfgtool_nodes, "cfgtool-n.link1-down.txt"),
    ):
        report = parse(read(name))
        assert [(s.link, s.peer) for s in report.broken()] == [(1, 2)], name
        assert report.link_ids() == {0, 1}

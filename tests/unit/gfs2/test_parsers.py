"""Parsers of dlm_tool, findmnt, sysfs, gfs2_edit and cmapctl output, on captured real output
(tests/data/gfs2/*, each with a .meta file naming the command, versions and host)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.corosync.cmap import parse_cmap, subtree
from hacert.errors import UnexpectedOutput
from hacert.gfs2.dlm import parse_dump_config, parse_ls, parse_status
from hacert.gfs2.journals import parse_jindex
from hacert.gfs2.probe import parse_findmnt, parse_sysfs

DATA = Path(__file__).resolve().parents[2] / "data" / "gfs2"


def data(name: str) -> str:
    meta = DATA / f"{name}.meta"
    assert meta.exists(), f"{name} has no .meta"
    assert "command:" in meta.read_text()
    return (DATA / name).read_text()


def test_dlm_tool_ls_two_members() -> None:
    [ls] = parse_ls(data("dlm_tool-ls.txt"))
    assert ls.name == "gfs0"
    assert ls.members == (1, 2)
    assert ls.id.startswith("0x")
    assert ls.change.startswith("member 2 joined 1")


def test_dlm_tool_ls_one_member() -> None:
    [ls] = parse_ls(data("dlm_tool-ls-one-member.txt"))
    assert ls.members == (1,)


def test_dlm_tool_ls_nothing() -> None:
    assert parse_ls("") == []
    assert parse_ls("dlm lockspaces\n") == []


def test_dlm_tool_ls_garbage_is_unexpected_output() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_ls("members 1 2\n")


def test_dlm_tool_status_healthy() -> None:
    status = parse_status(data("dlm_tool-status.txt"))
    assert status.nodeid == 2
    assert status.quorate is True
    assert status.fence_pid == 0
    assert status.members == [1, 2]
    assert not any(n.pending_fence for n in status.nodes.values())
    assert status.nodes[1].fields["fence"] == "0"


def test_dlm_tool_status_after_a_peer_was_fenced() -> None:
    status = parse_status(data("dlm_tool-status-peer-fenced.txt"))
    assert status.members == [1]
    peer = status.nodes[2]
    assert peer.member is False
    assert peer.pending_fence is False  # fenced after it failed
    assert (peer.fields["fail"], peer.fields["fence"]) == ("1437", "1451")
    [ls] = parse_ls(data("dlm_tool-ls-peer-fenced.txt"))
    assert ls.members == (1,)
    assert "failed 1" in ls.change


def test_dlm_tool_status_without_cluster_line_is_unexpected_output() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_status("dlm_controld is not running\n")


def test_dlm_tool_dump_config_drops_the_source() -> None:
    config = parse_dump_config(data("dlm_tool-dump_config.txt"))
    assert config["enable_fencing"] == "1"
    assert config["protocol"] == "tcp"
    assert config["foreground"] == "1"
    assert config["post_join_delay"] == "30"


def test_findmnt_json() -> None:
    [(target, source, options, devid)] = parse_findmnt(data("findmnt-gfs2.json"))
    assert (target, source, devid) == ("/mnt/gfs2", "/dev/vdb", "254:16")
    assert "noatime" in options


def test_findmnt_empty_and_bad() -> None:
    assert parse_findmnt("") == []
    with pytest.raises(UnexpectedOutput):
        parse_findmnt("not json")


def test_sysfs_lines() -> None:
    entry = parse_sysfs(data("sysfs-gfs2.txt"))["254:16"]
    assert entry.table == "hacert-labvm:gfs0"
    assert (entry.cluster_name, entry.fs_name) == ("hacert-labvm", "gfs0")
    assert entry.proto == "lock_dlm"
    assert entry.withdrawn is False


def test_gfs2_edit_jindex_two_journals() -> None:
    assert parse_jindex(data("gfs2_edit-jindex.txt")) == [0, 1]


def test_cmapctl_nodelist_names() -> None:
    values = subtree(parse_cmap(data("cmapctl-nodelist.txt")), "nodelist.node")
    assert values["0.name"] == "vm1" and values["1.nodeid"] == 2
    assert parse_cmap(data("cmapctl-cluster_name.txt"))["totem.cluster_name"] == "hacert-labvm"

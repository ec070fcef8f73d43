"""Quorum device applicability and name resolution, on real captures (tests/data/corosync)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.corosync import conf, qdevice, resolve
from hacert.corosync.cmap import parse_cmap

DATA = Path(__file__).parents[2] / "data" / "corosync"


def read(name: str) -> str:
    return (DATA / name).read_text()


@pytest.mark.parametrize(
    "name", ["cmapctl-quorum.txt", "cmapctl-config.txt", "cmapctl-quorum.device.none.txt"]
)
def test_lab_has_no_quorum_device(name: str) -> None:
    config = parse_cmap(read(name))
    assert not qdevice.configured(config)
    assert qdevice.model(config) is None


def test_quorum_keys_of_the_lab() -> None:
    assert parse_cmap(read("cmapctl-quorum.txt")) == {"quorum.provider": "corosync_votequorum"}


def test_quorum_device_keys_make_it_applicable() -> None:
    # The keys corosync.conf's quorum { device { model: net ... } } puts in cmap; no lab
    # capture exists (the lab has no quorum device).
    config = {"quorum.provider": "corosync_votequorum", "quorum.device.model": "net"}
    assert qdevice.configured(config)
    assert qdevice.model(config) == "net"


def test_qdevice_state_needs_a_state_line() -> None:
    # corosync-qdevice-tool output was never captured (no qdevice in the lab): only the
    # absence of a State: line is tested on real data (empty output).
    assert qdevice.parse_state("") is None
    assert qdevice.parse_state(read("cmapctl-quorum.txt")) is None


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("getent-ahosts.node1.txt", "10.213.0.11"),
        ("getent-ahosts.node2.txt", "10.213.0.12"),
        ("getent-ahosts.node3.txt", "10.213.0.13"),
    ],
)
def test_ahosts_addresses(name: str, address: str) -> None:
    assert resolve.parse_ahosts(read(name)) == [address]


def test_unresolvable_name_prints_nothing() -> None:
    assert resolve.parse_ahosts(read("getent-ahosts.unknown.txt")) == []
    assert "exit_status: 2" in read("getent-ahosts.unknown.txt.meta")
    assert resolve.NOT_FOUND_EXIT == 2


def test_names_to_resolve_come_from_the_nodelist() -> None:
    assert conf.node_names(conf.parse_conf(read("corosync.conf"))) == ["node1", "node2", "node3"]

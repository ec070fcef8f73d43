"""NVMe-oF parsers on captured outputs (lab VMs: nvme-cli 2.x; upstream sample: nvme-cli 1.x)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.nvmeof import parse

DATA = Path(__file__).resolve().parents[2] / "data" / "nvmeof"


def load(name: str) -> str:
    assert (DATA / f"{name}.meta").exists(), f"{name} needs a .meta file"
    return (DATA / name).read_text()


def test_nvme_cli_1x_paths_follow_their_subsystem() -> None:
    subs = parse.parse_list_subsys(json.loads(load("nvme-cli-1.x-list-subsys-os-brick.json")))
    assert [s.nqn for s in subs] == ["nqn.2016-06.io.spdk:cnode1", "nqn.2016-06.io.spdk:cnode2"]
    assert [p.name for p in subs[0].paths] == ["nvme0"]
    assert [p.name for p in subs[1].paths] == ["nvme1", "nvme2"]
    first = subs[0].paths[0]
    assert first.transport == "tcp" and first.traddr == "10.0.2.15"
    assert first.state is None and first.live  # 1.x did not report the state
    assert subs[1].paths[1].transport == "rdma"


def test_ana_without_optimized_path_is_a_problem() -> None:
    subs = parse.parse_list_subsys(json.loads(load("nvme-cli-1.x-list-subsys-os-brick.json")))
    assert subs[0].ana_groups_problems()  # no ANAState reported at all


def test_empty_and_garbage() -> None:
    assert parse.parse_list_subsys([]) == []
    assert parse.parse_list_subsys({}) == []
    with pytest.raises(UnexpectedOutput):
        parse.parse_list_subsys({"Devices": []})


def test_no_nvmet() -> None:
    assert parse.parse_target("NO_NVMET\n") is None


def test_nvme_cli_23_host_array() -> None:
    data = json.loads(load("nvme-cli-2.3-list-subsys-connected.json"))
    assert isinstance(data, list) and "HostNQN" in data[0]
    (sub,) = parse.parse_list_subsys(data)
    assert sub.nqn == "nqn.2026-11.org.hacert.lab:nvme1" and sub.name == "nvme-subsys0"
    (path,) = sub.paths
    assert path.state == "live" and path.live and path.transport == "tcp"
    assert path.traddr == "10.213.0.31" and path.ana_state is None


def test_nvmet_target() -> None:
    subs = parse.parse_target(load("nvmet-target-vm1.txt"))
    assert subs is not None
    sub = subs["nqn.2026-11.org.hacert.lab:nvme1"]
    assert sub.allow_any_host and sub.hosts == []
    assert sub.namespaces == {1: (True, "/var/lib/hacert/nvme/ns1.img")}
    assert sub.ports == ["tcp:10.213.0.31:4420"]

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

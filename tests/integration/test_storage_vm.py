"""The iSCSI and NVMe-oF checks and fio safety on the lab's VM tier (cluster labvm).

vm1 exports iqn.2026-11.org.hacert.lab:disk1 and nqn.2026-11.org.hacert.lab:nvme1; vm2 is
logged in / connected. Each fault is undone and the state compared with the one before.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hacert.cluster import Cluster
from hacert.inventory import load_inventory
from hacert.iscsi import faults as iscsi_faults
from hacert.iscsi import state as iscsi_state
from hacert.nvmeof import faults as nvme_faults
from hacert.nvmeof import state as nvme_state
from tests.integration.conftest import LAB_INVENTORY, ROOT, outcomes, run_suite

pytestmark = [pytest.mark.lab, pytest.mark.slow]
IQN = "iqn.2026-11.org.hacert.lab:disk1"
NQN = "nqn.2026-11.org.hacert.lab:nvme1"
PORTAL = "10.213.0.31:3260"


@pytest.fixture(scope="module")
def labvm() -> Iterator[Cluster]:
    probe = subprocess.run(
        [
            "bash",
            "-c",
            "source lab/ceph/common.sh; lab_ssh 10.213.0.32 true && lab_ssh 10.213.0.31 true",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    if probe.returncode != 0:
        pytest.skip("the lab's VM tier is not running (python3 -m lab up --tier vm)")
    inventory = load_inventory(LAB_INVENTORY)
    yield Cluster(inventory.cluster("labvm"), inventory, base=LAB_INVENTORY.parent)


def _by_id(tmp_path: Path, *args: str) -> dict[str, set[str]]:
    run, document = run_suite(tmp_path, *args, "--cluster", "labvm", "-p", "no:randomly")
    assert document, run.stdout[-3000:] + run.stderr[-3000:]
    by_id: dict[str, set[str]] = {}
    for (check_id, _c, _h), outcome in outcomes(document).items():
        by_id.setdefault(check_id, set()).add(outcome)
    return by_id


def _failed(by_id: dict[str, set[str]]) -> set[str]:
    return {c for c, o in by_id.items() if "failed" in o or "broken" in o}


def test_iscsi_and_nvmeof_suites_pass(labvm: Cluster, tmp_path: Path) -> None:
    by_id = _by_id(tmp_path, "suites/iscsi", "suites/nvmeof")
    assert not _failed(by_id), by_id
    for check_id in (
        "ISCSI-001",
        "ISCSI-002",
        "ISCSI-003",
        "ISCSI-004",
        "ISCSI-005",
        "NVMEOF-001",
        "NVMEOF-002",
        "NVMEOF-003",
    ):
        assert "passed" in by_id[check_id], (check_id, by_id.get(check_id))


def test_logged_out_session_fails_iscsi_004(labvm: Cluster, tmp_path: Path) -> None:
    before = iscsi_state.snapshot(labvm)
    with iscsi_faults.logged_out(labvm.node("vm2"), IQN, PORTAL):
        by_id = _by_id(tmp_path, "suites/iscsi")
    assert iscsi_state.snapshot(labvm) == before
    assert "failed" in by_id["ISCSI-004"]
    assert _failed(by_id) <= {"ISCSI-004", "ISCSI-005"}, by_id


def test_disconnected_controller_fails_nvmeof_003(labvm: Cluster, tmp_path: Path) -> None:
    before = nvme_state.snapshot(labvm)
    with nvme_faults.disconnected(
        labvm.node("vm2"), NQN, transport="tcp", address="10.213.0.31", service="4420"
    ):
        by_id = _by_id(tmp_path, "suites/nvmeof")
    assert nvme_state.snapshot(labvm) == before
    assert "failed" in by_id["NVMEOF-003"]
    assert _failed(by_id) <= {"NVMEOF-003"}, by_id


def test_fio_refuses_the_root_disk(labvm: Cluster, tmp_path: Path) -> None:
    """vm2's /dev/vda holds the root filesystem: ISCSI-101 must refuse to write to it."""
    data = yaml.safe_load(LAB_INVENTORY.read_text())
    cluster = next(c for c in data["clusters"] if c["name"] == "labvm")
    cluster["expect"]["iscsi"]["fio_devices"] = ["/dev/vda"]
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(data))
    _run, document = run_suite(
        tmp_path,
        "suites/storage_perf",
        "--inventory",
        str(inventory),
        "--cluster",
        "labvm",
        "-k",
        "test_fio_iscsi and seq-write",
        "--perf-store",
        str(tmp_path / "perf.db"),
    )
    checks = [c for c in document["checks"] if c["check_id"] == "ISCSI-101"]
    assert checks and all(c["outcome"] == "skipped" for c in checks), checks
    message = checks[0]["message"]
    assert "refused: /dev/vda is not named as a scratch target" in message, message

"""The GFS2/DLM suite passes on the lab's VM tier and catches what it claims to.

Each break runs the suite in a subprocess (results JSON) and asserts the right check id
fails, then restores the lab and compares `hacert.gfs2.state.snapshot` with before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from hacert.cluster import Cluster
from hacert.gfs2 import faults, state
from hacert.inventory import load_inventory

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventory" / "lab.yaml"
SMALL_DEVICE = "/dev/disk/by-id/virtio-hacert-shared2"
SMALL_MOUNT = "/mnt/gfs2-small"


def run_suite(tmp_path: Path, *args: str, inventory: Path = INVENTORY) -> list[dict[str, Any]]:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "suites/gfs2",
            "--inventory",
            str(inventory),
            "--cluster",
            "labvm",
            "--results-json",
            str(results),
            f"--alluredir={tmp_path / 'allure'}",
            f"--junitxml={tmp_path / 'junit.xml'}",
            "-q",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert results.exists(), done.stdout[-3000:] + done.stderr[-2000:]
    checks: list[dict[str, Any]] = json.loads(results.read_text())["checks"]
    return checks


def outcome(checks: list[dict[str, Any]], check_id: str, host: str | None = None) -> set[str]:
    return {
        c["outcome"]
        for c in checks
        if c["check_id"] == check_id and (host is None or c.get("host") == host)
    }


@pytest.fixture(scope="module")
def labvm() -> Cluster:
    inventory = load_inventory(INVENTORY)
    return Cluster(inventory.cluster("labvm"), inventory, base=INVENTORY.parent)


@pytest.fixture
def unchanged(labvm: Cluster) -> Iterator[None]:
    before = state.snapshot(labvm)
    yield
    after = faults.wait_until(
        "the lab's GFS2 state to be restored",
        lambda: not before.differences(state.snapshot(labvm)),
        180,
        3,
    )
    assert after >= 0


def test_suite_passes_on_the_lab(tmp_path: Path, unchanged: None) -> None:
    checks = run_suite(tmp_path)
    bad = [
        (c["check_id"], c.get("host"), c["outcome"], c.get("message", "")[:300])
        for c in checks
        if c["outcome"] not in ("passed", "skipped")
    ]
    assert not bad, bad
    passed = {c["check_id"] for c in checks if c["outcome"] == "passed"}
    assert {
        "GFS2-001",
        "GFS2-002",
        "GFS2-003",
        "GFS2-004",
        "GFS2-005",
        "DLM-001",
        "DLM-002",
        "DLM-003",
        "DLM-004",
        "GFS2-010",
        "GFS2-011",
        "GFS2-012",
        "GFS2-013",
    } <= passed


def test_unmounted_on_one_node_fails_gfs2_001(
    tmp_path: Path, labvm: Cluster, unchanged: None
) -> None:
    vm2 = labvm.node("vm2")
    with faults.unmounted(vm2, "/mnt/gfs2"):
        checks = run_suite(tmp_path, "-k", "not locking")
    assert outcome(checks, "GFS2-001", "vm2") == {"failed"}
    assert outcome(checks, "GFS2-001", "vm1") == {"passed"}
    assert outcome(checks, "DLM-002", "vm1") == {"failed"}  # vm2 left the lockspace


def test_too_few_journals_fails_gfs2_003(tmp_path: Path, labvm: Cluster, unchanged: None) -> None:
    vm1 = labvm.node("vm1")
    faults.mkfs(vm1, SMALL_DEVICE, "hacert-labvm:small", journals=1)
    vm1.run(["mkdir", "-p", SMALL_MOUNT], check=True)
    vm1.run(
        ["mount", "-t", "gfs2", "-o", "noatime", SMALL_DEVICE, SMALL_MOUNT], timeout=300, check=True
    )
    try:
        document = yaml.safe_load(INVENTORY.read_text())
        labvm_spec = next(c for c in document["clusters"] if c["name"] == "labvm")
        labvm_spec["expect"]["gfs2"]["filesystems"].append(
            {
                "name": "small",
                "mountpoint": SMALL_MOUNT,
                "device": SMALL_DEVICE,
                "nodes": ["vm1", "vm2"],
                "mount_options": ["noatime"],
            }
        )
        inventory = tmp_path / "inventory.yaml"
        inventory.write_text(yaml.safe_dump(document))
        checks = run_suite(tmp_path, "-k", "journals", inventory=inventory)
    finally:
        vm1.run(["umount", SMALL_MOUNT], timeout=300, check=True)
        vm1.run(["rmdir", SMALL_MOUNT])
        vm1.run(["wipefs", "-a", "-q", SMALL_DEVICE], timeout=60, check=True)
    journal = [c for c in checks if c["check_id"] == "GFS2-003"]
    assert [c["outcome"] for c in journal] == ["failed"]
    assert "small" in journal[0].get("message", "") and "1 journal" in journal[0]["message"]

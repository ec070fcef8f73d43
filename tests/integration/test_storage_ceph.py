"""The Ceph/RBD checks and the fio safety on the lab's Ceph tier (marker ``lab``).

Each fault case breaks the Ceph tier one way, runs the read-only Ceph suite in a
subprocess, asserts the right check ids fail, restores, and proves the state is as before.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hacert.ceph import faults, state
from hacert.cluster import Cluster
from hacert.inventory import load_inventory
from tests.integration.conftest import LAB_INVENTORY, ROOT, outcomes, run_suite

pytestmark = [pytest.mark.lab, pytest.mark.slow]


@pytest.fixture(scope="module")
def ceph_cluster() -> Iterator[Cluster]:
    """The lab's Ceph tier, brought up (idempotently) by lab/ceph/up.sh."""
    probe = subprocess.run(
        ["bash", "-c", "source lab/ceph/common.sh; lab_ssh $CEPH_HOST true"],
        cwd=ROOT,
        capture_output=True,
        timeout=30,
    )
    if probe.returncode != 0:
        pytest.skip("the lab's ceph1 host is not running (python3 -m lab up --tier ceph)")
    up = subprocess.run(
        ["bash", "lab/ceph/up.sh"], cwd=ROOT, capture_output=True, text=True, timeout=400
    )
    assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
    inventory = load_inventory(LAB_INVENTORY)
    yield Cluster(inventory.cluster("lab"), inventory, base=LAB_INVENTORY.parent)


def _ceph_outcomes(tmp_path: Path, *extra: str) -> dict[str, set[str]]:
    run, document = run_suite(
        tmp_path, "suites/ceph", "--cluster", "lab", "-p", "no:randomly", *extra
    )
    assert document, run.stdout[-3000:] + run.stderr[-3000:]
    by_id: dict[str, set[str]] = {}
    for (check_id, _cluster, _host), outcome in outcomes(document).items():
        by_id.setdefault(check_id, set()).add(outcome)
    return by_id


def _failed(by_id: dict[str, set[str]]) -> set[str]:
    return {c for c, o in by_id.items() if "failed" in o or "broken" in o}


def test_ceph_suite_passes_on_the_lab(ceph_cluster: Cluster, tmp_path: Path) -> None:
    by_id = _ceph_outcomes(tmp_path)
    assert not _failed(by_id), by_id
    for check_id in (
        "CEPH-001",
        "CEPH-002",
        "CEPH-003",
        "CEPH-004",
        "CEPH-005",
        "CEPH-006",
        "CEPH-007",
        "CEPH-008",
        "CEPH-009",
        "CEPH-010",
        "RBD-001",
    ):
        assert "passed" in by_id[check_id], (check_id, by_id.get(check_id))


def test_stopped_osd_fails_ceph_003(ceph_cluster: Cluster, tmp_path: Path) -> None:
    before = state.snapshot(ceph_cluster)
    with faults.osd_stopped(ceph_cluster, 2):
        by_id = _ceph_outcomes(tmp_path)
    after = state.snapshot(ceph_cluster)
    assert "failed" in by_id["CEPH-003"]
    assert "failed" in by_id["CEPH-001"]  # OSD_DOWN among the health checks
    assert _failed(by_id) <= {"CEPH-001", "CEPH-003", "CEPH-004"}, by_id
    assert after == before


def test_size_one_pool_fails_ceph_006(ceph_cluster: Cluster, tmp_path: Path) -> None:
    before = state.snapshot(ceph_cluster)
    with faults.size_one_pool(ceph_cluster):
        by_id = _ceph_outcomes(tmp_path)
    after = state.snapshot(ceph_cluster)
    assert "failed" in by_id["CEPH-006"]
    assert _failed(by_id) <= {"CEPH-001", "CEPH-004", "CEPH-006"}, by_id
    assert after == before


def test_fio_refuses_an_image_that_is_not_scratch(ceph_cluster: Cluster, tmp_path: Path) -> None:
    """rbd/hacert-other is not a scratch image: RBD-101 must refuse before fio writes."""
    node = ceph_cluster.node("ceph1")
    node.output(
        "rbd info rbd/hacert-other >/dev/null 2>&1 || rbd create rbd/hacert-other --size 64M"
    )
    data = yaml.safe_load(LAB_INVENTORY.read_text())
    lab = next(c for c in data["clusters"] if c["name"] == "lab")
    lab["expect"]["ceph"]["fio_images"] = ["rbd/hacert-other"]
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(data))
    try:
        _run, document = run_suite(
            tmp_path,
            "suites/storage_perf",
            "--inventory",
            str(inventory),
            "--cluster",
            "lab",
            "-k",
            "test_fio_rbd and seq-write",
            "--perf-store",
            str(tmp_path / "perf.db"),
        )
        checks = [c for c in document["checks"] if c["check_id"] == "RBD-101"]
        assert checks and all(c["outcome"] == "skipped" for c in checks), checks
        assert "refused: RBD image rbd/hacert-other is not a scratch image" in checks[0]["message"]
        used = node.output("rbd du rbd/hacert-other --format json")
        assert '"used_size":0' in used.replace(" ", ""), used
    finally:
        node.run("rbd rm rbd/hacert-other >/dev/null 2>&1")


def test_fio_rbd_runs_and_records(ceph_cluster: Cluster, tmp_path: Path) -> None:
    run, document = run_suite(
        tmp_path,
        "suites/storage_perf",
        "--cluster",
        "lab",
        "-k",
        "test_fio_rbd and rand-read",
        "--perf-store",
        str(tmp_path / "perf.db"),
    )
    checks = [c for c in document["checks"] if c["check_id"] == "RBD-101"]
    assert checks and all(c["outcome"] == "passed" for c in checks), (checks, run.stdout[-2000:])
    assert (tmp_path / "perf.db").exists()


def test_lab_up_rebuilds_a_ceph_tier_that_does_not_come_back(
    ceph_cluster: Cluster, tmp_path: Path
) -> None:
    """What CI once met on a lab left over from a killed session: every Ceph daemon dies at
    once and osd.2's store no longer mounts. `lab up` must say so and rebuild, not wait on it."""
    node = ceph_cluster.node("ceph1")
    node.output(
        "pkill -9 -x ceph-osd; pkill -9 -x ceph-mgr; pkill -9 -x ceph-mon; "
        "dd if=/dev/zero of=/var/lib/ceph/osd/ceph-2/block bs=1M count=4 conv=notrunc status=none",
        timeout=30,
    )
    up = subprocess.run(
        ["bash", "lab/ceph/up.sh"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    shown = up.stdout[-3000:] + up.stderr[-2000:]
    assert up.returncode == 0, shown
    assert "osd.2 not active" in up.stdout, shown
    assert "rebuilding the Ceph tier from scratch" in up.stdout, shown
    assert not _failed(_ceph_outcomes(tmp_path)), shown

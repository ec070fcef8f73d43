"""Faults are journaled, restored on the way out (even on SIGTERM), and leftovers restored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hacert.cluster import Cluster
from hacert.faults import FaultJournal, RestoreFailed, injected, restore_leftovers
from hacert.inventory import load_inventory
from tests.conftest import LoopbackSshd

ROOT = Path(__file__).resolve().parents[2]


def loopback_inventory(tmp_path: Path, sshd: LoopbackSshd) -> Path:
    path = tmp_path / "loop.yaml"
    path.write_text(
        f"clusters:\n  - name: loop\n    environment: lab\n    hosts:\n"
        f"      - name: loop1\n        address: 127.0.0.1\n        port: {sshd.port}\n"
        f"        key_file: {sshd.key_file}\n"
        f"defaults:\n  known_hosts: {sshd.known_hosts}\n"
    )
    return path


def loop_cluster(tmp_path: Path, sshd: LoopbackSshd) -> Cluster:
    inventory = load_inventory(loopback_inventory(tmp_path, sshd))
    return Cluster(inventory.clusters[0], inventory)


def test_fault_is_restored_when_the_block_fails(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    cluster = loop_cluster(tmp_path, loopback_sshd)
    journal = FaultJournal(tmp_path / "journal.json")
    marker = tmp_path / "fault"
    node = cluster.nodes[0]
    with pytest.raises(KeyboardInterrupt):
        with injected(cluster, "marker", node=node, restore=f"rm -f {marker}", journal=journal):
            node.run(["touch", str(marker)])
            assert journal.entries()
            raise KeyboardInterrupt
    assert not marker.exists()
    assert journal.entries() == []


def test_failed_restore_is_loud_and_stays_journaled(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    cluster = loop_cluster(tmp_path, loopback_sshd)
    journal = FaultJournal(tmp_path / "journal.json")
    with pytest.raises(RestoreFailed, match="restore it by hand"):
        with injected(cluster, "x", node=cluster.nodes[0], restore="exit 3", journal=journal):
            pass
    assert len(journal.entries()) == 1


def _run_sleeper(tmp_path: Path, sshd: LoopbackSshd, marker: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "HACERT_TEST_MARKER": str(marker),
        "HACERT_FAULT_JOURNAL": str(tmp_path / "journal.json"),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/data/suites/fault_sleeper.py",
            "-p",
            "no:xdist",
            "--inventory",
            str(loopback_inventory(tmp_path, sshd)),
            f"--alluredir={tmp_path / 'allure'}",
            f"--junitxml={tmp_path / 'j.xml'}",
            f"--results-json={tmp_path / 'r.json'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_killed_midway_restores_on_the_way_out(
    tmp_path: Path, loopback_sshd: LoopbackSshd, signum: int
) -> None:
    marker = tmp_path / "fault-active"
    process = _run_sleeper(tmp_path, loopback_sshd, marker)
    _wait_for(marker, 30)
    process.send_signal(signum)
    output, _ = process.communicate(timeout=60)
    assert not marker.exists(), output
    assert json.loads((tmp_path / "journal.json").read_text()) == []


def test_next_run_restores_a_fault_left_by_a_killed_run(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    marker = tmp_path / "fault-active"
    process = _run_sleeper(tmp_path, loopback_sshd, marker)
    _wait_for(marker, 30)
    process.kill()
    process.communicate(timeout=30)
    assert marker.exists(), "SIGKILL leaves the fault in place"
    journal = FaultJournal(tmp_path / "journal.json")
    assert len(journal.entries()) == 1
    done = restore_leftovers({"loop": loop_cluster(tmp_path, loopback_sshd)}, journal)
    assert done == ["test marker file on loop/loop1"]
    assert not marker.exists()
    assert journal.entries() == []


def test_a_live_run_s_faults_are_not_restored_by_another_run(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    cluster = loop_cluster(tmp_path, loopback_sshd)
    journal = FaultJournal(tmp_path / "journal.json")
    marker = tmp_path / "live-fault"
    with injected(
        cluster, "live", node=cluster.nodes[0], restore=f"rm -f {marker}", journal=journal
    ):
        cluster.nodes[0].run(["touch", str(marker)])
        assert restore_leftovers({"loop": cluster}, journal) == []
        assert marker.exists(), "the fault of a run that is still going must stay"
    assert not marker.exists()

"""The lab's VM tier (lab/vm): two Debian-kernel VMs with GFS2, iSCSI, NVMe/TCP, a bond."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hacert.cluster import Cluster, Node
from hacert.gfs2 import probe
from hacert.inventory import load_inventory

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
VM_DIR = ROOT / "lab" / "vm"
STATE = Path("/var/lib/hacert-lab/vm")
MAX_RSS_MIB = 1536


@pytest.fixture(scope="module")
def labvm() -> Cluster:
    status = subprocess.run(
        ["bash", str(VM_DIR / "status.sh")], capture_output=True, text=True, timeout=300
    )
    if status.returncode != 0:
        pytest.fail(f"VM tier not up (run `python3 -m lab up --tier vm`):\n{status.stdout}")
    inventory = load_inventory(ROOT / "inventory" / "lab.yaml")
    return Cluster(inventory.cluster("labvm"), inventory, base=ROOT / "inventory")


def vm(cluster: Cluster, name: str) -> Node:
    return cluster.node(name)


def test_vms_answer_with_their_names(labvm: Cluster) -> None:
    for node in labvm.nodes:
        assert node.output("hostname", timeout=60).strip() == node.name


def test_qemu_runs_tcg_within_memory_budget() -> None:
    for name in ("vm1", "vm2"):
        pid = (STATE / name / "qemu.pid").read_text().strip()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"tcg,tb-size=256" in cmdline
        rss_kib = next(
            int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
        assert rss_kib / 1024 <= MAX_RSS_MIB, f"{name}: qemu RSS {rss_kib // 1024} MiB"


def test_corosync_two_nodes_quorate(labvm: Cluster) -> None:
    for node in labvm.nodes:
        out = node.output("corosync-quorumtool -s", timeout=60)
        assert "Quorate:          Yes" in out
        assert "2Node" in out
        assert probe.cluster_name(node) == "hacert-labvm"


def test_bond_active_backup_over_two_links(labvm: Cluster) -> None:
    for node in labvm.nodes:
        text = node.output("cat /proc/net/bonding/bond0", timeout=60)
        assert "active-backup" in text
        assert text.count("Slave Interface:") == 2
        index = node.name[-1]
        assert f"10.213.3.3{index}/24" in node.output("ip -4 -o addr show bond0", timeout=60)


def test_gfs2_mounted_on_both_vms(labvm: Cluster) -> None:
    for node in labvm.nodes:
        mount = probe.mount_at(node, "/mnt/gfs2")
        assert mount is not None, node.name
        assert mount.sysfs is not None
        assert mount.sysfs.table == "hacert-labvm:gfs0"
        assert mount.sysfs.proto == "lock_dlm"
        assert mount.option("noatime") == ""
        assert probe.journals(node, "/dev/disk/by-id/virtio-hacert-shared") >= 2


def test_iscsi_target_and_session(labvm: Cluster) -> None:
    vm1, vm2 = vm(labvm, "vm1"), vm(labvm, "vm2")
    assert vm1.exists("/sys/kernel/config/target/iscsi/iqn.2026-11.org.hacert.lab:disk1")
    sessions = vm2.output("iscsiadm -m session", timeout=60)
    assert "10.213.0.31:3260" in sessions
    assert "iqn.2026-11.org.hacert.lab:disk1" in sessions
    disks = vm2.output("ls /dev/disk/by-path/", timeout=60)
    assert "iscsi-iqn.2026-11.org.hacert.lab:disk1-lun-0" in disks
    assert (
        vm2.output("cat /etc/iscsi/initiatorname.iscsi")
        .strip()
        .endswith("iqn.2026-11.org.hacert.lab:vm2")
    )


def test_nvme_tcp_namespace_on_vm2(labvm: Cluster) -> None:
    vm2 = vm(labvm, "vm2")
    subsys = vm2.run_json("nvme list-subsys -o json", timeout=60)
    text = str(subsys)
    assert "nqn.2026-11.org.hacert.lab:nvme1" in text
    assert "tcp" in text and "10.213.0.31" in text
    assert vm2.run("ls /dev/nvme*n1", timeout=60).ok


def test_power_scripts_and_fence_agent_present(labvm: Cluster) -> None:
    for name in ("vm1", "vm2"):
        for action in ("on", "off", "status"):
            assert (Path("/var/lib/hacert-lab/power") / name / action).exists()
        out = subprocess.run(
            [f"/var/lib/hacert-lab/power/{name}/status"], capture_output=True, text=True, timeout=30
        )
        assert out.stdout.strip() == "on"
    for node in labvm.nodes:
        listed = node.run("/usr/local/sbin/fence_hacert_vm --action=list", timeout=60)
        assert listed.ok and "vm1" in listed.stdout and "vm2" in listed.stdout

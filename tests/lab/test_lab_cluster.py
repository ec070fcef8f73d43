"""The lab's hosts, corosync, pacemaker and power switch, checked from the lab machine."""

from __future__ import annotations

import socket
import time

import pytest

from .conftest import ADDR, NODES, STATE, Lab, lab_cli

pytestmark = pytest.mark.lab

EXPECTED = {"fence-hacert", "dummy1", "vip", "web", "vm1", "ping"}


def test_every_host_answers_ssh_with_its_own_name_and_host_key(healthy_lab: Lab) -> None:
    keys = set()
    for host in ADDR:
        assert healthy_lab.ssh(host, "hostname").stdout.strip() == host
        keys.add(healthy_lab.ssh(host, "cat /etc/ssh/ssh_host_ed25519_key.pub").stdout.split()[1])
    assert len(keys) == len(ADDR), "hosts share SSH host keys"


def test_users_hacert_nopasswd_sudo_and_hacertpw_needs_password(healthy_lab: Lab) -> None:
    assert healthy_lab.ssh("node1", "sudo -n id -u", user="hacert").stdout.strip() == "0"
    cp = healthy_lab.ssh("node1", "sudo -n true", user="hacertpw", check=False)
    assert cp.returncode == 1 and "password" in cp.stderr


def test_corosync_is_quorate_with_three_members_on_two_links(healthy_lab: Lab) -> None:
    for node in NODES:
        assert healthy_lab.ssh(node, "corosync-quorumtool -s", check=False).returncode == 0
        members = healthy_lab.ssh(node, "corosync-cmapctl -b runtime.members").stdout
        assert members.count("status (str) = joined") == 3
        links = healthy_lab.ssh(node, "corosync-cfgtool -s").stdout
        assert "LINK ID 0" in links and "LINK ID 1" in links
        assert "disconnected" not in links
    conf = healthy_lab.ssh("node1", "corosync-cmapctl totem.crypto_cipher totem.crypto_hash").stdout
    assert "aes256" in conf and "sha256" in conf
    assert healthy_lab.ssh("node1", "stat -c %a /etc/corosync/authkey").stdout.strip() == "400"


def test_pacemaker_has_a_dc_and_every_resource_started(healthy_lab: Lab) -> None:
    root = healthy_lab.crm_mon()
    dc = root.find("summary/current_dc")
    assert dc is not None and dc.get("present") == "true" and dc.get("with_quorum") == "true"
    online = {n.get("name") for n in root.iterfind("nodes/node") if n.get("online") == "true"}
    assert online == set(NODES)
    started = {
        r.get("id", "").split(":")[0] for r in root.iter("resource") if r.get("role") == "Started"
    }
    assert started >= EXPECTED
    assert not [r.get("id") for r in root.iter("resource") if r.get("failed") == "true"]
    assert healthy_lab.resource_nodes("web") == healthy_lab.resource_nodes("vip")
    props = healthy_lab.ssh("node1", "crm_attribute -t crm_config -n stonith-enabled -G -q").stdout
    assert props.strip() == "true"
    assert "Cluster name: hacert-lab" in healthy_lab.ssh("node1", "pcs status", timeout=60).stdout


def test_power_switch_tcp_needs_the_token(healthy_lab: Lab) -> None:
    token = (STATE / "power" / "token").read_text().strip()

    def ask(line: str) -> str:
        with socket.create_connection(("10.213.0.1", 7410), timeout=10) as s:
            s.sendall(line.encode() + b"\n")
            return s.makefile().readline().strip()

    assert ask("status node2").startswith("error")
    assert ask("wrong-token status node2").startswith("error")
    assert ask(f"{token} status node2") == "ok on"


def test_fence_powers_a_node_off_and_it_comes_back_and_rejoins(healthy_lab: Lab) -> None:
    victim, fencer = "node3", "node1"
    pid1_start = healthy_lab.ssh(victim, "stat -c %Z /proc/1").stdout.strip()
    t0, wall0 = time.monotonic(), time.time()
    cp = healthy_lab.ssh(
        fencer, f"stonith_admin --reboot {victim} --timeout 90", timeout=120, check=False
    )
    fenced_in = time.monotonic() - t0
    assert cp.returncode == 0, cp.stderr
    # the switch powers the node on again 10 s after the off, which can be before
    # stonith_admin returns (pacemaker waits for corosync to drop the node): check the
    # switch's record of the power-off instead of the current power state
    off_at = float((STATE / "run" / f"{victim}.off-at").read_text())
    assert wall0 <= off_at <= time.time(), "the fence did not power the node off"
    history = healthy_lab.ssh(fencer, f"stonith_admin --history {victim} --output-as=xml").stdout
    assert 'status="success"' in history
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        root = healthy_lab.crm_mon_any(exclude=(victim,))
        online = {n.get("name") for n in root.iterfind("nodes/node") if n.get("online") == "true"}
        if victim in online:
            break
        time.sleep(2)
    else:
        raise AssertionError(f"{victim} did not rejoin within 120 s")
    rejoined_in = time.monotonic() - t0
    assert healthy_lab.ssh(victim, "stat -c %Z /proc/1").stdout.strip() != pid1_start
    cp2 = lab_cli("wait-healthy", "--timeout", "120", timeout=180)
    assert cp2.returncode == 0, cp2.stdout[-2000:]
    print(f"fence returned in {fenced_in:.1f}s; node rejoined {rejoined_in:.1f}s after the fence")

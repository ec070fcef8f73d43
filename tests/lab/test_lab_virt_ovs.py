"""vm1 live migration with virsh, and the OVS bonds between node1 and node2."""

from __future__ import annotations

import re
import time

import pytest

from .conftest import ADDR, NODES, Lab, wait_until

pytestmark = pytest.mark.lab

SERIAL = "/var/log/hacert/vm1-serial.log"


def last_tick(lab: Lab, node: str) -> int:
    out = lab.ssh(node, f"tail -n 5 {SERIAL}").stdout
    ticks = [int(t) for t in re.findall(r"tick (\d+)", out)]
    return ticks[-1] if ticks else 0


def migrate(lab: Lab, src: str, dst: str) -> float:
    t0 = time.monotonic()
    lab.ssh(
        src,
        f"virsh migrate --live vm1 qemu+ssh://{dst}/system --migrateuri tcp://{ADDR[dst]}",
        timeout=120,
    )
    return time.monotonic() - t0


def test_vm1_live_migrates_with_virsh_and_its_counter_continues(healthy_lab: Lab) -> None:
    lab = healthy_lab
    src = lab.resource_nodes("vm1")[0]
    dst = next(n for n in NODES if n != src)
    wait_until("vm1 ticking", lambda: last_tick(lab, src) > 0, 60)
    # pacemaker must not react while virsh moves the domain behind its back
    lab.ssh(
        "node1",
        "crm_resource --resource vm1 --set-parameter is-managed --meta --parameter-value false",
    )
    try:
        tick_before = last_tick(lab, src)
        t0 = time.monotonic()
        took = migrate(lab, src, dst)
        assert lab.ssh(dst, "virsh domstate vm1").stdout.strip() == "running"
        assert lab.ssh(src, "virsh domstate vm1", check=False).stdout.strip() != "running"
        # dst's serial log is appended to, so it may end with ticks of an older boot there; a
        # migrated guest soon prints a tick above tick_before, a restarted one counts from 1 again
        wait_until("vm1 ticking on after migration", lambda: last_tick(lab, dst) > tick_before, 30)
        tick_after = last_tick(lab, dst)
        elapsed = time.monotonic() - t0
        assert tick_after <= tick_before + elapsed + 3, (tick_before, tick_after)
        print(f"virsh migrate {src}->{dst} took {took:.2f}s; ticks {tick_before} -> {tick_after}")
        migrate(lab, dst, src)
        assert lab.ssh(src, "virsh domstate vm1").stdout.strip() == "running"
        assert last_tick(lab, src) >= tick_after
    finally:
        # re-probe every node (cleanup would only forget failures), then hand vm1 back
        lab.try_ssh("node1", "crm_resource --refresh --resource vm1")
        time.sleep(3)
        lab.try_ssh("node1", "crm_resource --resource vm1 --delete-parameter is-managed --meta")
    wait_until(
        "vm1 started on exactly one node",
        lambda: (
            len(lab.resource_nodes("vm1")) == 1
            and sum(lab.ssh(n, "virsh list --name").stdout.split().count("vm1") for n in NODES) == 1
        ),
        60,
        2,
    )


def bond_members(lab: Lab, host: str, bond: str) -> dict[str, str]:
    out = lab.ssh(host, f"ovs-appctl bond/show {bond}").stdout
    return dict(re.findall(r"^(?:member|slave) (\S+): (\w+)", out, re.M))


def active_member(lab: Lab, host: str, bond: str) -> str | None:
    out = lab.ssh(host, f"ovs-appctl bond/show {bond}").stdout
    m = re.search(r"active (?:member|slave) mac: \S+\((\S+)\)", out)
    return m.group(1) if m else None


@pytest.mark.parametrize(("bond", "peer"), [("bond0", "10.213.2.2"), ("bond1", "10.213.3.2")])
def test_ovs_bond_has_two_enabled_members_and_survives_losing_one(
    healthy_lab: Lab, bond: str, peer: str
) -> None:
    lab = healthy_lab
    for host in ("node1", "node2"):
        assert (
            bond_members(lab, host, bond)
            == {
                "bond0": {"cab0": "enabled", "cab1": "enabled"},
                "bond1": {"cab2": "enabled", "cab3": "enabled"},
            }[bond]
        )
    lab.ssh("node1", f"ping -c 3 -i 0.2 -W 2 {peer}")
    members = sorted(bond_members(lab, "node1", bond))
    cut = active_member(lab, "node1", bond) or members[0]
    try:
        lab.ssh("node1", f"ip link set {cut} down")
        wait_until(
            f"{cut} disabled", lambda: bond_members(lab, "node1", bond)[cut] == "disabled", 10, 0.2
        )
        if bond == "bond0":
            assert active_member(lab, "node1", bond) != cut
        cp = lab.ssh("node1", f"ping -c 20 -i 0.1 -W 1 {peer}", check=False)
        loss = re.search(r"(\d+)% packet loss", cp.stdout)
        assert loss and int(loss.group(1)) <= 10, cp.stdout
    finally:
        lab.ssh("node1", f"ip link set {cut} up")
    wait_until(
        "both members enabled again",
        lambda: set(bond_members(lab, "node1", bond).values()) == {"enabled"},
        15,
        0.3,
    )
    lab.ssh("node1", f"ping -c 3 -i 0.2 -W 2 {peer}")

"""Changes the destructive virt checks make, each undone in a `finally`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hacert import shell
from hacert.cluster import Cluster, Node
from hacert.errors import UnexpectedOutput
from hacert.virt import guest as guestmod
from hacert.virt import probes
from hacert.virt.expect import ScratchGuest
from hacert.virt.migration import SerialConsole
from hacert.virt.probes import VIRSH
from hacert.wait import poll


def remove_everywhere(nodes: list[Node], name: str, serial_log: str | None = None) -> list[str]:
    """Destroys/undefines `name` on every node; returns where it was found."""
    found = []
    for node in nodes:
        state = probes.domstate(node, name)
        if state is not None:
            found.append(f"{node.name} ({state})")
            if state != "shut off":
                node.run([*VIRSH, "destroy", name], timeout=30)
            if probes.domstate(node, name) is not None:
                node.run([*VIRSH, "undefine", name], timeout=30)
        if serial_log:
            node.run(["rm", "-f", serial_log], timeout=10)
    return found


@contextmanager
def test_guest(
    cluster: Cluster, node: Node, guest: ScratchGuest, hosts: list[Node] | None = None
) -> Iterator[SerialConsole]:
    """A transient guest started on `node`, printing ticks; destroyed on `hosts` afterwards."""
    hypervisors = hosts if hosts is not None else cluster.nodes_with("hypervisor")
    log = guestmod.serial_log(guest)
    remove_everywhere(hypervisors, guest.name, log)
    for each in hypervisors:
        each.run(["mkdir", "-p", guest.serial_log_dir], timeout=10, check=True)
    xml = guestmod.domain_xml(guest, kvm=cluster.platform.kvm)
    path = f"/tmp/hacert-{guest.name}.xml"
    node.run(f"cat > {shell.quote(path)}", stdin=xml, check=True)
    console = SerialConsole(log, guest.tick_pattern)
    try:
        node.run([*VIRSH, "create", path], timeout=60, check=True)
        if len(console.wait_ticks(node, 0, 2, guest.boot_timeout_s)) < 2:
            raise UnexpectedOutput(
                f"test guest {guest.name} printed no tick within {guest.boot_timeout_s:g} s "
                f"({log})",
                host=node.label,
            )
        yield console
    finally:
        node.run(["rm", "-f", path], timeout=10)
        left = remove_everywhere(hypervisors, guest.name, log)
        still = [n.name for n in hypervisors if probes.domstate(n, guest.name) is not None]
        if still:
            raise RuntimeError(
                f"test guest {guest.name} could not be removed from {still} (was on {left})"
            )


@contextmanager
def pacemaker_unmanaged(node: Node, resource: str) -> Iterator[None]:
    """Puts one pacemaker resource in maintenance for the duration (restored after).

    In maintenance pacemaker neither manages nor monitors it, so a guest moved behind its
    back raises no failure; the caller brings the guest home before this ends.
    """
    base = ["crm_resource", "--resource", resource, "--meta"]
    before = node.run([*base, "--get-parameter", "maintenance"], timeout=30)
    previous = before.stdout.strip() if before.ok else ""
    node.run(
        [*base, "--set-parameter", "maintenance", "--parameter-value", "true"],
        timeout=30,
        check=True,
    )
    try:
        yield
    finally:
        if previous:
            node.run(
                [*base, "--set-parameter", "maintenance", "--parameter-value", previous],
                timeout=30,
                check=True,
            )
        else:
            node.run([*base, "--delete-parameter", "maintenance"], timeout=30, check=True)


def balloon_round_trip(
    node: Node, domain: str, target_kib: int, timeout: float = 30
) -> tuple[int, int, int]:
    """setmem to `target_kib` and back; returns (before, reached, restored) `actual` KiB."""
    before = probes.dommemstat(node, domain).get("actual")
    if before is None:
        raise UnexpectedOutput(
            f"{domain}: dommemstat has no `actual` (no balloon?)", host=node.label
        )
    try:
        node.run([*VIRSH, "setmem", domain, f"{target_kib}K", "--live"], timeout=30, check=True)
        reached = _wait_actual(node, domain, target_kib, timeout)
    finally:
        node.run([*VIRSH, "setmem", domain, f"{before}K", "--live"], timeout=30, check=True)
    restored = _wait_actual(node, domain, before, timeout)
    return before, reached, restored


def _wait_actual(node: Node, domain: str, target: int, timeout: float) -> int:
    actual = -1
    for _ in poll(timeout=timeout, interval=0.5):
        actual = probes.dommemstat(node, domain).get("actual", -1)
        if abs(actual - target) <= 1024:
            break
    return actual


def snapshot_round_trip(node: Node, domain: str, name: str) -> list[str]:
    """snapshot-create -> list -> revert -> delete; returns what went wrong (empty: fine)."""
    problems: list[str] = []
    state_before = probes.domstate(node, domain)
    list_before = _snapshots(node, domain)
    created = node.run([*VIRSH, "snapshot-create-as", domain, name, "--atomic"], timeout=120)
    if not created.ok:
        return [f"snapshot-create-as failed: {created.describe()}"]
    try:
        if name not in _snapshots(node, domain):
            problems.append(f"snapshot {name} not listed after creation")
        reverted = node.run([*VIRSH, "snapshot-revert", domain, name], timeout=120)
        if not reverted.ok:
            problems.append(f"snapshot-revert failed: {reverted.describe()}")
        state_after = probes.domstate(node, domain)
        if state_after != state_before:
            problems.append(f"state {state_before} before, {state_after} after the revert")
    finally:
        deleted = node.run([*VIRSH, "snapshot-delete", domain, name], timeout=120)
        if not deleted.ok:
            problems.append(f"snapshot-delete failed: {deleted.describe()}")
    if _snapshots(node, domain) != list_before:
        problems.append("snapshot list differs from before the round trip")
    return problems


def _snapshots(node: Node, domain: str) -> list[str]:
    out = node.output([*VIRSH, "snapshot-list", domain, "--name"], timeout=30)
    return sorted(out.split())

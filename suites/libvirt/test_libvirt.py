"""libvirt: daemons, capabilities, security, domains, networks, pools (read-only)."""

from __future__ import annotations

import time

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.virt import pacemaker, probes, select
from hacert.virt.expect import VirtExpect
from hacert.virt.virsh import size_to_bytes


def _expect(cluster: Cluster) -> VirtExpect:
    return cluster.expect.virt or VirtExpect()


def _need(cluster: Cluster, what: str) -> VirtExpect:
    expect = cluster.expect.virt
    if expect is None or not getattr(expect, what):
        pytest.skip(f"not applicable: expect.virt.{what} is empty for cluster {cluster.name}")
    return expect


@check(
    "LIBVIRT-001",
    "The libvirt daemon(s) are active",
    severity="blocker",
    per_host="hypervisor",
    profiles=("smoke", "acceptance", "grading"),
    remediation="`systemctl enable --now libvirtd` (or the modular virtqemud/virtnetworkd/… "
    "sockets)",
)
def test_daemons(node: Node, cluster: Cluster) -> None:
    """Socket-activated daemons (Debian's libvirtd runs with --timeout 120) count as active
    while their socket listens; then the daemon must actually answer."""
    wanted = _expect(cluster).daemons
    bad = {}
    for unit in wanted:
        service = probes.unit_active(node, unit)
        if service != "active" and probes.unit_active(node, f"{unit}.socket") != "active":
            bad[unit] = f"{service}, socket not listening"
    if not bad:
        answer = node.run([*probes.VIRSH, "version", "--daemon"], timeout=30)
        if not answer.ok:
            bad["qemu:///system"] = answer.describe()
    require(
        not bad,
        expected=f"active (or socket-activated): {', '.join(wanted)}; qemu:///system answers",
        found=", ".join(f"{u} {s}" for u, s in bad.items()),
        host=node.label,
    )


@check(
    "LIBVIRT-002",
    "Capabilities list the expected machine types and CPU models",
    severity="critical",
    per_host="hypervisor",
    remediation="Install the QEMU build that provides them (qemu-system-x86 of the same release "
    "on every host); CPU models must be usable on this host's CPU",
)
def test_capabilities(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    if not expect.machine_types and not expect.cpu_models:
        pytest.skip("not applicable: expect.virt lists no machine types or CPU models")
    caps = probes.capabilities(node)
    machines = caps.machines.get(caps.arch or "x86_64", set())
    findings = Findings(
        expected=f"machines {expect.machine_types}, usable CPU models {expect.cpu_models}"
    )
    for machine in expect.machine_types:
        if machine not in machines:
            findings.add(f"machine type {machine} not offered", node.label)
    virttype = "kvm" if cluster.platform.kvm else "qemu"
    domcaps = probes.domcapabilities(
        node, virttype=virttype, machine=next(iter(expect.machine_types), None)
    )
    for model in expect.cpu_models:
        if model not in domcaps.usable_cpu_models:
            state = "unusable" if model in domcaps.unusable_cpu_models else "unknown"
            findings.add(f"CPU model {model} {state} for {virttype}", node.label)
    findings.raise_if_any()


@check(
    "LIBVIRT-003",
    "Guests are confined by the expected security driver",
    severity="critical",
    per_host="hypervisor",
    profiles=("acceptance", "grading"),
    remediation="Enable SELinux/AppArmor and set `security_driver` in /etc/libvirt/qemu.conf; "
    "if the platform cannot confine guests, state `expect.virt.security_driver: none`",
)
def test_security_driver(node: Node, cluster: Cluster) -> None:
    wanted = _expect(cluster).security_driver
    actual = probes.capabilities(node).security_driver
    if wanted is None:
        require(
            actual != "none",
            expected="a confining security driver (selinux, apparmor)",
            found="security driver none: guests are not confined",
            host=node.label,
        )
        return
    require(actual == wanted, expected=f"security driver {wanted}", found=actual, host=node.label)


@check(
    "LIBVIRT-004",
    "Expected domains are defined, in the expected state, persistence and autostart",
    severity="critical",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Define/start it (`virsh define`, `virsh start`, `virsh autostart`) or, for a "
    "pacemaker-managed guest, `pcs resource enable/cleanup <resource>`",
)
def test_domains(cluster: Cluster) -> None:
    expect = _need(cluster, "domains")
    seen = {n.name: probes.domains(n) for n in select.hypervisors(cluster)}
    findings = Findings(expected=", ".join(f"{d.name} {d.state}" for d in expect.domains))
    for want in expect.domains:
        where = {h: doms[want.name] for h, doms in seen.items() if want.name in doms}
        if want.hosts is not None:
            for host in set(where) - set(want.hosts):
                findings.add(f"{want.name} present on {host}, outside {want.hosts}", host)
        if not where:
            if want.state != "shut off" or not want.pacemaker_resource:
                findings.add(f"{want.name} not defined on any hypervisor")
            continue
        states = {h: e.state for h, e in where.items()}
        if want.state not in states.values():
            findings.add(f"{want.name} is {', '.join(f'{s} on {h}' for h, s in states.items())}")
        for host, entry in where.items():
            if want.persistent is not None and entry.persistent != want.persistent:
                findings.add(
                    f"{want.name} {'persistent' if entry.persistent else 'transient'}", host
                )
            if want.autostart is not None and entry.autostart != want.autostart:
                findings.add(f"{want.name} autostart {'on' if entry.autostart else 'off'}", host)
    findings.raise_if_any()


@check(
    "LIBVIRT-005",
    "No guest is defined or running on two hypervisors at once",
    severity="blocker",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Undefine the stray copy (`virsh undefine <guest>` on the host that should not "
    "have it); for a pacemaker-managed guest keep its XML only in the resource's config file "
    "and let pacemaker start it",
)
def test_single_definition(cluster: Cluster) -> None:
    """Two definitions of one guest means two QEMUs may write the same disks.

    For a pacemaker VirtualDomain guest, its definition is the resource's config file
    (present on every node); libvirt holds it only where pacemaker runs it. So: it runs on
    at most one host, that host is the one pacemaker reports, and no host has it persistent
    with autostart (which would start a second copy behind pacemaker's back).
    A live migration briefly shows the guest on two hosts (one copy paused), and pacemaker
    reports the move a moment later, so a finding must still hold a few seconds later.
    """
    problems = _placement_problems(cluster)
    for _ in range(3):
        if not problems:
            break
        time.sleep(SETTLE_S)
        again = _placement_problems(cluster)
        problems = [p for p in again if p in problems]
    findings = Findings(
        expected="each guest on one hypervisor (pacemaker guests: only where pacemaker runs them)"
    )
    for host, problem in problems:
        findings.add(problem, host)
    findings.raise_if_any()


SETTLE_S = 4.0


def _placement_problems(cluster: Cluster) -> list[tuple[str | None, str]]:
    expect = cluster.expect.virt
    seen = {n.name: probes.domains(n) for n in select.hypervisors(cluster)}
    problems: list[tuple[str | None, str]] = []
    for name in sorted({d for doms in seen.values() for d in doms}):
        where = {h: doms[name] for h, doms in seen.items() if name in doms}
        active = sorted(h for h, e in where.items() if e.state != "shut off")
        want = select.domain_expect(expect, name)
        if not (want and want.pacemaker_resource):
            if len(where) > 1:
                copies = ", ".join(f"{h} ({e.state})" for h, e in where.items())
                problems.append((None, f"{name} defined on {copies}"))
            continue
        if len(active) > 1:
            copies = ", ".join(f"{h} ({where[h].state})" for h in active)
            problems.append((None, f"{name} active on {copies} (split brain)"))
        reported = _pacemaker_nodes(cluster, want.pacemaker_resource)
        if reported is not None and active and active != sorted(reported):
            problems.append(
                (
                    None,
                    f"{name} runs on {', '.join(active)} but pacemaker says "
                    f"{', '.join(reported) or 'nowhere'}",
                )
            )
        problems.extend(
            (host, f"{name} has libvirt autostart (pacemaker manages it)")
            for host, entry in where.items()
            if entry.autostart
        )
    return problems


def _pacemaker_nodes(cluster: Cluster, resource: str) -> list[str] | None:
    for node in cluster.nodes_with("pacemaker"):
        found = pacemaker.resource_nodes(node, resource)
        if found is not None:
            return found
    return None


@check(
    "LIBVIRT-006",
    "Guest hardware is as designed (vCPUs, memory, machine, balloon, multiqueue)",
    severity="normal",
    profiles=("acceptance", "grading"),
    remediation="Edit the domain (`virsh edit`, or the pacemaker resource's config file)",
)
def test_domain_xml(cluster: Cluster) -> None:
    expect = _need(cluster, "domains")
    findings = Findings(expected="guest XML as in expect.virt.domains")
    for node in select.hypervisors(cluster):
        domains = probes.domains(node)
        for want in expect.domains:
            entry = domains.get(want.name)
            if entry is None:
                continue
            xml = probes.domain_xml(node, want.name, inactive=entry.state != "running")
            if want.vcpus is not None and xml.vcpus != want.vcpus:
                findings.add(f"{want.name}: {xml.vcpus} vCPUs, not {want.vcpus}", node.label)
            if want.memory_mib is not None and round(xml.memory_mib) != want.memory_mib:
                findings.add(
                    f"{want.name}: {xml.memory_mib:g} MiB, not {want.memory_mib}", node.label
                )
            if want.machine is not None and xml.machine != want.machine:
                findings.add(f"{want.name}: machine {xml.machine}", node.label)
            if want.balloon is not None and xml.balloon != want.balloon:
                findings.add(f"{want.name}: balloon {xml.balloon_model}", node.label)
            if want.nic_queues is not None:
                for nic in xml.nics:
                    if (nic.queues or 1) != want.nic_queues:
                        findings.add(
                            f"{want.name}: NIC {nic.mac} queues {nic.queues or 1}", node.label
                        )
    findings.raise_if_any()


@check(
    "LIBVIRT-007",
    "Running guests' dominfo, vcpuinfo and dommemstat agree with their XML",
    severity="normal",
    profiles=("acceptance", "grading"),
    remediation="A guest whose live state disagrees with its XML needs a restart; check "
    "/var/log/libvirt/qemu/<guest>.log",
)
def test_live_stats(cluster: Cluster) -> None:
    findings = Findings(
        expected="vcpuinfo has one entry per vCPU, all running; dominfo max "
        "memory = XML memory; dommemstat readable"
    )
    checked = 0
    for node in select.hypervisors(cluster):
        for name, entry in probes.domains(node).items():
            if entry.state != "running":
                continue
            checked += 1
            xml = probes.domain_xml(node, name)
            vcpus = probes.vcpuinfo(node, name)
            if len(vcpus) != xml.vcpus:
                findings.add(f"{name}: vcpuinfo {len(vcpus)} vCPUs, XML {xml.vcpus}", node.label)
            stopped = [v.get("VCPU") for v in vcpus if v.get("State") != "running"]
            if stopped:
                findings.add(f"{name}: vCPU {', '.join(map(str, stopped))} not running", node.label)
            info = probes.dominfo(node, name)
            max_kib = info.get("Max memory", "").split()[0]
            if max_kib != str(xml.memory_kib):
                findings.add(
                    f"{name}: dominfo max memory {max_kib} KiB, XML {xml.memory_kib}", node.label
                )
            if not probes.dommemstat(node, name):
                findings.add(f"{name}: dommemstat empty", node.label)
    if not checked:
        pytest.skip("not applicable: no running guest")
    findings.raise_if_any()


@check(
    "LIBVIRT-008",
    "Expected networks are in the expected state with the expected forward mode and addresses",
    severity="critical",
    per_host="hypervisor",
    profiles=("acceptance", "grading"),
    remediation="`virsh net-start <net>; virsh net-autostart <net>`; fix the definition with "
    "`virsh net-edit <net>`",
)
def test_networks(node: Node, cluster: Cluster) -> None:
    expect = _need(cluster, "networks")
    wanted = select.on_host(expect.networks, node)
    if not wanted:
        pytest.skip(f"not applicable: no network expected on {node.name}")
    actual = probes.networks(node)
    findings = Findings(
        expected=", ".join(
            f"{n.name} {'active' if n.active else 'inactive'}{' autostart' if n.autostart else ''}"
            for n in wanted
        )
    )
    for want in wanted:
        row = actual.get(want.name)
        if row is None:
            findings.add(f"network {want.name} not defined", node.label)
            continue
        if (row.get("State") == "active") != want.active:
            findings.add(f"{want.name} {row.get('State')}", node.label)
        if (row.get("Autostart") == "yes") != want.autostart:
            findings.add(f"{want.name} autostart {row.get('Autostart')}", node.label)
        xml = probes.network_xml(node, want.name)
        if want.forward_mode is not None and xml.forward_mode != want.forward_mode:
            findings.add(f"{want.name} forward mode {xml.forward_mode}", node.label)
        if want.bridge is not None and xml.bridge != want.bridge:
            findings.add(f"{want.name} bridge {xml.bridge}", node.label)
        if want.ip is not None and want.ip not in xml.addresses:
            findings.add(f"{want.name} addresses {xml.addresses}", node.label)
    findings.raise_if_any()


@check(
    "LIBVIRT-009",
    "Guests are attached to the expected networks",
    severity="critical",
    profiles=("acceptance", "grading"),
    remediation="Attach the NIC to the right network (`virsh edit <guest>`, "
    "`<source network='…'/>`)",
)
def test_guest_networks(cluster: Cluster) -> None:
    expect = _need(cluster, "domains")
    wanted = [d for d in expect.domains if d.networks]
    if not wanted:
        pytest.skip("not applicable: no guest with expected networks")
    findings = Findings(expected=", ".join(f"{d.name} on {'+'.join(d.networks)}" for d in wanted))
    for node in select.hypervisors(cluster):
        domains = probes.domains(node)
        for want in wanted:
            if want.name not in domains:
                continue
            xml = probes.domain_xml(node, want.name, inactive=domains[want.name].state != "running")
            attached = sorted(n.source or "?" for n in xml.nics)
            if attached != sorted(want.networks):
                findings.add(f"{want.name} on {attached or 'no network'}", node.label)
    findings.raise_if_any()


@check(
    "LIBVIRT-010",
    "Storage pools are active with capacity to spare",
    severity="critical",
    per_host="hypervisor",
    profiles=("acceptance", "grading"),
    remediation="`virsh pool-start <pool>; virsh pool-autostart <pool>`; free or grow the "
    "pool's storage",
)
def test_pools(node: Node, cluster: Cluster) -> None:
    expect = _need(cluster, "pools")
    wanted = select.on_host(expect.pools, node)
    if not wanted:
        pytest.skip(f"not applicable: no pool expected on {node.name}")
    actual = probes.pools(node)
    findings = Findings(
        expected=", ".join(f"{p.name} active, >= {p.min_available_gib:g} GiB free" for p in wanted)
    )
    for want in wanted:
        row = actual.get(want.name)
        if row is None:
            findings.add(f"pool {want.name} not defined", node.label)
            continue
        if (row.get("State") == "running") != want.active:
            findings.add(f"{want.name} {row.get('State')}", node.label)
        if want.autostart is not None and (row.get("Autostart") == "yes") != want.autostart:
            findings.add(f"{want.name} autostart {row.get('Autostart')}", node.label)
        available = row.get("Available", "")
        if want.active and available and available != "-":
            free_gib = size_to_bytes(available) / 1024**3
            if free_gib < want.min_available_gib:
                findings.add(f"{want.name} {free_gib:.1f} GiB free", node.label)
    findings.raise_if_any()

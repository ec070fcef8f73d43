"""QEMU/KVM hypervisor hosts and their guests' QEMU processes (read-only)."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.reporting import attach_text
from hacert.virt import probes, select
from hacert.virt.expect import VirtExpect


def _expect(cluster: Cluster) -> VirtExpect:
    return cluster.expect.virt or VirtExpect()


def _running(node: Node) -> list[str]:
    return [d.name for d in probes.domains(node).values() if d.state == "running"]


@check(
    "QEMU-001",
    "KVM acceleration is available (or the platform says guests run emulated)",
    severity="critical",
    per_host="hypervisor",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Enable VT-x/AMD-V in the firmware and load kvm_intel/kvm_amd; if the platform "
    "cannot have KVM, say so with `platform.kvm: false` in the inventory",
)
def test_kvm(node: Node, cluster: Cluster) -> None:
    facts = probes.kvm_facts(node)
    described = (
        f"/dev/kvm {'present' if facts.dev_kvm else 'absent'}, CPU virt flags "
        f"{'yes' if facts.cpu_flags else 'no'}, modules {', '.join(facts.modules) or '-'}"
    )
    if not cluster.platform.kvm:
        attach_text(
            "KVM",
            f"platform.kvm: false - guests run under QEMU TCG (emulated) as expected; {described}",
        )
        types = {probes.domain_xml(node, d).domain_type for d in _running(node)}
        require(
            "kvm" not in types,
            expected="guests of type qemu (TCG), as platform.kvm: false",
            found=f"a running guest of type kvm on a host without KVM ({described})",
            host=node.label,
        )
        return
    require(
        facts.dev_kvm and facts.cpu_flags,
        expected="/dev/kvm and the vmx/svm CPU flag (hardware-accelerated guests)",
        found=described,
        host=node.label,
    )


@check(
    "QEMU-002",
    "Nested virtualisation is as configured",
    severity="minor",
    per_host="hypervisor",
    remediation="Set `options kvm_intel nested=1` (or kvm_amd) in /etc/modprobe.d and reload "
    "the module",
)
def test_nested(node: Node, cluster: Cluster) -> None:
    wanted = _expect(cluster).nested
    if wanted is None:
        pytest.skip("not applicable: expect.virt.nested is not set")
    if not cluster.platform.kvm:
        pytest.skip("not applicable: no KVM on this platform (platform.kvm: false)")
    facts = probes.kvm_facts(node)
    require(
        facts.nested == wanted,
        expected=f"nested {'on' if wanted else 'off'}",
        found=f"nested {facts.nested}",
        host=node.label,
    )


@check(
    "QEMU-003",
    "QEMU and libvirt versions are the same on every hypervisor",
    severity="normal",
    profiles=("acceptance", "grading"),
    remediation="Upgrade the hypervisors to the same qemu-system/libvirt packages (live "
    "migration between versions is only supported old->new)",
)
def test_versions_equal(cluster: Cluster) -> None:
    if not _expect(cluster).versions_equal:
        pytest.skip("not applicable: expect.virt.versions_equal is false")
    seen = {n.name: probes.versions(n) for n in select.hypervisors(cluster)}
    summary = {
        n: f"QEMU {v.get('QEMU', '?')}, libvirt {v.get('daemon', '?')}" for n, v in seen.items()
    }
    require(
        len(set(summary.values())) == 1,
        expected="one QEMU and one libvirt version on all hypervisors",
        found="; ".join(f"{n}: {s}" for n, s in summary.items()),
    )


@check(
    "QEMU-004",
    "virt-host-validate reports no unexpected failure",
    severity="normal",
    per_host="hypervisor",
    remediation="Fix what virt-host-validate reports (BIOS virtualisation, cgroups, IOMMU); "
    "accept known platform limits with expect.virt.host_validate_ignore",
)
def test_host_validate(node: Node, cluster: Cluster) -> None:
    expect = _expect(cluster)
    results = probes.host_validate(node)
    require(
        results, expected="virt-host-validate output", found="nothing parseable", host=node.label
    )
    ignore = list(expect.host_validate_ignore)
    if not cluster.platform.kvm:
        ignore += ["hardware virtualization", "/dev/kvm"]
    attach_text(
        f"{node.name}: virt-host-validate",
        "\n".join(f"{r.driver}: {r.what}: {r.result} {r.detail}" for r in results),
    )
    failed = [
        r
        for r in results
        if r.driver == "QEMU" and r.result == "FAIL" and not any(i in r.what for i in ignore)
    ]
    require(
        not failed,
        expected="no QEMU FAIL (apart from ignored/platform ones)",
        found="; ".join(f"{r.what}: {r.detail}" for r in failed),
        host=node.label,
    )


@check(
    "QEMU-005",
    "Guests' QEMU runs under the seccomp sandbox",
    severity="normal",
    per_host="hypervisor",
    remediation="Set `seccomp_sandbox = 1` in /etc/libvirt/qemu.conf and restart the guests",
)
def test_seccomp(node: Node, cluster: Cluster) -> None:
    if not _expect(cluster).seccomp_sandbox:
        pytest.skip("not applicable: expect.virt.seccomp_sandbox is false")
    running = _running(node)
    if not running:
        pytest.skip(f"not applicable: no running guest on {node.name}")
    findings = Findings(expected="every QEMU process in seccomp filter mode (Seccomp: 2)")
    for name in running:
        cmdline, seccomp = probes.qemu_process(node, name)
        if not seccomp.endswith("2") and "-sandbox on" not in cmdline:
            findings.add(f"{name}: {seccomp or 'no Seccomp line'}, no -sandbox on", node.label)
    findings.raise_if_any()


@check(
    "QEMU-006",
    "Every running guest answers on QMP and reports the expected status",
    severity="critical",
    per_host="hypervisor",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Look at /var/log/libvirt/qemu/<guest>.log; a hung QEMU must be restarted",
)
def test_qmp(node: Node, cluster: Cluster) -> None:
    running = _running(node)
    if not running:
        pytest.skip(f"not applicable: no running guest on {node.name}")
    findings = Findings(expected="query-status: running")
    for name in running:
        status = probes.qmp_execute(node, name, "query-status")
        state = status.get("status") if isinstance(status, dict) else status
        wanted = select.domain_expect(cluster.expect.virt, name)
        if state != "running" and not (wanted and wanted.state == "paused"):
            findings.add(f"{name}: QMP status {state}", node.label)
    findings.raise_if_any()


@check(
    "QEMU-007",
    "Guests use virtio disks and NICs, not emulated hardware",
    severity="normal",
    per_host="hypervisor",
    remediation="Use `bus='virtio'` for disks and `<model type='virtio'/>` for NICs",
)
def test_virtio(node: Node, cluster: Cluster) -> None:
    domains = probes.domains(node)
    if not domains:
        pytest.skip(f"not applicable: no guest on {node.name}")
    findings = Findings(expected="virtio disks and NICs")
    for name, entry in domains.items():
        wanted = select.domain_expect(cluster.expect.virt, name)
        if wanted and not wanted.virtio_only:
            continue
        xml = probes.domain_xml(node, name, inactive=entry.state != "running")
        for device in xml.emulated_devices():
            findings.add(f"{name}: {device}", node.label)
    findings.raise_if_any()


@check(
    "QEMU-008",
    "The IOMMU is on where guests get passthrough devices",
    severity="critical",
    per_host="hypervisor",
    remediation="Boot with intel_iommu=on (or amd_iommu=on) iommu=pt and enable VT-d/AMD-Vi",
)
def test_iommu(node: Node, cluster: Cluster) -> None:
    wanted = _expect(cluster).iommu
    passthrough = [
        n
        for n, e in probes.domains(node).items()
        if probes.domain_xml(node, n, inactive=e.state != "running").hostdevs
    ]
    if wanted is None and not passthrough:
        pytest.skip(f"not applicable: no guest with a <hostdev> on {node.name}")
    groups = node.run("ls /sys/kernel/iommu_groups | wc -l", timeout=10).stdout.strip()
    on = groups.isdigit() and int(groups) > 0
    if wanted is False:
        return
    require(
        on,
        expected="IOMMU groups present"
        + (f" (passthrough in {', '.join(passthrough)})" if passthrough else ""),
        found=f"{groups or 0} IOMMU groups",
        host=node.label,
    )

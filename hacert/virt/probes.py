"""Commands run on a hypervisor host, returning typed data."""

from __future__ import annotations

from dataclasses import dataclass

from hacert import shell
from hacert.cluster import Node
from hacert.virt import qmp, virsh
from hacert.virt.capabilities import (
    DomainCapabilities,
    HostCapabilities,
    parse_capabilities,
    parse_domcapabilities,
)
from hacert.virt.domxml import DomainXml, parse_domain
from hacert.virt.netxml import NetworkXml, parse_network

VIRSH = ["virsh", "-c", "qemu:///system"]


def run_virsh(node: Node, *args: object, timeout: float = 30) -> str:
    return node.output([*VIRSH, *args], timeout=timeout)


@dataclass(frozen=True)
class DomainEntry:
    name: str
    state: str
    persistent: bool
    autostart: bool


def domains(node: Node) -> dict[str, DomainEntry]:
    """Every domain libvirt knows on the host, running or defined."""
    table = virsh.parse_table(run_virsh(node, "list", "--all"), what="virsh list", host=node.label)
    persistent = set(run_virsh(node, "list", "--all", "--persistent", "--name").split())
    autostart = set(run_virsh(node, "list", "--all", "--autostart", "--name").split())
    return {
        row["Name"]: DomainEntry(
            row["Name"], row["State"], row["Name"] in persistent, row["Name"] in autostart
        )
        for row in table
    }


def domain_xml(node: Node, name: str, *, inactive: bool = False) -> DomainXml:
    args = ["dumpxml", name] + (["--inactive"] if inactive else [])
    return parse_domain(run_virsh(node, *args), host=node.label)


def domstate(node: Node, name: str) -> str | None:
    """`running`, `shut off`, … or None when the host has no such domain."""
    result = node.run([*VIRSH, "domstate", name], timeout=20)
    if not result.ok:
        if "ailed to get domain" in result.stderr or "not found" in result.stderr:
            return None
        result.check()
    return result.stdout.strip()


def dominfo(node: Node, name: str) -> dict[str, str]:
    return virsh.parse_kv(run_virsh(node, "dominfo", name))


def vcpuinfo(node: Node, name: str) -> list[dict[str, str]]:
    return virsh.parse_vcpuinfo(run_virsh(node, "vcpuinfo", name))


def dommemstat(node: Node, name: str) -> dict[str, int]:
    return virsh.parse_dommemstat(run_virsh(node, "dommemstat", name))


def qmp_execute(node: Node, domain: str, name: str, **arguments: object) -> object:
    text = run_virsh(node, "qemu-monitor-command", domain, qmp.command(name, **arguments))
    return qmp.parse_reply(text, host=node.label)


def versions(node: Node) -> dict[str, str]:
    return virsh.parse_version(run_virsh(node, "version", "--daemon"))


def capabilities(node: Node) -> HostCapabilities:
    return parse_capabilities(run_virsh(node, "capabilities"), host=node.label)


def domcapabilities(node: Node, *, virttype: str, machine: str | None = None) -> DomainCapabilities:
    args = ["domcapabilities", "--virttype", virttype]
    if machine:
        args += ["--machine", machine]
    return parse_domcapabilities(run_virsh(node, *args), host=node.label)


def host_validate(node: Node) -> list[virsh.ValidateResult]:
    result = node.run(["virt-host-validate", "qemu"], timeout=60)  # exits 1 on any FAIL
    return virsh.parse_host_validate(result.stdout)


def networks(node: Node) -> dict[str, dict[str, str]]:
    rows = virsh.parse_table(
        run_virsh(node, "net-list", "--all"), what="virsh net-list", host=node.label
    )
    return {r["Name"]: r for r in rows}


def network_xml(node: Node, name: str) -> NetworkXml:
    return parse_network(run_virsh(node, "net-dumpxml", name), host=node.label)


def pools(node: Node) -> dict[str, dict[str, str]]:
    rows = virsh.parse_table(
        run_virsh(node, "pool-list", "--all", "--details"), what="virsh pool-list", host=node.label
    )
    return {r["Name"]: r for r in rows}


@dataclass(frozen=True)
class KvmFacts:
    dev_kvm: bool
    cpu_flags: bool
    modules: tuple[str, ...]
    nested: bool | None


def kvm_facts(node: Node) -> KvmFacts:
    script = (
        "test -c /dev/kvm && echo dev=yes || echo dev=no; "
        "grep -qwE 'vmx|svm' /proc/cpuinfo && echo flags=yes || echo flags=no; "
        "echo modules=$(grep -oE '^kvm(_intel|_amd)? ' /proc/modules | tr -d ' ' | tr '\\n' ,); "
        "for f in /sys/module/kvm_intel/parameters/nested /sys/module/kvm_amd/parameters/nested; "
        "do test -r $f && echo nested=$(cat $f); done; true"
    )
    facts = dict(
        line.split("=", 1) for line in node.output(script, timeout=15).splitlines() if "=" in line
    )
    nested = facts.get("nested")
    return KvmFacts(
        dev_kvm=facts.get("dev") == "yes",
        cpu_flags=facts.get("flags") == "yes",
        modules=tuple(m for m in facts.get("modules", "").split(",") if m),
        nested=None if nested is None else nested.strip() in ("1", "Y", "y"),
    )


def qemu_process(node: Node, domain: str) -> tuple[str, str]:
    """(command line, Seccomp: line of /proc/<pid>/status) of a running domain's QEMU."""
    pidfile = shell.quote(f"/run/libvirt/qemu/{domain}.pid")
    out = node.output(
        f"pid=$(cat {pidfile}); tr '\\0' ' ' < /proc/$pid/cmdline; echo; "
        "grep '^Seccomp:' /proc/$pid/status || echo 'Seccomp: ?'",
        timeout=15,
    )
    lines = out.splitlines()
    return (lines[0] if lines else "", lines[-1] if len(lines) > 1 else "")


def unit_active(node: Node, unit: str) -> str:
    return node.run(["systemctl", "is-active", unit], timeout=15).stdout.strip() or "unknown"

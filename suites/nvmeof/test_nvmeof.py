"""NVMe over Fabrics, read-only: nvmet subsystems, namespaces, ports, host access; host
controllers live; one optimized path per ANA group where ANA is used."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.nvmeof import commands
from hacert.nvmeof.expect import NvmeofExpect
from hacert.nvmeof.parse import TargetSubsystem


def _subsystems_expected(cluster: Cluster) -> NvmeofExpect:
    expect = commands.expect_of(cluster)
    if not expect.subsystems:
        pytest.skip("not applicable: the inventory expects no NVMe-oF subsystem")
    return expect


def _nvmet(node: Node) -> dict[str, TargetSubsystem]:
    state = commands.target_state(node)
    require(
        state is not None,
        expected="the nvmet configfs (/sys/kernel/config/nvmet)",
        found="absent (nvmet not loaded)",
        host=node.label,
        fix="modprobe -a nvmet nvmet-tcp, then restore the target config (nvmetcli restore)",
    )
    assert state is not None
    return state


@check(
    "NVMEOF-001",
    "Expected subsystems exist with their namespaces enabled",
    severity="critical",
    per_host="nvmeof-target",
    applies_to=("nvmeof-target",),
    profiles=("smoke", "acceptance", "grading"),
    remediation="Create the subsystem and namespace under /sys/kernel/config/nvmet (or with "
    "nvmetcli) and `echo 1 > namespaces/<nsid>/enable`",
)
def test_subsystems(node: Node, cluster: Cluster) -> None:
    expect = _subsystems_expected(cluster)
    state = _nvmet(node)
    findings = Findings(
        expected="subsystems "
        + ", ".join(
            f"{s.nqn}" + (f" with {s.namespaces} enabled namespace(s)" if s.namespaces else "")
            for s in expect.subsystems
        )
    )
    for want in expect.subsystems:
        sub = state.get(want.nqn)
        if sub is None:
            findings.add(f"{want.nqn} missing (has {', '.join(state) or 'none'})", node.label)
            continue
        disabled = [str(n) for n, (on, _) in sub.namespaces.items() if not on]
        if disabled:
            findings.add(f"{want.nqn}: namespaces {', '.join(disabled)} disabled", node.label)
        enabled = sum(1 for on, _ in sub.namespaces.values() if on)
        if want.namespaces is not None and enabled != want.namespaces:
            findings.add(
                f"{want.nqn}: {enabled} enabled namespaces, not {want.namespaces}", node.label
            )
    findings.raise_if_any()


@check(
    "NVMEOF-002",
    "Subsystems are exposed on the expected ports and only to the expected hosts",
    severity="critical",
    per_host="nvmeof-target",
    applies_to=("nvmeof-target",),
    profiles=("acceptance", "grading"),
    remediation="Link the subsystem into the port: `ln -s ../../subsystems/<nqn> "
    "ports/<id>/subsystems/`; restrict hosts with allowed_hosts and attr_allow_any_host=0",
)
def test_ports_hosts(node: Node, cluster: Cluster) -> None:
    expect = _subsystems_expected(cluster)
    state = _nvmet(node)
    findings = Findings(
        expected="; ".join(
            f"{s.nqn} on {', '.join(s.ports) or 'some port'}" for s in expect.subsystems
        )
    )
    for want in expect.subsystems:
        sub = state.get(want.nqn)
        if sub is None:
            findings.add(f"{want.nqn} missing", node.label)
            continue
        if not sub.ports:
            findings.add(f"{want.nqn} is on no port", node.label)
        missing = sorted(set(want.ports) - set(sub.ports))
        if missing:
            findings.add(
                f"{want.nqn}: not on {', '.join(missing)} (on {', '.join(sub.ports) or 'none'})",
                node.label,
            )
        if want.allow_any_host is not None and sub.allow_any_host != want.allow_any_host:
            findings.add(f"{want.nqn}: attr_allow_any_host={int(sub.allow_any_host)}", node.label)
        if want.hosts is not None and sorted(want.hosts) != sorted(sub.hosts):
            findings.add(f"{want.nqn}: allowed hosts {', '.join(sub.hosts) or 'none'}", node.label)
    findings.raise_if_any()


def _connections_expected(cluster: Cluster) -> list[str]:
    wanted = commands.expect_of(cluster).expected_connections()
    if not wanted:
        pytest.skip("not applicable: the inventory expects no NVMe-oF connection")
    return wanted


@check(
    "NVMEOF-003",
    "Hosts have a live controller to every expected subsystem",
    severity="critical",
    per_host="nvmeof-host",
    applies_to=("nvmeof-host",),
    profiles=("smoke", "acceptance", "grading"),
    remediation="`nvme connect -t tcp -a <addr> -s <port> -n <nqn>`; make it persistent with "
    "/etc/nvme/discovery.conf and nvmf-autoconnect.service",
)
def test_connected(node: Node, cluster: Cluster) -> None:
    wanted = _connections_expected(cluster)
    subsystems = {s.nqn: s for s in commands.host_subsystems(node)}
    findings = Findings(expected=f"a live controller to {', '.join(wanted)}")
    for nqn in wanted:
        sub = subsystems.get(nqn)
        if sub is None or not sub.paths:
            findings.add(f"not connected to {nqn}", node.label)
        elif not any(p.live for p in sub.paths):
            findings.add(
                f"{nqn}: no live path ("
                + ", ".join(f"{p.name} {p.state}" for p in sub.paths)
                + ")",
                node.label,
            )
    findings.raise_if_any()


@check(
    "NVMEOF-004",
    "Every ANA group has one live optimized path",
    severity="critical",
    per_host="nvmeof-host",
    applies_to=("nvmeof-host",),
    profiles=("acceptance", "grading"),
    remediation="Check the target's ANA group states (ports/<id>/ana_groups/<grp>/ana_state) "
    "and the failed path's connection",
)
def test_ana(node: Node, cluster: Cluster) -> None:
    if not commands.expect_of(cluster).ana:
        pytest.skip("not applicable: the inventory does not use ANA (expect.nvmeof.ana)")
    wanted = _connections_expected(cluster)
    subsystems = {s.nqn: s for s in commands.host_subsystems(node)}
    findings = Findings(expected="one live optimized path per subsystem's ANA group")
    for nqn in wanted:
        sub = subsystems.get(nqn)
        if sub is None:
            findings.add(f"not connected to {nqn}", node.label)
            continue
        for problem in sub.ana_groups_problems():
            findings.add(problem, node.label)
    findings.raise_if_any()

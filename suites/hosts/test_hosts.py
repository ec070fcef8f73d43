"""Every host: reachable, correctly named, resolving its peers, on time, fully installed."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, fail, require
from hacert.cluster import Cluster, Node
from hacert.hosts import probes
from hacert.hosts.roles import packages_for, services_for


@check(
    "HOSTS-001",
    "Host is reachable over SSH",
    severity="blocker",
    per_host="*",
    profiles=("smoke", "acceptance", "grading"),
    points=1,
    remediation="Check the address, port, user and key in the inventory; make sure sshd runs "
    "and the firewall lets the checking machine in",
)
def test_reachable(node: Node) -> None:
    result = node.run("true", timeout=10)
    require(result.ok, expected="`true` exits 0", found=result.describe(), host=node.label)


@check(
    "HOSTS-002",
    "Hostname matches the inventory",
    severity="normal",
    per_host="*",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Set it with `hostnamectl set-hostname <inventory name>` (cluster tools use it)",
)
def test_hostname(node: Node) -> None:
    name = probes.hostname(node)
    short = name.split(".")[0]
    require(
        short == node.name,
        expected=f"hostname {node.name}",
        found=f"hostname {name}",
        host=node.label,
    )


@check(
    "HOSTS-003",
    "Every cluster node resolves every other node's name",
    severity="critical",
    per_host="*",
    profiles=("acceptance", "grading"),
    remediation="Add every node to /etc/hosts (or DNS) on every node, e.g. `10.0.0.2 node2`",
)
def test_names_resolve(node: Node, cluster: Cluster) -> None:
    findings = Findings(expected="every peer's name resolves to its inventory address")
    for peer in cluster.nodes:
        if peer.name == node.name:
            continue
        addresses = probes.resolve(node, peer.name)
        if not addresses:
            findings.add(f"{peer.name} does not resolve", node.label)
        elif peer.address not in addresses and not _is_hostname(peer.address):
            findings.add(
                f"{peer.name} resolves to {', '.join(addresses)}, not {peer.address}", node.label
            )
    findings.raise_if_any()


def _is_hostname(address: str) -> bool:
    return not address.replace(".", "").isdigit() and ":" not in address


@check(
    "HOSTS-004",
    "Clock agrees with the checking machine",
    severity="critical",
    per_host="*",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Run chrony or systemd-timesyncd against the same time servers on every node",
)
def test_clock_skew(node: Node, cluster: Cluster) -> None:
    reading = probes.clock(node)
    bound = cluster.expect.hosts.max_clock_skew_s
    require(
        abs(reading.skew_s) <= bound + reading.round_trip_s,
        expected=f"clock skew within ±{bound:g} s",
        found=f"skew {reading.skew_s:+.3f} s (round trip {reading.round_trip_s:.3f} s)",
        host=node.label,
    )


@check(
    "HOSTS-005",
    "Time is synchronised (NTP)",
    severity="normal",
    per_host="*",
    profiles=("acceptance", "grading"),
    remediation="Enable time sync: `systemctl enable --now chrony` (or systemd-timesyncd)",
)
def test_time_synchronised(node: Node, cluster: Cluster) -> None:
    if not cluster.platform.ntp and not cluster.platform.shared_clock:
        pytest.skip(
            "not applicable: the platform has no time server (platform.ntp: false); "
            "HOSTS-004 still bounds the skew"
        )
    reading = probes.clock(node)
    if cluster.platform.shared_clock:
        require(
            abs(reading.skew_s) <= cluster.expect.hosts.max_clock_skew_s + reading.round_trip_s,
            expected="hosts share the machine's clock (platform.shared_clock), so no skew",
            found=f"skew {reading.skew_s:+.3f} s",
            host=node.label,
        )
        return
    if reading.synchronized is None:
        fail(
            expected="a time sync service reporting its state",
            found="neither timedatectl nor chronyc answered",
            host=node.label,
        )
    require(
        reading.synchronized,
        expected="clock synchronised",
        found=f"{reading.source} says not synchronised",
        host=node.label,
    )


@check(
    "HOSTS-006",
    "Packages each role needs are installed",
    severity="critical",
    per_host="*",
    profiles=("acceptance", "grading"),
    remediation="Install them, e.g. `apt-get install <package>` / `dnf install <package>`",
)
def test_packages(node: Node, cluster: Cluster) -> None:
    wanted = packages_for(node.roles, cluster.expect.hosts.extra_packages)
    if not wanted:
        pytest.skip(f"not applicable: no role of {node.label} needs a package")
    missing = probes.missing_packages(node, wanted)
    require(
        not missing,
        expected=f"installed: {', '.join(wanted)}",
        found=f"missing: {', '.join(missing)}",
        host=node.label,
        fix=f"apt-get install {' '.join(missing)} (or the dnf equivalents)",
    )


@check(
    "HOSTS-007",
    "Services each role needs are enabled and active",
    severity="critical",
    per_host="*",
    profiles=("smoke", "acceptance", "grading"),
    remediation="`systemctl enable --now <service>`",
)
def test_services(node: Node, cluster: Cluster) -> None:
    wanted = services_for(node.roles, cluster.platform, cluster.expect.hosts.extra_services)
    findings = Findings(
        expected=f"active and enabled: {', '.join(w.replace('|', ' or ') for w in wanted)}"
    )
    for state in probes.service_states(node, wanted):
        if state.active != "active":
            findings.add(f"{state.name} is {state.active or 'unknown'}", node.label)
        elif state.enabled not in {"enabled", "static", "alias", "indirect", "generated"}:
            findings.add(
                f"{state.name} is active but {state.enabled} (won't start at boot)", node.label
            )
    units = " ".join(w.split("|")[0] for w in wanted)
    findings.raise_if_any(fix=f"systemctl enable --now {units}")

"""Reads facts of one host: name, name resolution, clock, packages, services."""

from __future__ import annotations

import time
from dataclasses import dataclass

from hacert import shell
from hacert.cluster import Node
from hacert.hosts.roles import RPM_NAMES


def hostname(node: Node) -> str:
    return node.output("hostname").strip()


def resolve(node: Node, name: str) -> list[str]:
    """Addresses ``name`` resolves to on ``node`` (getent, so /etc/hosts and DNS count)."""
    result = node.run(["getent", "ahosts", name], timeout=10)
    return sorted({line.split()[0] for line in result.stdout.splitlines() if line.strip()})


@dataclass(frozen=True)
class ClockReading:
    skew_s: float
    round_trip_s: float
    synchronized: bool | None
    source: str


def clock(node: Node) -> ClockReading:
    """Measures the host's clock against this machine's, and its own sync state."""
    before = time.time()
    result = node.run(
        "date +%s.%N; timedatectl show -p NTPSynchronized --value 2>/dev/null || true; "
        "chronyc -n tracking 2>/dev/null | sed -n 's/^Leap status *: //p' || true",
        timeout=10,
    )
    after = time.time()
    lines = result.stdout.splitlines()
    remote = float(lines[0])
    round_trip = after - before
    skew = remote - (before + round_trip / 2)
    synced: bool | None = None
    source = "unknown"
    for line in lines[1:]:
        value = line.strip()
        if value in {"yes", "no"}:
            synced, source = value == "yes", "timedatectl"
        elif value:
            synced, source = value == "Normal", "chronyc"
    return ClockReading(skew_s=skew, round_trip_s=round_trip, synchronized=synced, source=source)


def missing_packages(node: Node, packages: list[str]) -> list[str]:
    if not packages:
        return []
    if node.has_command("dpkg-query"):
        query = "dpkg-query -W -f '${Package} ${db:Status-Abbrev}\\n' " + shell.join(packages)
        installed = {
            line.split()[0]
            for line in node.run(query, timeout=20).stdout.splitlines()
            if len(line.split()) > 1 and line.split()[1].startswith("ii")
        }
        return [p for p in packages if p not in installed]
    names = [RPM_NAMES.get(p, p) for p in packages]
    result = node.run(["rpm", "-q", *names], timeout=20)
    absent = {line.split()[1] for line in result.stdout.splitlines() if "is not installed" in line}
    return [p for p, n in zip(packages, names, strict=True) if n in absent]


@dataclass(frozen=True)
class ServiceState:
    name: str
    active: str
    enabled: str


def service_states(node: Node, services: list[str]) -> list[ServiceState]:
    """State of each service; for ``a|b`` alternatives, the first active one (or ``a``)."""
    units = [unit for service in services for unit in service.split("|")]
    script = "; ".join(
        f"printf '%s %s %s\\n' {shell.quote(s)} "
        f'"$(systemctl is-active {shell.quote(s)} 2>/dev/null || true)" '
        f'"$(systemctl is-enabled {shell.quote(s)} 2>/dev/null || true)"'
        for s in units
    )
    seen: dict[str, ServiceState] = {}
    for line in node.run(script, timeout=20).stdout.splitlines():
        parts = line.split()
        if parts:
            seen[parts[0]] = ServiceState(
                name=parts[0],
                active=parts[1] if len(parts) > 1 else "unknown",
                enabled=parts[2] if len(parts) > 2 else "unknown",
            )
    states = []
    for service in services:
        options = [seen.get(u, ServiceState(u, "unknown", "unknown")) for u in service.split("|")]
        states.append(next((o for o in options if o.active == "active"), options[0]))
    return states

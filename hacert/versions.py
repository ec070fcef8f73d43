"""Versions of the cluster software seen on the hosts, and facts identifying each host."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.technologies import VERSION_PROBES

_VERSION = re.compile(r"(\d+\.\d+(?:\.\d+)?(?:[-+~.][0-9A-Za-z.+~-]*)?)")
_BOOT_TIME = (
    "btime=$(awk '/^btime/{print $2}' /proc/stat); "
    "start=$(cut -d')' -f2 /proc/1/stat | awk '{print $20}'); "
    "echo $((btime + start / $(getconf CLK_TCK)))"
)


def _probe_script() -> str:
    return "; ".join(
        f"printf '%s=%s\\n' {name} \"$( ({cmd}) 2>/dev/null | head -n1)\""
        for name, cmd in VERSION_PROBES.items()
    )


def parse_probe_output(text: str) -> dict[str, str]:
    """Turns ``tool=<first line of its version output>`` lines into tool -> version."""
    versions: dict[str, str] = {}
    for line in text.splitlines():
        name, _, raw = line.partition("=")
        raw = raw.strip()
        if not raw or name not in VERSION_PROBES:
            continue
        if name in {"kernel", "os"}:
            versions[name] = raw
            continue
        match = _VERSION.search(raw)
        versions[name] = match.group(1) if match else raw
    return versions


def node_versions(node: Node) -> dict[str, str]:
    return parse_probe_output(node.run(_probe_script(), timeout=20).stdout)


@dataclass
class HostFacts:
    """What a report records about a host so a result can be audited later."""

    address: str
    reachable: bool
    host_key_sha256: str | None = None
    boot_time: int | None = None
    versions: dict[str, str] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather_facts(node: Node) -> HostFacts:
    try:
        connection = node.connection()
        boot = node.run(_BOOT_TIME, timeout=10).stdout.strip()
        return HostFacts(
            address=node.address,
            reachable=True,
            host_key_sha256=connection.host_key_fingerprint,
            boot_time=int(boot) if boot.isdigit() else None,
            versions=node_versions(node),
        )
    except InfrastructureError as error:
        return HostFacts(address=node.address, reachable=False, error=str(error))


def gather_cluster_facts(cluster: Cluster, workers: int = 16) -> dict[str, HostFacts]:
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(cluster.nodes)))) as pool:
        facts = list(pool.map(gather_facts, cluster.nodes))
    return {node.name: fact for node, fact in zip(cluster.nodes, facts, strict=True)}


def merge_versions(facts: dict[str, HostFacts]) -> dict[str, str]:
    """tool -> version across hosts; differing versions are listed as ``a | b``."""
    seen: dict[str, set[str]] = {}
    for fact in facts.values():
        for tool, version in (fact.versions or {}).items():
            seen.setdefault(tool, set()).add(version)
    return {tool: " | ".join(sorted(v)) for tool, v in sorted(seen.items())}


def collect_versions(cluster: Cluster) -> dict[str, str]:
    """tool -> version for the cluster (what perf results are stored with)."""
    return merge_versions(gather_cluster_facts(cluster))

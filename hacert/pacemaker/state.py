"""A snapshot of what a destructive scenario must leave unchanged, and how to compare two.

``snapshot(cluster)`` records membership, resource placement, constraints, cluster
properties, the CIB configuration (modulo epoch, status and what pacemaker rewrites itself)
and each node's firewall, so a restore can be *proven*, not assumed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from xml.etree import ElementTree as ET

from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.pacemaker import probe
from hacert.pacemaker.cib import VOLATILE_PROPERTIES, parse_cib
from hacert.state import differences as state_differences
from hacert.xmlutil import parse_xml

IPTABLES_TAG = "hacert"
_ATTRIBUTE_SETS = frozenset({"instance_attributes", "meta_attributes", "cluster_property_set"})


def _drop_volatile(configuration: ET.Element) -> None:
    """Removes what pacemaker rewrites itself and attribute sets left empty by a delete.

    Deleting a node attribute (standby) or a property can leave an empty
    ``instance_attributes``/``cluster_property_set`` behind: the same configuration.
    """
    for parent in list(configuration.iter()):
        for child in list(parent):
            if child.tag == "nvpair" and child.get("name") in VOLATILE_PROPERTIES:
                parent.remove(child)
    changed = True
    while changed:
        changed = False
        for parent in list(configuration.iter()):
            for child in list(parent):
                if child.tag in _ATTRIBUTE_SETS and not len(child):
                    parent.remove(child)
                    changed = True


def configuration_parts(cib_text: str) -> dict[str, dict[str, str]]:
    """``section/tag#id`` -> each configured object (property, resource, constraint…) as
    ``{sub-element path: its attributes}``, so a difference names the very nvpair or op."""
    root = parse_xml(cib_text, "cibadmin -Q")
    configuration = root.find("configuration")
    if configuration is None:
        return {}
    _drop_volatile(configuration)
    parts: dict[str, dict[str, str]] = {}
    for section in configuration:
        children = list(section)
        if section.tag == "crm_config":
            children = [nv for cps in section for nv in cps]
        for child in children:
            key = f"{section.tag}/{child.tag}#{child.get('id') or child.get('name')}"
            parts[key] = _described(child)
    return parts


def _attributes(element: ET.Element) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(element.attrib.items()) if k != "id")


def _described(element: ET.Element) -> dict[str, str]:
    described = {".": _attributes(element)}

    def walk(parent: ET.Element, prefix: str) -> None:
        for index, child in enumerate(parent):
            ident = child.get("id") or child.get("name") or str(index)
            path = f"{prefix}{child.tag}#{ident}"
            described[path] = _attributes(child)
            walk(child, f"{path}/")

    walk(element, "")
    return described


def firewall(node: Node) -> str:
    """The node's iptables rules (``-A`` lines of every table; empty tables don't count)."""
    result = node.run("iptables-save 2>/dev/null | grep '^-A' || true", timeout=20)
    return result.stdout


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """Membership, placement, constraints, properties, configuration digest, firewalls."""
    reporter, status = probe.cluster_status(cluster)
    text = probe.cib_text(reporter, local=False)
    cib = parse_cib(text, host=reporter.label)
    placement: dict[str, list[str]] = {}
    roles: dict[str, list[str]] = {}
    for rsc in status.resources:
        if rsc.is_fence_device:
            continue  # where a fence device runs is interchangeable
        key = rsc.clone or rsc.id
        placement.setdefault(key, [])
        placement[key] = sorted({*placement[key], *rsc.nodes})
        if rsc.active and rsc.promotable:
            roles.setdefault(key, []).extend(f"{n}:{rsc.role}" for n in rsc.nodes)
    nodes = cluster.nodes_with("pacemaker")
    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        walls = list(pool.map(_firewall_or_error, nodes))
    return {
        "connected": status.connected,
        "quorum": status.with_quorum,
        "nodes": {n.name: n.problems() or ["online"] for n in status.nodes},
        "placement": placement,
        "roles": {k: sorted(v) for k, v in roles.items()},
        "fence_devices": sorted(d.id for d in cib.fence_devices()),
        "constraints": sorted(cib.constraint_ids),
        "properties": {k: v for k, v in cib.properties.items() if k not in VOLATILE_PROPERTIES},
        "rsc_defaults": cib.rsc_defaults,
        "configuration": configuration_parts(text),
        "failures": sorted(f"{f.op_key}@{f.node}" for f in status.failures),
        "firewall": {n.name: sorted(w.splitlines()) for n, w in zip(nodes, walls, strict=True)},
        "hacert_rules": {
            n.name: [line for line in w.splitlines() if IPTABLES_TAG in line]
            for n, w in zip(nodes, walls, strict=True)
        },
    }


def _firewall_or_error(node: Node) -> str:
    try:
        return firewall(node)
    except InfrastructureError as error:
        return f"unreadable: {error}"


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two snapshots, one line per changed leaf."""
    return state_differences(before, after)

"""Where pacemaker runs its VirtualDomain resources (crm_mon XML)."""

from __future__ import annotations

from hacert.cluster import Node
from hacert.virt.xmlutil import parse


def resource_nodes(node: Node, resource: str) -> list[str] | None:
    """Nodes pacemaker reports `resource` active on; None if pacemaker does not answer."""
    result = node.run(["crm_mon", "--output-as=xml", "--inactive"], timeout=30)
    if not result.stdout.lstrip().startswith("<"):
        return None
    root = parse(result.stdout, "crm_mon --output-as=xml", host=node.label)
    for element in root.iter("resource"):
        if element.get("id") == resource:
            if element.get("active") != "true":
                return []
            return [n.get("name", "") for n in element.iterfind("node")]
    return None


def config_file(node: Node, resource: str) -> str | None:
    """The VirtualDomain resource's `config` parameter (its domain XML file)."""
    result = node.run(
        ["crm_resource", "--resource", resource, "--get-parameter", "config"], timeout=30
    )
    return result.stdout.strip().splitlines()[-1] if result.ok and result.stdout.strip() else None

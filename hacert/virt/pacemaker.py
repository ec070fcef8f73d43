"""Where pacemaker runs its VirtualDomain resources, and their domain XML file."""

from __future__ import annotations

from hacert.cluster import Node
from hacert.errors import UnexpectedOutput
from hacert.pacemaker import probe


def resource_nodes(node: Node, resource: str) -> list[str] | None:
    """Nodes pacemaker reports `resource` active on; None if pacemaker does not answer there
    or does not know the resource."""
    try:
        status = probe.status(node)
    except UnexpectedOutput:
        return None
    if not status.connected or not status.instances(resource):
        return None
    return sorted(status.locations(resource))


def config_file(node: Node, resource: str) -> str | None:
    """The VirtualDomain resource's `config` parameter (its domain XML file)."""
    result = node.run(
        ["crm_resource", "--resource", resource, "--get-parameter", "config"], timeout=30
    )
    return result.stdout.strip().splitlines()[-1] if result.ok and result.stdout.strip() else None

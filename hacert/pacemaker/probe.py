"""Commands that read pacemaker's state from one node, returning parsed, typed results."""

from __future__ import annotations

import re

from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError, UnexpectedOutput
from hacert.pacemaker.cib import CibConfig, parse_cib
from hacert.pacemaker.status import ClusterStatus, FenceEvent, parse_crm_mon, parse_fence_events
from hacert.pacemaker.verify import VerifyResult, parse_crm_verify
from hacert.xmlutil import parse_xml

CRM_MON = ["crm_mon", "--output-as=xml", "--inactive"]
_VERSION = re.compile(r"Pacemaker (?P<v>[0-9][0-9A-Za-z.+~-]*)")


def status(node: Node, *, timeout: float = 30) -> ClusterStatus:
    """crm_mon's view from ``node`` (``connected`` False when pacemaker is down there)."""
    result = node.run(CRM_MON, timeout=timeout)
    if not result.stdout.strip():
        result.check()
        raise UnexpectedOutput("crm_mon printed nothing", host=node.label)
    return parse_crm_mon(result.stdout, host=node.label)


def cluster_status(cluster: Cluster, *, timeout: float = 30) -> tuple[Node, ClusterStatus]:
    """crm_mon from the first pacemaker node that is connected to a running cluster."""
    last: ClusterStatus | None = None
    first_error: InfrastructureError | None = None
    for node in cluster.nodes_with("pacemaker"):
        try:
            view = status(node, timeout=timeout)
        except InfrastructureError as error:
            first_error = first_error or error
            continue
        if view.connected:
            return node, view
        last = view
    if last is not None:
        return cluster.nodes_with("pacemaker")[0], last
    assert first_error is not None
    raise first_error


def cib(node: Node, *, local: bool = True) -> CibConfig:
    command = ["cibadmin", "-Q", "--local"] if local else ["cibadmin", "-Q"]
    return parse_cib(node.output(command, timeout=30), host=node.label)


def cib_text(node: Node, *, local: bool = True) -> str:
    command = ["cibadmin", "-Q", "--local"] if local else ["cibadmin", "-Q"]
    return node.output(command, timeout=30)


def verify(node: Node) -> VerifyResult:
    result = node.run(["crm_verify", "--live-check", "--output-as=xml"], timeout=60)
    return parse_crm_verify(result.stdout, host=node.label)


def fence_history(node: Node) -> list[FenceEvent]:
    """Every fence event the cluster remembers, newest first.

    Read from ``crm_mon --fence-history=3``: pacemaker 2.1's ``stonith_admin --history '*'
    --output-as=xml`` lists only one event (tests/data/pacemaker/*shows-one.xml).
    """
    text = node.output([*CRM_MON, "--fence-history=3"], timeout=30)
    return parse_fence_events(parse_xml(text, "crm_mon --fence-history=3", host=node.label))


def version(node: Node) -> str:
    text = node.output("pacemakerd --version", timeout=20)
    match = _VERSION.search(text)
    if match is None:
        raise UnexpectedOutput(f"`pacemakerd --version` printed {text[:120]!r}", host=node.label)
    return match.group("v")


def uses_pcs(node: Node) -> bool:
    return node.has_command("pcs")


def pcsd_status(node: Node) -> tuple[bool, str]:
    """Whether pcsd answers on ``node`` (`pcs status pcsd <node>` from the node itself)."""
    result = node.run(["pcs", "status", "pcsd", node.name], timeout=30)
    text = (result.stdout + result.stderr).strip()
    return result.ok and "Online" in text, text

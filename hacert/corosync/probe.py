"""Commands that read corosync's state from one node, returning parsed, typed results."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hacert.cluster import Node
from hacert.corosync.cmap import CmapValue, parse_cmap, subtree
from hacert.corosync.links import LinkReport, parse_cfgtool_nodes, parse_cfgtool_status
from hacert.corosync.quorum import QuorumStatus, parse_quorumtool
from hacert.errors import UnexpectedOutput

_MEMBER_PREFIXES = ("runtime.members", "runtime.totem.pg.mrp.srp.members")
_VERSION = re.compile(r"version '?(?P<v>[0-9][0-9A-Za-z.+~-]*)'?")


@dataclass(frozen=True)
class Member:
    nodeid: int
    status: str
    ip: str


@dataclass(frozen=True)
class FileFacts:
    path: str
    exists: bool
    mode: int | None = None
    owner: str | None = None
    group: str | None = None
    size: int | None = None

    @property
    def mode_text(self) -> str:
        return f"{self.mode:04o}" if self.mode is not None else "?"


def quorum(node: Node) -> QuorumStatus:
    result = node.run(["corosync-quorumtool", "-s"], timeout=20)
    return parse_quorumtool(result.stdout, result.exit_status, host=node.label)


def cmap(node: Node, prefix: str) -> dict[str, CmapValue]:
    result = node.run(["corosync-cmapctl", "-b", prefix], timeout=20)
    if not result.ok and "not exist" not in result.stderr:
        result.check()
    return parse_cmap(result.stdout, host=node.label)


def members(node: Node) -> dict[int, Member]:
    """runtime.members (corosync 3) or runtime.totem.pg.mrp.srp.members (corosync 2)."""
    for prefix in _MEMBER_PREFIXES:
        values = subtree(cmap(node, prefix), prefix)
        if values:
            return parse_members(values)
    return {}


def parse_members(values: dict[str, CmapValue]) -> dict[int, Member]:
    ids = sorted({int(key.split(".", 1)[0]) for key in values if key.split(".", 1)[0].isdigit()})
    return {
        i: Member(
            nodeid=i,
            status=str(values.get(f"{i}.status", "")),
            ip=str(values.get(f"{i}.ip", "")).strip(),
        )
        for i in ids
    }


def links(node: Node) -> LinkReport:
    """Per-peer link state: `-n` where supported (3.1.1+), else `-s`."""
    result = node.run(["corosync-cfgtool", "-n"], timeout=20)
    if "Local node ID" in result.stdout and "LINK" in result.stdout:
        return parse_cfgtool_nodes(result.stdout, host=node.label)
    result = node.run(["corosync-cfgtool", "-s"], timeout=20)
    return parse_cfgtool_status(result.stdout, host=node.label)


def links_status(node: Node) -> tuple[int, LinkReport]:
    """`corosync-cfgtool -s`: its exit status (1 if a link is faulty) and the parsed links."""
    result = node.run(["corosync-cfgtool", "-s"], timeout=20)
    return result.exit_status, parse_cfgtool_status(result.stdout, host=node.label)


def version(node: Node) -> str:
    text = node.output("corosync -v", timeout=20)
    match = _VERSION.search(text)
    if match is None:
        raise UnexpectedOutput(f"`corosync -v` printed no version: {text[:120]!r}", host=node.label)
    return match.group("v")


def file_facts(node: Node, path: str) -> FileFacts:
    result = node.run(["stat", "-c", "%a %U %G %s", "--", path], timeout=15)
    if not result.ok:
        if "No such file" in result.stderr:
            return FileFacts(path=path, exists=False)
        result.check()
    mode, owner, group, size = result.stdout.split()
    return FileFacts(
        path=path, exists=True, mode=int(mode, 8), owner=owner, group=group, size=int(size)
    )

"""Parsers for `dlm_tool` text output (it has no machine-readable format)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hacert.errors import UnexpectedOutput


@dataclass(frozen=True)
class Lockspace:
    """One entry of `dlm_tool ls`."""

    name: str
    id: str = ""
    flags: str = ""
    members: tuple[int, ...] = ()
    change: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DlmNode:
    """A `node N ...` line of `dlm_tool status`."""

    nodeid: int
    member: bool
    fields: dict[str, str]

    def _time(self, key: str) -> int:
        value = self.fields.get(key, "0")
        return int(value) if value.isdigit() else 0

    @property
    def pending_fence(self) -> bool:
        """The node failed and has not been fenced since (`fail T1 fence T0` with T0 < T1;
        a fenced node reads e.g. `X add 1332 rem 1437 fail 1437 fence 1451 at 1 ...`)."""
        failed = self._time("fail")
        return not self.member and failed > 0 and self._time("fence") < failed


@dataclass(frozen=True)
class DlmStatus:
    """`dlm_tool status`: the daemon's view of the cluster."""

    nodeid: int | None
    quorate: bool
    fence_pid: int
    nodes: dict[int, DlmNode]
    raw: str

    @property
    def members(self) -> list[int]:
        return sorted(n for n, node in self.nodes.items() if node.member)


def parse_ls(text: str, *, host: str | None = None) -> list[Lockspace]:
    """`dlm_tool ls`: blocks of `key value` lines, each starting with `name <lockspace>`."""
    spaces: list[dict[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "dlm lockspaces":
            continue
        key, _, value = line.partition(" ")
        value = value.strip()
        if key == "name":
            spaces.append({"name": value})
        elif spaces:
            spaces[-1][key] = value
        else:
            raise UnexpectedOutput(f"dlm_tool ls printed {raw!r} before any lockspace", host=host)
    result = []
    for entry in spaces:
        members_text = entry.pop("members", "")
        if members_text and not re.fullmatch(r"[0-9 ]+", members_text):
            raise UnexpectedOutput(f"dlm_tool ls: bad members line {members_text!r}", host=host)
        result.append(
            Lockspace(
                name=entry.pop("name"),
                id=entry.pop("id", ""),
                flags=entry.pop("flags", ""),
                members=tuple(int(m) for m in members_text.split()),
                change=entry.pop("change", ""),
                extra=entry,
            )
        )
    return result


def _pairs(words: list[str]) -> dict[str, str]:
    """`key value key value ...` -> dict (a trailing key without value maps to '')."""
    return {words[i]: (words[i + 1] if i + 1 < len(words) else "") for i in range(0, len(words), 2)}


def parse_status(text: str, *, host: str | None = None) -> DlmStatus:
    """`dlm_tool status`: `cluster nodeid N quorate Q ...`, `daemon ... fence_pid P`, nodes."""
    nodeid: int | None = None
    quorate: bool | None = None
    fence_pid = 0
    nodes: dict[int, DlmNode] = {}
    for raw in text.splitlines():
        words = raw.split()
        if not words:
            continue
        if words[0] == "cluster":
            fields = _pairs(words[1:])
            if "nodeid" in fields:
                nodeid = int(fields["nodeid"])
            if "quorate" in fields:
                quorate = fields["quorate"] == "1"
        elif words[0] == "daemon":
            fields = _pairs(words[1:])
            fence_pid = int(fields.get("fence_pid", "0") or 0)
        elif words[0] == "node" and len(words) >= 2 and words[1].isdigit():
            member = len(words) > 2 and words[2] == "M"
            rest = words[3:] if len(words) > 2 and words[2] in ("M", "X") else words[2:]
            nodes[int(words[1])] = DlmNode(int(words[1]), member, _pairs(rest))
    if quorate is None:
        raise UnexpectedOutput(
            f"dlm_tool status printed no `cluster ... quorate` line: {text[:200]!r}", host=host
        )
    return DlmStatus(nodeid=nodeid, quorate=quorate, fence_pid=fence_pid, nodes=nodes, raw=text)


def parse_dump_config(text: str) -> dict[str, str]:
    """`dlm_tool dump_config`: `key=value` lines, dlm_controld's effective settings; a value
    set outside the defaults carries its source (`enable_fencing=1 (dlm.conf)`), dropped."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key:
            out[key.strip()] = re.sub(r"\s+\([^)]*\)$", "", value.strip())
    return out

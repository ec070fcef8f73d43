"""`corosync-quorumtool -s`: quorum state as corosync's votequorum sees it from one node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hacert.errors import UnexpectedOutput

QUORATE_EXIT = 0
NOT_QUORATE_EXIT = 2
_FIELD = re.compile(r"^(?P<name>[A-Za-z][A-Za-z ]*?):\s*(?P<value>.*?)\s*$")
_MEMBER = re.compile(
    r"^\s*(?P<id>\d+)\s+(?P<votes>\d+)\s+(?:(?P<qdevice>[A-Z,]+)\s+)?(?P<name>\S+)"
)


@dataclass(frozen=True)
class QuorumMember:
    nodeid: int
    votes: int
    name: str
    local: bool


@dataclass(frozen=True)
class QuorumStatus:
    """What `corosync-quorumtool -s` says (exit 0 quorate, 2 not quorate)."""

    exit_status: int
    quorate: bool
    nodes: int | None
    expected_votes: int | None
    highest_expected: int | None
    total_votes: int | None
    quorum: int | None
    flags: frozenset[str] = field(default_factory=frozenset)
    members: tuple[QuorumMember, ...] = ()

    @property
    def two_node(self) -> bool:
        return "2Node" in self.flags

    @property
    def wait_for_all(self) -> bool:
        return "WaitForAll" in self.flags


def _int(fields: dict[str, str], name: str) -> int | None:
    raw = fields.get(name, "").split()
    return int(raw[0]) if raw and raw[0].isdigit() else None


def parse_quorumtool(text: str, exit_status: int, *, host: str | None = None) -> QuorumStatus:
    fields: dict[str, str] = {}
    members: list[QuorumMember] = []
    in_members = False
    for line in text.splitlines():
        if line.strip().startswith("Nodeid"):
            in_members = True
            continue
        if in_members:
            match = _MEMBER.match(line)
            if match:
                members.append(
                    QuorumMember(
                        nodeid=int(match.group("id")),
                        votes=int(match.group("votes")),
                        name=match.group("name"),
                        local="(local)" in line,
                    )
                )
            continue
        match = _FIELD.match(line)
        if match:
            fields.setdefault(match.group("name"), match.group("value"))
    if "Quorate" not in fields:
        raise UnexpectedOutput(
            f"corosync-quorumtool -s printed no 'Quorate:' line (exit {exit_status}): "
            f"{text.strip()[:200]!r}",
            host=host,
        )
    return QuorumStatus(
        exit_status=exit_status,
        quorate=fields["Quorate"].strip().lower() == "yes",
        nodes=_int(fields, "Nodes"),
        expected_votes=_int(fields, "Expected votes"),
        highest_expected=_int(fields, "Highest expected"),
        total_votes=_int(fields, "Total votes"),
        quorum=_int(fields, "Quorum"),
        flags=frozenset(fields.get("Flags", "").split()),
        members=tuple(members),
    )

"""Link state from `corosync-cfgtool -s` (every corosync 2/3 format) and `-n` (3.1.1+)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hacert.errors import UnexpectedOutput

_LINK_HEADER = re.compile(r"^(?:LINK|RING) ID (?P<link>\d+)")
_LOCAL_ID = re.compile(r"^Local node ID (?P<id>\d+)")
# 3.0.4+: "nodeid:   2:	connected" | "nodeid:   1:	localhost" | "...: disconnected"
_NODE_WORDS = re.compile(r"^nodeid:?\s+(?P<id>\d+):\s+(?P<state>[a-z][a-z ,]*)$")
# 3.0.0-3.0.3: "nodeid  2:	link enabled:1	link connected:0" (earliest: "node 1: ...")
_NODE_FLAGS = re.compile(
    r"^node(?:id)?\s+(?P<id>\d+):\s+link enabled:(?P<enabled>\d)\s+link connected:(?P<conn>\d)"
)
# 2.x: "status	= ring 0 active with no faults" / "Marking ringid 1 interface ... FAULTY"
_RING_STATUS = re.compile(r"^status\s*=\s*(?P<status>.*)$")
# -n: "nodeid: 2 reachable" then "LINK: 0 udp (a->b) enabled connected mtu: 1397"
_N_NODE = re.compile(r"^nodeid:?\s+(?P<id>\d+)\s+(?P<state>reachable|unreachable)")
_N_LINK = re.compile(r"^LINK:?\s+(?P<link>\d+)\s+(?P<rest>.*)$")


@dataclass(frozen=True)
class LinkState:
    """One knet link from the reporting node to one peer (peer None: a 2.x ring as a whole)."""

    link: int
    peer: int | None
    connected: bool
    enabled: bool = True
    detail: str = ""


@dataclass(frozen=True)
class LinkReport:
    local_nodeid: int | None
    links: tuple[LinkState, ...]

    def link_ids(self) -> set[int]:
        return {state.link for state in self.links}

    def broken(self) -> list[LinkState]:
        return [s for s in self.links if not (s.connected and s.enabled)]


def parse_cfgtool_status(text: str, *, host: str | None = None) -> LinkReport:
    """Parses `corosync-cfgtool -s`; the local node's own entries are left out."""
    local: int | None = None
    link: int | None = None
    states: list[LinkState] = []
    for raw in text.splitlines():
        line = raw.strip()
        if match := _LOCAL_ID.match(line):
            local = int(match.group("id"))
        elif match := _LINK_HEADER.match(line):
            link = int(match.group("link"))
        elif link is None:
            continue
        elif match := _NODE_FLAGS.match(line):
            peer = int(match.group("id"))
            if peer != local:
                states.append(
                    LinkState(
                        link=link,
                        peer=peer,
                        connected=match.group("conn") == "1",
                        enabled=match.group("enabled") == "1",
                        detail=line,
                    )
                )
        elif match := _NODE_WORDS.match(line):
            peer, state = int(match.group("id")), match.group("state").strip()
            if state != "localhost" and peer != local:
                states.append(
                    LinkState(
                        link=link,
                        peer=peer,
                        connected=state.startswith("connected"),
                        enabled="disabled" not in state,
                        detail=state,
                    )
                )
        elif match := _RING_STATUS.match(line):
            status = match.group("status")
            healthy = "active with no faults" in status and "FAULTY" not in status
            states.append(LinkState(link=link, peer=None, connected=healthy, detail=status))
    if local is None and not states:
        raise UnexpectedOutput(
            f"corosync-cfgtool -s printed no link status: {text.strip()[:200]!r}", host=host
        )
    return LinkReport(local_nodeid=local, links=tuple(states))


def parse_cfgtool_nodes(text: str, *, host: str | None = None) -> LinkReport:
    """Parses `corosync-cfgtool -n` (corosync 3.1.1+): per peer, per link."""
    local: int | None = None
    peer: int | None = None
    states: list[LinkState] = []
    for raw in text.splitlines():
        line = raw.strip()
        if match := _LOCAL_ID.match(line):
            local = int(match.group("id"))
        elif match := _N_NODE.match(line):
            peer = int(match.group("id"))
        elif (match := _N_LINK.match(line)) and peer is not None:
            words = match.group("rest").split()
            states.append(
                LinkState(
                    link=int(match.group("link")),
                    peer=peer,
                    connected="connected" in words,
                    enabled="enabled" in words,
                    detail=match.group("rest"),
                )
            )
    if local is None:
        raise UnexpectedOutput(
            f"corosync-cfgtool -n printed no 'Local node ID': {text.strip()[:200]!r}", host=host
        )
    return LinkReport(local_nodeid=local, links=tuple(states))

"""Watching the cluster from a node that is not being broken: waits and a timeline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.pacemaker import probe
from hacert.pacemaker.status import ClusterStatus
from hacert.wait import poll

POLL_S = 0.5
DOWN_GRACE_S = 30.0


def summary(status: ClusterStatus) -> str:
    """One line describing membership and placement, to log each change on the timeline."""
    if not status.connected:
        return f"pacemaker not connected ({status.disconnected_reason})"
    nodes = " ".join(f"{n.name}:{'/'.join(n.problems()) or 'online'}" for n in status.nodes)
    placement: dict[str, set[str]] = {}
    for rsc in status.resources:
        if rsc.active and not rsc.clone:
            placement.setdefault(rsc.id, set()).update(rsc.nodes)
    where = " ".join(f"{r}@{','.join(sorted(n))}" for r, n in sorted(placement.items()))
    quorum = "quorum" if status.with_quorum else "NO-QUORUM"
    return f"dc={status.dc_name} {quorum} | {nodes} | {where}"


@dataclass
class Timeline:
    """Events with their offset from the fault, as seen by the watching node."""

    cluster: str
    started: float = field(default_factory=time.monotonic)
    events: list[tuple[float, str]] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)
    _last: str = ""

    def now(self) -> float:
        return time.monotonic() - self.started

    def note(self, text: str) -> float:
        offset = self.now()
        self.events.append((offset, text))
        return offset

    def mark(self, name: str, text: str | None = None) -> float:
        offset = self.note(text or name)
        self.marks[name] = offset
        return offset

    def restart(self, text: str) -> None:
        """The fault is injected now: offsets count from here."""
        shift = time.monotonic() - self.started
        self.started = time.monotonic()
        self.events = [(t - shift, e) for t, e in self.events]
        self.marks = {k: v - shift for k, v in self.marks.items()}
        self.mark("fault", text)

    def observe(self, status: ClusterStatus) -> None:
        line = summary(status)
        if line != self._last:
            self._last = line
            self.note(line)

    def last(self) -> str:
        return self.events[-1][1] if self.events else "nothing"

    def render(self) -> str:
        return "\n".join(f"{t:+8.2f} s  {e}" for t, e in self.events)


def watcher(cluster: Cluster, avoid: set[str]) -> Node:
    """A pacemaker node not in ``avoid`` (the ones being broken)."""
    for node in cluster.nodes_with("pacemaker"):
        if node.name not in avoid:
            return node
    raise InfrastructureError(f"cluster {cluster.name}: no node left to watch from")


def wait_for(
    node: Node,
    timeline: Timeline,
    condition: Callable[[ClusterStatus], bool],
    *,
    timeout: float,
    what: str,
    down_grace_s: float = DOWN_GRACE_S,
) -> ClusterStatus | None:
    """Polls crm_mon on ``node`` until ``condition``; marks ``what`` on success, None on timeout.

    ``node`` is not expected to go down: a blip is polled through, but if it does not answer
    for ``down_grace_s`` (or is not answering when the wait ends) its error is raised, so the
    verdict is *broken*, not a cluster that "did not" reach ``condition``."""
    down: tuple[float, InfrastructureError] | None = None
    for _ in poll(timeout=timeout, interval=POLL_S):
        try:
            status = probe.status(node, timeout=15)
        except InfrastructureError as error:
            timeline.note(f"watcher {node.name}: {error}")
            down = (down[0] if down else time.monotonic(), error)
            if time.monotonic() - down[0] >= down_grace_s:
                raise
            time.sleep(POLL_S)  # an unanswering watcher is asked half as often
            continue
        down = None
        timeline.observe(status)
        if condition(status):
            timeline.mark(what)
            return status
    timeline.note(f"timed out after {timeout:g} s waiting for: {what}")
    if down is not None:
        raise down[1]
    return None

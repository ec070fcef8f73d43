"""One failure scenario's context: baseline, watcher, timeline, figures, and the final proof."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hacert.checks import fail, require
from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.faults import RestoreFailed
from hacert.pacemaker import faults, probe
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.restore import restore, settle, verify
from hacert.pacemaker.state import snapshot
from hacert.pacemaker.status import ClusterStatus, FenceEvent
from hacert.pacemaker.watch import Timeline, wait_for, watcher
from hacert.reporting import attach_text


@dataclass
class Scenario:
    cluster: Cluster
    expect: PacemakerExpect
    baseline: dict[str, Any]
    timeline: Timeline
    base: Path
    perf: Any = None
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def nodes(self) -> list[Node]:
        return self.cluster.nodes_with("pacemaker")

    def status(self, avoid: set[str] | None = None) -> tuple[Node, ClusterStatus]:
        node = watcher(self.cluster, avoid or set())
        return node, probe.status(node)

    def require_quorum_survives(self, lost: set[str]) -> None:
        reader = watcher(self.cluster, lost)
        survives, text = faults.quorum_after_losing(self.cluster, lost, reader)
        self.timeline.note(f"quorum: {text}")
        if not survives:
            pytest.skip(f"not applicable: {text}; the scenario would stop the cluster")

    def wait(
        self,
        condition: Callable[[ClusterStatus], bool],
        *,
        what: str,
        avoid: set[str],
        timeout: float | None = None,
        record: tuple[str, str] | None = None,
    ) -> ClusterStatus:
        """Waits for ``condition`` as seen from a node not in ``avoid``; fails on timeout.
        ``record`` = (metric, target): the time it took, from the fault, is a figure."""
        limit = timeout or self.expect.recovery_timeout_s
        status = wait_for(
            watcher(self.cluster, avoid), self.timeline, condition, timeout=limit, what=what
        )
        if status is None:
            fail(
                expected=f"{what} within {limit:g} s",
                found=f"not after {limit:g} s; last seen: {self.timeline.last()}",
            )
        assert status is not None
        if record is not None:
            self.record(record[0], self.timeline.marks[what], record[1])
        return status

    def primary_resource(self, status: ClusterStatus) -> str:
        """The resource a scenario moves: the inventory's failover_resource, else the first
        running primitive."""
        if self.expect.failover_resource:
            return self.expect.failover_resource
        movable = [
            r.id for r in status.resources if r.active and not r.clone and not r.is_fence_device
        ]
        if not movable:
            pytest.skip("not applicable: no running resource to fail over")
        return movable[0]

    def non_dc(self, status: ClusterStatus, prefer: str | None = None) -> Node:
        """A node other than the DC: ``prefer`` if possible, else the one running least."""
        names = [n.name for n in self.nodes if n.name != status.dc_name]
        if not names:
            pytest.skip("not applicable: no node other than the DC")
        if prefer in names:
            return self.cluster.node(prefer)
        return self.cluster.node(min(names, key=lambda n: len(movable_on(status, n))))

    def record(self, metric: str, value: float, target: str) -> None:
        self.figures[metric] = value
        self.timeline.note(f"figure {metric} = {value:.2f} s ({target})")
        if self.perf is not None:
            self.perf.record(
                metric=metric,
                value=value,
                unit="s",
                direction="lower",
                target=target,
                cluster=self.cluster.name,
            )

    def new_fence_events(
        self, node: Node, target: str, before: list[FenceEvent]
    ) -> list[FenceEvent]:
        seen = {(e.target, e.action, e.completed, e.status) for e in before}
        return [
            e
            for e in probe.fence_history(node)
            if e.target == target and (e.target, e.action, e.completed, e.status) not in seen
        ]

    def wait_fenced(
        self,
        target: str,
        before: list[FenceEvent],
        avoid: set[str],
        timeout: float,
        record: str | None = None,
    ) -> FenceEvent:
        """Waits for a new, successful fence event for ``target`` in the fence history;
        ``record``: the metric its time from the fault is recorded as."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            node = watcher(self.cluster, avoid)
            new = self.new_fence_events(node, target, before)
            done = [e for e in new if e.status == "success"]
            if done:
                self.timeline.mark(
                    "fenced",
                    f"fence history: {done[0].action} of {target} by {done[0].delegate}: success",
                )
                if record is not None:
                    self.record(record, self.timeline.marks["fenced"], target)
                return done[0]
            failed = [e for e in new if e.status == "failed"]
            if failed:
                fail(
                    expected=f"fencing of {target} succeeds",
                    found=f"{failed[0].action} by {failed[0].delegate} failed: "
                    f"{failed[0].exit_reason}",
                )
            try:
                self.timeline.observe(probe.status(node, timeout=15))
            except InfrastructureError as error:
                self.timeline.note(f"watcher: {error}")
            time.sleep(0.5)
        fail(
            expected=f"a successful fence of {target} within {timeout:g} s",
            found="none in the fence history",
        )


Condition = Callable[[ClusterStatus], bool]


@contextmanager
def scenario_run(
    cluster: Cluster, expect: PacemakerExpect, base: Path, perf: Any = None
) -> Iterator[Scenario]:
    """A settled cluster and its snapshot; afterwards, pass or fail: restore, settle and
    verify the cluster is as before (RestoreFailed, a failure of its own, if it is not)."""
    timeline = Timeline(cluster.name)
    if not settle(cluster, timeline, expect.settle_timeout_s):
        fail(
            expected="a settled cluster (all nodes online, quorum, nothing pending) to start from",
            found=f"not settled after {expect.settle_timeout_s:g} s: {timeline.last()}",
            fix="Repair the cluster first (see the read-only checks)",
        )
    baseline = snapshot(cluster)
    try:
        yield Scenario(cluster, expect, baseline, timeline, base, perf)
    finally:
        problems = restore(cluster, expect, baseline, timeline, base)
        if not problems:
            problems = verify(cluster, baseline)
            if problems:
                settle(cluster, timeline, expect.settle_timeout_s)
                problems = verify(cluster, baseline)
        timeline.note("restore: verified identical" if not problems else "restore: DIFFERS")
        attach_text("timeline", timeline.render())
        if problems:
            raise RestoreFailed("the cluster is NOT as before the scenario: " + "; ".join(problems))


def only_node(status: ClusterStatus, rsc: str) -> str:
    where = sorted(status.locations(rsc))
    require(
        len(where) == 1,
        expected=f"{rsc} running on exactly one node",
        found=f"on {where or 'none'}",
    )
    return where[0]


def movable_on(status: ClusterStatus, node: str) -> list[str]:
    """Primitives (not clones, not fence devices) running on ``node``."""
    return sorted(r.id for r in status.running_on(node) if not r.clone and not r.is_fence_device)


def moved_off(node: str, resources: list[str]) -> Condition:
    def done(status: ClusterStatus) -> bool:
        return all(status.locations(r) and node not in status.locations(r) for r in resources)

    return done


def online(node: str) -> Condition:
    def done(status: ClusterStatus) -> bool:
        state = status.node(node)
        return state is not None and not state.problems()

    return done

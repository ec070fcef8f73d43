"""One failure scenario's context: baseline, watcher, timeline, figures, and the final proof."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hacert.checks import fail
from hacert.cluster import Cluster, Node
from hacert.errors import InfrastructureError
from hacert.pacemaker import faults, probe
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.status import ClusterStatus, FenceEvent
from hacert.pacemaker.watch import Timeline, wait_for, watcher


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
    ) -> ClusterStatus:
        """Waits for ``condition`` as seen from a node not in ``avoid``; fails on timeout."""
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
        return status

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
        self, target: str, before: list[FenceEvent], avoid: set[str], timeout: float
    ) -> FenceEvent:
        """Waits for a new, successful fence event for ``target`` in the fence history."""
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

"""Killing one cluster daemon (PCMK-103): how the node must recover, per daemon."""

from __future__ import annotations

import time

from hacert.checks import fail, require
from hacert.cluster import Node
from hacert.errors import InfrastructureError
from hacert.pacemaker import faults, probe
from hacert.pacemaker.scenario import Scenario, moved_off, online
from hacert.pacemaker.status import FenceEvent
from hacert.pacemaker.watch import watcher

QUIET_S = 30.0


def fenced_and_rejoined(
    s: Scenario, target: Node, daemon: str, history: list[FenceEvent], moving: list[str]
) -> None:
    if "fenced" not in s.timeline.marks:
        s.wait_fenced(target.name, history, {target.name}, s.expect.recovery_timeout_s)
    s.record(f"pacemaker.fence.kill-{daemon}", s.timeline.marks["fenced"], target.name)
    if moving:
        s.wait(
            moved_off(target.name, moving),
            what="resources recovered elsewhere",
            avoid={target.name},
            record=(f"pacemaker.recovery.kill-{daemon}", target.name),
        )
    s.wait(
        online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )


def _fresh_pids(target: Node, process: str, old: set[int]) -> set[int]:
    """New pids of ``process``; none while the host is going away (being fenced)."""
    try:
        fresh = faults.pids(target, process) if faults.wait_ssh(target, 5) else set()
    except InfrastructureError:
        return set()
    return fresh - old


def _marked_respawned(s: Scenario, target: Node, process: str, pids: set[int]) -> bool:
    """True once ``process`` runs again with a new pid (marked "respawned" on the timeline)."""
    if "respawned" not in s.timeline.marks:
        fresh = _fresh_pids(target, process, pids)
        if not fresh:
            return False
        s.timeline.mark("respawned", f"{process} respawned as {sorted(fresh)}")
    return True


def _respawned(s: Scenario, target: Node, process: str, pids: set[int]) -> None:
    deadline = time.monotonic() + s.expect.recovery_timeout_s
    while time.monotonic() < deadline:
        if _marked_respawned(s, target, process, pids):
            return
        time.sleep(0.5)
    fail(
        expected=f"{process} respawned on {target.name}",
        found=f"not within {s.expect.recovery_timeout_s:g} s",
        host=target.label,
    )


def respawned_or_fenced(
    s: Scenario,
    target: Node,
    daemon: str,
    pids: set[int],
    history: list[FenceEvent],
    *,
    moving: list[str],
) -> None:
    """Either way is right, as long as the node comes back: fenced (then as
    fenced_and_rejoined), or the daemon respawned and the node online, unfenced,
    QUIET_S after the kill (on the lab's 2.1.5 an execd kill was fenced ~12 s after it, when
    the daemon had long respawned and the node looked online, in some runs only)."""
    process = faults.DAEMONS[daemon]
    deadline = time.monotonic() + s.expect.recovery_timeout_s
    while time.monotonic() < deadline:
        watching = watcher(s.cluster, {target.name})
        done = [
            e for e in s.new_fence_events(watching, target.name, history) if e.status == "success"
        ]
        if done:
            s.timeline.mark("fenced", f"fence history: {done[0].action} of {target.name}: success")
            s.timeline.note("outcome: fenced")
            fenced_and_rejoined(s, target, daemon, history, moving)
            return
        respawned = _marked_respawned(s, target, process, pids)
        quiet = respawned and s.timeline.now() >= QUIET_S
        if quiet and online(target.name)(probe.status(watching)):
            s.timeline.note(f"outcome: respawned, {target.name} online and not fenced")
            s.record(f"pacemaker.respawn.kill-{daemon}", s.timeline.marks["respawned"], target.name)
            return
        time.sleep(0.5)
    fail(
        expected=f"{process} respawned on {target.name}, or {target.name} fenced and back",
        found=f"neither within {s.expect.recovery_timeout_s:g} s",
        host=target.label,
    )


def respawned_without_fence(
    s: Scenario, target: Node, daemon: str, pids: set[int], history: list[FenceEvent]
) -> None:
    """The daemon comes back with a new pid, the node stays online and nobody fences it."""
    process = faults.DAEMONS[daemon]
    _respawned(s, target, process, pids)
    s.record(f"pacemaker.respawn.kill-{daemon}", s.timeline.marks["respawned"], target.name)
    s.wait(online(target.name), what=f"{target.name} online", avoid={target.name})
    time.sleep(8)  # the DC decides to fence within ~3 s of losing a node's controller
    fenced = s.new_fence_events(watcher(s.cluster, {target.name}), target.name, history)
    require(
        not fenced,
        expected=f"killing {process} does not fence {target.name}",
        found="; ".join(f"{e.action} by {e.delegate}: {e.status}" for e in fenced),
        host=target.label,
    )

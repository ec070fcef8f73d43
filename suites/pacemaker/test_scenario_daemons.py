"""Pacemaker under failure: SIGKILL of each cluster daemon, and how the node must recover."""

from __future__ import annotations

import pytest

from hacert.checks import check, require
from hacert.pacemaker import daemon_kill, faults, probe
from hacert.pacemaker.scenario import Scenario, movable_on


@check(
    "PCMK-103",
    "Killing a cluster daemon: respawned without fencing, or fenced, as expected per daemon",
    severity="critical",
    points=2,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Check pacemaker.service's Restart=on-failure and pacemakerd's subdaemon "
    "respawning; a node losing corosync must be fenced",
)
@pytest.mark.parametrize("daemon", list(faults.DAEMONS))
def test_kill_daemon(scenario: Scenario, daemon: str) -> None:
    s = scenario
    process = faults.DAEMONS[daemon]
    outcome = s.expect.daemon_outcomes.get(daemon, "respawn")
    _, status = s.status()
    target = s.non_dc(status)
    if outcome != "respawn":
        s.require_quorum_survives({target.name})
    watcher, _ = s.status(avoid={target.name})
    history = probe.fence_history(watcher)
    pids = faults.pids(target, process)
    require(
        pids, expected=f"{process} running on {target.name}", found="not running", host=target.label
    )
    moving = movable_on(status, target.name)
    s.timeline.restart(
        f"kill -9 {process} (pids {sorted(pids)}) on {target.name}; expected: {outcome}"
    )
    faults.kill_daemon(target, process)
    if outcome == "fence":
        daemon_kill.fenced_and_rejoined(s, target, daemon, history, moving)
    elif outcome == "respawn":
        daemon_kill.respawned_without_fence(s, target, daemon, pids, history)
    else:
        daemon_kill.respawned_or_fenced(s, target, daemon, pids, history, moving=moving)

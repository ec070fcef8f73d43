"""Pacemaker under failure: each scenario breaks one thing, times the recovery as the cluster
sees it, then restores the cluster and proves it is as before (a failed proof fails loudly)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import allure
import pytest

from fixtures.targets import INVENTORY_PATH_KEY
from hacert.checks import Findings, check, fail, require
from hacert.cluster import Cluster, Node
from hacert.faults import RestoreFailed, injected
from hacert.pacemaker import faults, probe, rules
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.restore import restore, settle, verify
from hacert.pacemaker.scenario import Scenario
from hacert.pacemaker.state import snapshot
from hacert.pacemaker.status import ClusterStatus, FenceEvent
from hacert.pacemaker.watch import Timeline, watcher
from hacert.reporting import perf_recorder

FULL = ("full",)


@pytest.fixture
def scenario(request: pytest.FixtureRequest, destructive_allowed: Cluster) -> Iterator[Scenario]:
    """A healthy, settled cluster and its snapshot; afterwards: restore, settle, verify."""
    cluster = destructive_allowed
    expect = cluster.expect.pacemaker or PacemakerExpect()
    base = request.config.stash[INVENTORY_PATH_KEY].parent
    # One scenario per cluster at a time: fixtures.selection holds the cluster's destructive lock.
    yield from _run_scenario(request, cluster, expect, base)


def _run_scenario(
    request: pytest.FixtureRequest, cluster: Cluster, expect: PacemakerExpect, base: Path
) -> Iterator[Scenario]:
    timeline = Timeline(cluster.name)
    if not settle(cluster, timeline, expect.settle_timeout_s):
        fail(
            expected="a settled cluster (all nodes online, quorum, nothing pending) to start from",
            found=f"not settled after {expect.settle_timeout_s:g} s: {timeline.last()}",
            fix="Repair the cluster first (see the read-only checks)",
        )
    baseline = snapshot(cluster)
    perf = perf_recorder(request)
    current = Scenario(cluster, expect, baseline, timeline, base, perf)
    try:
        yield current
    finally:
        problems = restore(cluster, expect, baseline, timeline, base)
        if not problems:
            problems = verify(cluster, baseline)
            if problems:
                settle(cluster, timeline, expect.settle_timeout_s)
                problems = verify(cluster, baseline)
        timeline.note("restore: verified identical" if not problems else "restore: DIFFERS")
        allure.attach(
            timeline.render(), name="timeline", attachment_type=allure.attachment_type.TEXT
        )
        if problems:
            raise RestoreFailed("the cluster is NOT as before the scenario: " + "; ".join(problems))


def _primary_resource(s: Scenario, status: ClusterStatus) -> str:
    if s.expect.failover_resource:
        return s.expect.failover_resource
    movable = [r.id for r in status.resources if r.active and not r.clone and not r.is_fence_device]
    if not movable:
        pytest.skip("not applicable: no running resource to fail over")
    return movable[0]


def _only_node(status: ClusterStatus, rsc: str) -> str:
    where = sorted(status.locations(rsc))
    require(
        len(where) == 1,
        expected=f"{rsc} running on exactly one node",
        found=f"on {where or 'none'}",
    )
    return where[0]


def _movable_on(status: ClusterStatus, node: str) -> list[str]:
    return sorted(r.id for r in status.running_on(node) if not r.clone and not r.is_fence_device)


def _moved_off(node: str, resources: list[str]) -> object:
    def done(status: ClusterStatus) -> bool:
        return all(status.locations(r) and node not in status.locations(r) for r in resources)

    return done


def _online(node: str) -> object:
    def done(status: ClusterStatus) -> bool:
        state = status.node(node)
        return state is not None and not state.problems()

    return done


def _non_dc(s: Scenario, status: ClusterStatus, prefer: str | None = None) -> Node:
    """A node other than the DC: ``prefer`` if possible, else the one running least."""
    names = [n.name for n in s.nodes if n.name != status.dc_name]
    if not names:
        pytest.skip("not applicable: no node other than the DC")
    if prefer in names:
        return s.cluster.node(prefer)
    return s.cluster.node(min(names, key=lambda n: len(_movable_on(status, n))))


@check(
    "PCMK-101",
    "Graceful failover: stopping a node's cluster stack moves its resources, in order",
    severity="critical",
    points=3,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Check constraints and resource agents with `crm_simulate -sL`; "
    "the stopped node must be able to hand resources over (`pcs cluster stop <node>`)",
)
def test_graceful_failover(scenario: Scenario) -> None:
    s = scenario
    watcher, status = s.status()
    rsc = _primary_resource(s, status)
    target = _only_node(status, rsc)
    s.require_quorum_survives({target})
    moving = _movable_on(status, target)
    node = s.cluster.node(target)
    restart = "pcs cluster start" if faults.uses_pcs(node) else "systemctl start corosync pacemaker"
    with injected(s.cluster, "cluster stack stopped", restore=restart, node=node):
        s.timeline.restart(f"stop the cluster stack on {target} (running {', '.join(moving)})")
        faults.stop_stack(node)
        after = s.wait(
            _moved_off(target, moving),
            what=f"{', '.join(moving)} running elsewhere",
            avoid={target},
        )
        s.record(
            "pacemaker.failover.graceful",
            s.timeline.marks[f"{', '.join(moving)} running elsewhere"],
            f"{rsc}:{target}",
        )
        cib = probe.cib(s.cluster.node(watcher.name), local=False)
        findings = Findings(
            expected="colocated resources together, ordered resources started in order"
        )
        for rule in cib.colocations:
            problem = rules.colocation_problem(after, rule)
            if problem:
                findings.add(f"{rule.id}: {problem}")
        for order in cib.orders:
            if order.first in moving and order.then in moving:
                problem = rules.order_problem(after, order.first, order.then)
                if problem:
                    findings.add(f"{order.id}: {problem}")
        findings.raise_if_any()
    s.timeline.mark("restart", f"cluster stack started again on {target}")
    s.wait(
        _online(target),
        what=f"{target} rejoined",
        avoid={target},
        timeout=s.expect.settle_timeout_s,
    )
    s.record(
        "pacemaker.rejoin.graceful",
        s.timeline.marks[f"{target} rejoined"] - s.timeline.marks["restart"],
        target,
    )
    settle(s.cluster, s.timeline, s.expect.settle_timeout_s)
    _, now = s.status()
    findings = Findings(
        expected="after the rejoin, stickiness decides: resources stay unless a preference wins"
    )
    for r in moving:
        prefers = [
            loc.score_value
            for loc in cib.locations
            if loc.rsc == r and loc.node == target and not loc.id.startswith("cli-")
        ]
        back = bool(prefers) and max(prefers) > rules.stickiness(cib, r)
        where = now.locations(r)
        if back and target not in where:
            findings.add(f"{r} on {sorted(where)}: its preference for {target} beats stickiness")
        if not back and target in where and len(where) == 1:
            findings.add(
                f"{r} moved back to {target} despite stickiness {rules.stickiness(cib, r):g}"
            )
    findings.raise_if_any()


@check(
    "PCMK-102",
    "Resource failure: failcount +1, recovery, never active on two nodes",
    severity="critical",
    points=2,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Check the resource agent's monitor/stop/start and migration-threshold: "
    "`crm_resource --why -r <rsc>`",
)
def test_resource_failure(scenario: Scenario) -> None:
    s = scenario
    watcher, status = s.status()
    rsc = _primary_resource(s, status)
    node = _only_node(status, rsc)
    before = status.fail_counts.get((rsc, node), 0)
    starts = [o.call for o in status.operations_of(rsc) if o.task == "start"]
    last_start = max(starts, default=-1)
    doubled: list[str] = []

    def recovered(now: ClusterStatus) -> bool:
        where = now.locations(rsc)
        if len(where) > 1:
            doubled.append(f"{rsc} active on {sorted(where)}")
        fresh = [
            o
            for o in now.operations_of(rsc)
            if o.task == "start" and (o.node != node or o.call > last_start)
        ]
        instance = now.instances(rsc)
        return (
            bool(fresh)
            and bool(where)
            and all(not i.failed for i in instance)
            and now.fail_counts.get((rsc, node), 0) > before
        )

    with injected(
        s.cluster,
        f"failure of {rsc}",
        restore=f"crm_resource --cleanup --resource {rsc}",
        node=watcher,
    ):
        s.timeline.restart(f"crm_resource --fail -r {rsc} -N {node}")
        faults.fail_resource(watcher, rsc, node)
        after = s.wait(recovered, what=f"{rsc} recovered", avoid=set())
        s.record(
            "pacemaker.recovery.resource", s.timeline.marks[f"{rsc} recovered"], f"{rsc}:{node}"
        )
        count = after.fail_counts.get((rsc, node), 0)
        failures = [f for f in after.failures if f.resource == rsc and f.node == node]
        s.timeline.note(f"fail-count {before} -> {count}; failure records {len(failures)}")
        # Pacemaker 2.1 counts the one result `crm_resource --fail` injects twice (the DC
        # processes it from the executor and from the CIB): judge the failure records, and
        # only require the fail-count to have grown.
        require(
            count > before and len(failures) == 1,
            expected=f"one failure of {rsc} recorded on {node}, its fail-count above {before}",
            found=f"{len(failures)} failure record(s), fail-count {count}",
        )
        require(not doubled, expected=f"{rsc} never active on two nodes", found="; ".join(doubled))


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
    target = _non_dc(s, status)
    if outcome == "fence":
        s.require_quorum_survives({target.name})
    watcher, _ = s.status(avoid={target.name})
    history = probe.fence_history(watcher)
    pids = faults.pids(target, process)
    require(
        pids, expected=f"{process} running on {target.name}", found="not running", host=target.label
    )
    moving = _movable_on(status, target.name)
    s.timeline.restart(
        f"kill -9 {process} (pids {sorted(pids)}) on {target.name}; expected: {outcome}"
    )
    faults.kill_daemon(target, process)
    if outcome == "respawn-or-fence":
        outcome = _respawned_or_fenced(s, target, process, pids, history)
    if outcome == "fence":
        _fenced_and_rejoined(s, target, daemon, history, moving)
        return
    _respawned(s, target, process, pids)
    s.record(f"pacemaker.respawn.kill-{daemon}", s.timeline.marks["respawned"], target.name)
    s.wait(_online(target.name), what=f"{target.name} online", avoid={target.name})
    time.sleep(8)  # the DC decides to fence within ~3 s of losing a node's controller
    fenced = s.new_fence_events(watcher, target.name, history)
    require(
        not fenced,
        expected=f"killing {process} does not fence {target.name}",
        found="; ".join(f"{e.action} by {e.delegate}: {e.status}" for e in fenced),
        host=target.label,
    )


def _fenced_and_rejoined(
    s: Scenario, target: Node, daemon: str, history: list[FenceEvent], moving: list[str]
) -> None:
    if "fenced" not in s.timeline.marks:
        s.wait_fenced(target.name, history, {target.name}, s.expect.recovery_timeout_s)
    s.record(f"pacemaker.fence.kill-{daemon}", s.timeline.marks["fenced"], target.name)
    if moving:
        s.wait(
            _moved_off(target.name, moving),
            what="resources recovered elsewhere",
            avoid={target.name},
        )
        s.record(
            f"pacemaker.recovery.kill-{daemon}",
            s.timeline.marks["resources recovered elsewhere"],
            target.name,
        )
    s.wait(
        _online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )


def _fresh_pids(target: Node, process: str, old: set[int]) -> set[int]:
    fresh = faults.pids(target, process) if faults.wait_ssh(target, 5) else set()
    return fresh - old


def _respawned(s: Scenario, target: Node, process: str, pids: set[int]) -> None:
    deadline = time.monotonic() + s.expect.recovery_timeout_s
    while time.monotonic() < deadline:
        fresh = _fresh_pids(target, process, pids)
        if fresh:
            s.timeline.mark("respawned", f"{process} respawned as {sorted(fresh)}")
            return
        time.sleep(0.5)
    fail(
        expected=f"{process} respawned on {target.name}",
        found=f"not within {s.expect.recovery_timeout_s:g} s",
        host=target.label,
    )


def _respawned_or_fenced(
    s: Scenario, target: Node, process: str, pids: set[int], history: list[FenceEvent]
) -> str:
    """Which way the node recovered: "fence" once fenced, "respawn" once the daemon is back,
    the node online and no fence followed within the DC's decision time."""
    deadline = time.monotonic() + s.expect.recovery_timeout_s
    respawned_at: float | None = None
    while time.monotonic() < deadline:
        watching = watcher(s.cluster, {target.name})
        done = [
            e for e in s.new_fence_events(watching, target.name, history) if e.status == "success"
        ]
        if done:
            s.timeline.mark("fenced", f"fence history: {done[0].action} of {target.name}: success")
            s.timeline.note("outcome: fenced (the DC saw the controller gone before it respawned)")
            return "fence"
        if respawned_at is None and _fresh_pids(target, process, pids):
            respawned_at = time.monotonic()
        settled = respawned_at is not None and time.monotonic() - respawned_at > 10
        if settled and _online(target.name)(probe.status(watching)):
            s.timeline.note("outcome: respawned without fencing")
            return "respawn"
        time.sleep(0.5)
    fail(
        expected=f"{process} respawned on {target.name}, or {target.name} fenced and back",
        found=f"neither within {s.expect.recovery_timeout_s:g} s",
        host=target.label,
    )


@check(
    "PCMK-104",
    "Fencing a node from a peer succeeds and the node rejoins",
    severity="blocker",
    points=3,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Test the fence agent by hand (`fence_<agent> -o status ...`), check "
    "pcmk_host_list/map and stonith-timeout; `stonith_admin --history '*'`",
)
def test_fence_from_peer(scenario: Scenario) -> None:
    s = scenario
    _, status = s.status()
    target = _non_dc(s, status)
    s.require_quorum_survives({target.name})
    peer, _ = s.status(avoid={target.name})
    history = probe.fence_history(peer)
    s.timeline.restart(f"stonith_admin --reboot {target.name} from {peer.name}")
    faults.fence(peer, target.name)
    s.wait_fenced(target.name, history, {target.name}, s.expect.recovery_timeout_s)
    s.record("pacemaker.fence.reboot", s.timeline.marks["fenced"], target.name)
    s.wait(
        _online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )
    s.record(
        "pacemaker.rejoin.after-fence", s.timeline.marks[f"{target.name} rejoined"], target.name
    )


@check(
    "PCMK-105",
    "Power loss of a node: the cluster fences it, keeps quorum and recovers its resources",
    severity="critical",
    points=2,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Make fencing work for a dead node (the fence agent must confirm 'off' of a "
    "powered-off host) and keep quorum with the survivors",
)
def test_power_loss(scenario: Scenario) -> None:
    s = scenario
    if s.expect.power is None:
        pytest.skip("not applicable: no power-off command configured (expect.pacemaker.power)")
    _, status = s.status()
    target = _non_dc(s, status, prefer=_only_node(status, _primary_resource(s, status)))
    s.require_quorum_survives({target.name})
    watcher, _ = s.status(avoid={target.name})
    history = probe.fence_history(watcher)
    moving = _movable_on(status, target.name)
    lost_quorum: list[str] = []
    on = s.expect.power.on_command.format(host=target.name)
    with injected(s.cluster, "power off", restore=on, local=True):
        s.timeline.restart(f"power off {target.name} (lab power switch)")
        faults.power(s.expect.power, "off", target.name, s.base)

        def recovered(now: ClusterStatus) -> bool:
            if not now.with_quorum:
                lost_quorum.append(f"{s.timeline.now():.1f} s")
            return all(now.locations(r) and target.name not in now.locations(r) for r in moving)

        s.wait_fenced(target.name, history, {target.name}, s.expect.recovery_timeout_s)
        s.record("pacemaker.fence.power-loss", s.timeline.marks["fenced"], target.name)
        if moving:
            s.wait(recovered, what="resources recovered elsewhere", avoid={target.name})
            s.record(
                "pacemaker.recovery.power-loss",
                s.timeline.marks["resources recovered elsewhere"],
                target.name,
            )
        require(
            not lost_quorum,
            expected="the survivors keep quorum",
            found=f"no quorum at {', '.join(lost_quorum)}",
        )
    s.wait(
        _online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )


@check(
    "PCMK-106",
    "Network partition (3+ nodes): the majority keeps quorum and fences the minority",
    severity="critical",
    points=3,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Check no-quorum-policy, fencing and the knet links; the minority must not "
    "keep running resources",
)
def test_partition(scenario: Scenario) -> None:
    s = scenario
    if len(s.nodes) < 3:
        pytest.skip("not applicable: a partition with a majority needs 3+ nodes")
    _, status = s.status()
    target = _non_dc(s, status, prefer=_only_node(status, _primary_resource(s, status)))
    s.require_quorum_survives({target.name})
    peers = [n for n in s.nodes if n.name != target.name]
    addresses = faults.corosync_addresses(peers[0], target.name)
    require(
        addresses,
        expected=f"corosync link addresses of {target.name}",
        found="none in the nodelist",
    )
    history = probe.fence_history(peers[0])
    moving = _movable_on(status, target.name)
    heal = (
        f"iptables -S | grep {faults.PARTITION_TAG} | sed 's/^-A /-D /' "
        "| while read -r r; do iptables $r; done"
    )
    lost_quorum: list[str] = []
    with (
        injected(s.cluster, "partition", restore=heal, node=peers[0]),
        injected(s.cluster, "partition", restore=heal, node=peers[-1]),
    ):
        s.timeline.restart(
            f"drop corosync UDP between {target.name} ({', '.join(addresses)}) and "
            f"{', '.join(p.name for p in peers)}"
        )
        faults.isolate(peers, addresses)
        s.wait_fenced(target.name, history, {target.name}, s.expect.recovery_timeout_s)
        s.record("pacemaker.fence.partition", s.timeline.marks["fenced"], target.name)

        def recovered(now: ClusterStatus) -> bool:
            if not now.with_quorum:
                lost_quorum.append(f"{s.timeline.now():.1f} s")
            return all(now.locations(r) and target.name not in now.locations(r) for r in moving)

        if moving:
            s.wait(recovered, what="resources recovered by the majority", avoid={target.name})
            s.record(
                "pacemaker.recovery.partition",
                s.timeline.marks["resources recovered by the majority"],
                target.name,
            )
        require(
            not lost_quorum,
            expected="the majority keeps quorum",
            found=f"no quorum at {', '.join(lost_quorum)}",
        )
    s.timeline.mark("healed", "firewall rules removed")
    s.wait(
        _online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )
    s.record(
        "pacemaker.rejoin.partition",
        s.timeline.marks[f"{target.name} rejoined"] - s.timeline.marks["healed"],
        target.name,
    )


@check(
    "PCMK-107",
    "Standby empties a node; maintenance mode restarts nothing",
    severity="normal",
    points=2,
    destructive=True,
    profiles=("grading", "full"),
    remediation="Resources must be able to move (constraints, agents); in maintenance mode "
    "pacemaker must not start/stop anything",
)
def test_standby_and_maintenance(scenario: Scenario) -> None:
    s = scenario
    _, status = s.status()
    target = _only_node(status, _primary_resource(s, status))
    moving = _movable_on(status, target)
    helper, _ = s.status(avoid={target})
    with injected(
        s.cluster,
        "standby",
        restore=f"crm_attribute --node {target} --name standby --delete",
        node=helper,
    ):
        s.timeline.restart(f"standby {target}")
        faults.set_standby(helper, target, on=True)
        s.wait(_moved_off(target, moving), what=f"{target} emptied", avoid=set())
        s.record("pacemaker.standby.evacuate", s.timeline.marks[f"{target} emptied"], target)
    s.wait(_online(target), what=f"{target} out of standby", avoid=set())
    settle(s.cluster, s.timeline, s.expect.settle_timeout_s)
    _, before = s.status()
    ops_before = {
        (o.node, o.resource, o.call)
        for o in before.operations
        if o.task in {"start", "stop", "migrate_to", "migrate_from"}
    }
    with injected(
        s.cluster,
        "maintenance-mode",
        restore="crm_attribute --type crm_config --name maintenance-mode --delete",
        node=helper,
    ):
        s.timeline.mark("maintenance", "maintenance-mode=true")
        faults.set_property(helper, "maintenance-mode", "true")
        s.wait(lambda now: now.maintenance_mode, what="maintenance mode on", avoid=set())
        time.sleep(12)
    s.timeline.mark("maintenance-off", "maintenance-mode deleted")
    s.wait(lambda now: not now.maintenance_mode, what="maintenance mode off", avoid=set())
    settle(s.cluster, s.timeline, s.expect.settle_timeout_s)
    _, after = s.status()
    new = sorted(
        f"{o.resource} {o.task} on {o.node}"
        for o in after.operations
        if o.task in {"start", "stop", "migrate_to", "migrate_from"}
        and (o.node, o.resource, o.call) not in ops_before
    )
    require(
        not new,
        expected="no resource started or stopped across maintenance mode",
        found="; ".join(new),
    )
    moved = {
        r: sorted(after.locations(r)) for r in moving if after.locations(r) != before.locations(r)
    }
    require(not moved, expected="placement unchanged across maintenance mode", found=str(moved))


@check(
    "PCMK-108",
    "Live migration through pacemaker: a VM moves without restarting, leaving no constraint",
    severity="critical",
    points=2,
    destructive=True,
    perf=True,
    profiles=("grading", "full"),
    remediation="Set allow-migrate=true on the VirtualDomain resource, make libvirt migration "
    "work between the nodes (`virsh migrate --live`), then `pcs resource move <vm> <node>`",
)
def test_live_migration(scenario: Scenario) -> None:
    s = scenario
    if not s.expect.migratable:
        pytest.skip("not applicable: the inventory lists no migratable resource")
    vm = s.expect.migratable[0]
    watcher, status = s.status()
    cib = probe.cib(watcher, local=False)
    require(
        (cib.meta(vm, "allow-migrate") or "").lower() == "true",
        expected=f"{vm} has allow-migrate=true",
        found=f"allow-migrate={cib.meta(vm, 'allow-migrate') or 'unset'}",
    )
    source = _only_node(status, vm)
    destination = next(
        (
            n.name
            for n in s.nodes
            if n.name != source and not (status.node(n.name) or status.nodes[0]).problems()
        ),
        None,
    )
    if destination is None:
        pytest.skip("not applicable: no other online node to migrate to")
    starts = {(o.node, o.call) for o in status.operations_of(vm) if o.task == "start"}
    with injected(
        s.cluster, f"move {vm}", restore=f"crm_resource --clear --resource {vm}", node=watcher
    ):
        s.timeline.restart(f"crm_resource --move -r {vm} -N {destination}")
        faults.move(watcher, vm, destination)
        after = s.wait(
            lambda now: now.locations(vm) == {destination},
            what=f"{vm} on {destination}",
            avoid=set(),
        )
        s.record(
            "pacemaker.migration.live",
            s.timeline.marks[f"{vm} on {destination}"],
            f"{vm}:{source}->{destination}",
        )
    after = s.wait(
        lambda now: not probe.cib(watcher, local=False).cli_constraints(),
        what="move constraint cleared",
        avoid=set(),
    )
    restarted = [
        f"start on {o.node} (call {o.call})"
        for o in after.operations_of(vm)
        if o.task == "start" and (o.node, o.call) not in starts
    ]
    migrated = [
        o for o in after.operations_of(vm, destination) if o.task == "migrate_from" and o.rc == 0
    ]
    require(
        migrated,
        expected=f"a successful migrate_from of {vm} on {destination}",
        found="none: it was stopped and started",
    )
    require(not restarted, expected=f"{vm} not restarted", found="; ".join(restarted))

"""Pacemaker under failure: a node handing its resources over, and a failing resource."""

from __future__ import annotations

from hacert.checks import Findings, check, require
from hacert.faults import injected
from hacert.pacemaker import faults, probe, rules
from hacert.pacemaker.restore import settle
from hacert.pacemaker.scenario import Scenario, movable_on, moved_off, online, only_node
from hacert.pacemaker.status import ClusterStatus


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
    rsc = s.primary_resource(status)
    target = only_node(status, rsc)
    s.require_quorum_survives({target})
    moving = movable_on(status, target)
    node = s.cluster.node(target)
    restart = "pcs cluster start" if faults.uses_pcs(node) else "systemctl start corosync pacemaker"
    with injected(s.cluster, "cluster stack stopped", restore=restart, node=node):
        s.timeline.restart(f"stop the cluster stack on {target} (running {', '.join(moving)})")
        faults.stop_stack(node)
        after = s.wait(
            moved_off(target, moving),
            what=f"{', '.join(moving)} running elsewhere",
            avoid={target},
            record=("pacemaker.failover.graceful", f"{rsc}:{target}"),
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
        online(target),
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
    rsc = s.primary_resource(status)
    node = only_node(status, rsc)
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
        after = s.wait(
            recovered,
            what=f"{rsc} recovered",
            avoid=set(),
            record=("pacemaker.recovery.resource", f"{rsc}:{node}"),
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

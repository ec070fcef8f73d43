"""Pacemaker under administration: standby, maintenance mode and a live migration."""

from __future__ import annotations

import time

import pytest

from hacert.checks import check, require
from hacert.faults import injected
from hacert.pacemaker import faults, probe
from hacert.pacemaker.restore import settle
from hacert.pacemaker.scenario import Scenario, movable_on, moved_off, online, only_node


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
    target = only_node(status, s.primary_resource(status))
    moving = movable_on(status, target)
    helper, _ = s.status(avoid={target})
    with injected(
        s.cluster,
        "standby",
        restore=f"crm_attribute --node {target} --name standby --delete",
        node=helper,
    ):
        s.timeline.restart(f"standby {target}")
        faults.set_standby(helper, target, on=True)
        s.wait(
            moved_off(target, moving),
            what=f"{target} emptied",
            avoid=set(),
            record=("pacemaker.standby.evacuate", target),
        )
    s.wait(online(target), what=f"{target} out of standby", avoid=set())
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
    source = only_node(status, vm)
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
            record=("pacemaker.migration.live", f"{vm}:{source}->{destination}"),
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

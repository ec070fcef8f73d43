"""Pacemaker under failure: fencing from a peer, power loss and a network partition."""

from __future__ import annotations

import pytest

from hacert.checks import check, require
from hacert.faults import injected
from hacert.pacemaker import faults, probe
from hacert.pacemaker.scenario import Scenario, movable_on, online, only_node
from hacert.pacemaker.status import ClusterStatus


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
    target = s.non_dc(status)
    s.require_quorum_survives({target.name})
    peer, _ = s.status(avoid={target.name})
    history = probe.fence_history(peer)
    s.timeline.restart(f"stonith_admin --reboot {target.name} from {peer.name}")
    faults.fence(peer, target.name)
    s.wait_fenced(
        target.name,
        history,
        {target.name},
        s.expect.recovery_timeout_s,
        record="pacemaker.fence.reboot",
    )
    s.wait(
        online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
        record=("pacemaker.rejoin.after-fence", target.name),
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
    target = s.non_dc(status, prefer=only_node(status, s.primary_resource(status)))
    s.require_quorum_survives({target.name})
    watcher, _ = s.status(avoid={target.name})
    history = probe.fence_history(watcher)
    moving = movable_on(status, target.name)
    lost_quorum: list[str] = []
    on = s.expect.power.on_command.format(host=target.name)
    with injected(s.cluster, "power off", restore=on, local=True):
        s.timeline.restart(f"power off {target.name} (out-of-band power switch)")
        faults.power(s.expect.power, "off", target.name, s.base)

        def recovered(now: ClusterStatus) -> bool:
            if not now.with_quorum:
                lost_quorum.append(f"{s.timeline.now():.1f} s")
            return all(now.locations(r) and target.name not in now.locations(r) for r in moving)

        s.wait_fenced(
            target.name,
            history,
            {target.name},
            s.expect.recovery_timeout_s,
            record="pacemaker.fence.power-loss",
        )
        if moving:
            s.wait(
                recovered,
                what="resources recovered elsewhere",
                avoid={target.name},
                record=("pacemaker.recovery.power-loss", target.name),
            )
        require(
            not lost_quorum,
            expected="the survivors keep quorum",
            found=f"no quorum at {', '.join(lost_quorum)}",
        )
    s.wait(
        online(target.name),
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
    target = s.non_dc(status, prefer=only_node(status, s.primary_resource(status)))
    s.require_quorum_survives({target.name})
    peers = [n for n in s.nodes if n.name != target.name]
    addresses = faults.corosync_addresses(peers[0], target.name)
    require(
        addresses,
        expected=f"corosync link addresses of {target.name}",
        found="none in the nodelist",
    )
    history = probe.fence_history(peers[0])
    moving = movable_on(status, target.name)
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
        s.wait_fenced(
            target.name,
            history,
            {target.name},
            s.expect.recovery_timeout_s,
            record="pacemaker.fence.partition",
        )

        def recovered(now: ClusterStatus) -> bool:
            if not now.with_quorum:
                lost_quorum.append(f"{s.timeline.now():.1f} s")
            return all(now.locations(r) and target.name not in now.locations(r) for r in moving)

        if moving:
            s.wait(
                recovered,
                what="resources recovered by the majority",
                avoid={target.name},
                record=("pacemaker.recovery.partition", target.name),
            )
        require(
            not lost_quorum,
            expected="the majority keeps quorum",
            found=f"no quorum at {', '.join(lost_quorum)}",
        )
    s.timeline.mark("healed", "firewall rules removed")
    s.wait(
        online(target.name),
        what=f"{target.name} rejoined",
        avoid={target.name},
        timeout=s.expect.settle_timeout_s,
    )
    s.record(
        "pacemaker.rejoin.partition",
        s.timeline.marks[f"{target.name} rejoined"] - s.timeline.marks["healed"],
        target.name,
    )

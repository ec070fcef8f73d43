"""GFS2/DLM failure behaviour: a node fails while others hold locks (destructive)."""

from __future__ import annotations

import contextlib
import time

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster
from hacert.errors import InfrastructureError
from hacert.gfs2 import faults, probe, state
from hacert.gfs2.expect import Gfs2Expect, mounting_hosts
from hacert.gfs2.lockrun import LockTool
from hacert.reporting import perf_recorder


@check(
    "GFS2-020",
    "A failed node is fenced while others hold locks; survivors recover, it rejoins",
    severity="critical",
    points=3,
    destructive=True,
    remediation="Configure a working fence device for dlm_controld (pacemaker stonith + "
    "dlm_stonith or dlm.conf device/connect lines); check `dlm_tool status` and the "
    "kernel log for journal recovery",
)
def test_fence_and_recover(
    cluster: Cluster, gfs2: Gfs2Expect, request: pytest.FixtureRequest
) -> None:
    if not gfs2.dlm_fencing:
        pytest.skip(
            "not applicable: DLM fencing is off (lab platform fact); a lost node "
            "would block the lockspace until it returns"
        )
    shared = [
        fs
        for fs in gfs2.filesystems
        if len(mounting_hosts(fs, [n.name for n in cluster.nodes_with("gfs2")])) >= 2
    ]
    if not shared:
        pytest.skip("not applicable: no GFS2 filesystem is mounted by two or more nodes")
    fs = shared[0]
    nodes = [
        cluster.node(n) for n in mounting_hosts(fs, [n.name for n in cluster.nodes_with("gfs2")])
    ]
    victim, survivors = nodes[-1], nodes[:-1]
    watcher = survivors[0]
    before = state.snapshot(cluster)
    recorder = perf_recorder(request)
    findings = Findings(expected="victim fenced, survivors lock again, fs consistent, rejoin")
    timeout = gfs2.recovery_timeout_s
    with LockTool(nodes, fs.mountpoint) as tool:
        release = tool.path("release")
        holds = [
            tool.start(
                n,
                "hold",
                tool.path(f"{n.name}.lock"),
                "--kind",
                "posix",
                "--release",
                release,
                "--marker",
                tool.path(f"{n.name}.held"),
                "--timeout",
                timeout * 3,  # the fence, the recovery and the rejoin each get `timeout`
                timeout=timeout * 3 + 60,
            )
            for n in nodes
        ]
        try:
            faults.wait_until(
                "every node to hold its lock",
                lambda: all(tool.exists_on(watcher, f"{n.name}.held") for n in nodes),
                120,
                0.5,
            )
            started = time.monotonic()
            faults.crash_cluster_stack(victim)
            got = tool.run(
                watcher,
                "acquire",
                tool.path(f"{victim.name}.lock"),
                "--kind",
                "posix",
                "--timeout",
                timeout,
                timeout=timeout + 60,
            )
            recovered = time.monotonic() - started
            require(
                got.get("granted"),
                expected=f"{victim.name}'s lock granted to {watcher.name} after fencing",
                found=f"not granted within {timeout} s",
                host=watcher.label,
            )
            for node in survivors:
                mount = probe.mount_at(node, fs.mountpoint)
                if mount is None or (mount.sysfs and mount.sysfs.withdrawn):
                    findings.add(f"{fs.mountpoint} not mounted or withdrawn", node.label)
                own = tool.run(
                    victim if node is victim else watcher,
                    "probe",
                    tool.path(f"{node.name}.lock"),
                    "--kind",
                    "posix",
                )
                if not own.get("locked"):
                    findings.add(f"its lock on {node.name}.lock was lost in recovery", node.label)
            check_rw = tool.run(
                watcher, "write", tool.path("after"), "--size", 65536, "--seed", "after"
            )
            require(
                "error" not in check_rw,
                expected="survivor can write after recovery",
                found=str(check_rw.get("error")),
                host=watcher.label,
            )

            def rejoined() -> bool:
                names = probe.node_names(watcher)
                spaces = {ls.name: ls for ls in probe.dlm_ls(watcher)}
                ls = spaces.get(fs.name)
                members = {names.get(m) for m in ls.members} if ls else set()
                return victim.name in members and probe.mount_at(victim, fs.mountpoint) is not None

            rejoin = faults.poll(rejoined, timeout, 5)
            require(
                rejoin is not None,
                expected=f"{victim.name} back in lockspace {fs.name} and "
                f"{fs.mountpoint} mounted within {timeout:.0f} s",
                found="it did not rejoin (see `dlm_tool ls` / `dlm_tool dump` on the survivors)",
                host=victim.label,
            )
            tool.redeploy(victim)  # its copy died with its page cache
            read = tool.run(victim, "read", tool.path("after"))
            if read.get("sha256") != check_rw.get("sha256"):
                findings.add(
                    "the survivor's post-recovery write reads back differently", victim.label
                )
        finally:
            for node in (watcher, *survivors):
                try:
                    tool.run(node, "write", release, "--size", 1, "--seed", "r")
                    break
                except InfrastructureError:
                    continue
            for node, future in zip(nodes, holds, strict=True):
                if node is victim:
                    with contextlib.suppress(Exception):  # its session died with it
                        future.result()
                    continue
                held = future.result()
                if held.get("ended_by") != "release":
                    findings.add(
                        f"its lock holder ended by {held.get('ended_by')}: {held}", node.label
                    )
    if recorder is not None:
        recorder.record(
            metric="gfs2.fence.recovery_s",
            value=recovered,
            unit="s",
            direction="lower",
            target=f"{fs.name}:{victim.name}",
            cluster=cluster,
        )
        recorder.record(
            metric="gfs2.fence.rejoin_s",
            value=rejoin,
            unit="s",
            direction="lower",
            target=f"{fs.name}:{victim.name}",
            cluster=cluster,
        )
    after = state.snapshot(cluster)
    for line in before.differences(after):
        findings.add(f"state not restored: {line}")
    findings.raise_if_any()

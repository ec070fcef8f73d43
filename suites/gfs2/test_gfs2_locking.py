"""GFS2 cluster locking and coherence, exercised with hacert's lock tool on every node."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.gfs2.expect import Gfs2Expect, Gfs2Filesystem, mounting_hosts
from hacert.gfs2.lockrun import LockTool, parallel
from hacert.reporting import perf_recorder
from hacert.wait import poll


def _shared(cluster: Cluster, gfs2: Gfs2Expect) -> list[tuple[Gfs2Filesystem, list[Node]]]:
    """Filesystems mounted by 2+ nodes, with those nodes (skip when there is none)."""
    out = []
    for fs in gfs2.filesystems:
        names = mounting_hosts(fs, [n.name for n in cluster.nodes_with("gfs2")])
        if len(names) >= 2:
            out.append((fs, [cluster.node(n) for n in names]))
    if not out:
        pytest.skip("not applicable: no GFS2 filesystem is mounted by two or more nodes")
    return out


@pytest.fixture
def tools(cluster: Cluster, gfs2: Gfs2Expect) -> Iterator[list[tuple[Gfs2Filesystem, LockTool]]]:
    """The lock tool deployed for each shared filesystem; every file removed afterwards."""
    deployed: list[tuple[Gfs2Filesystem, LockTool]] = []
    try:
        for fs, nodes in _shared(cluster, gfs2):
            tool = LockTool(nodes, fs.mountpoint)
            deployed.append((fs, tool))
            tool.deploy()
        yield deployed
    finally:
        for _, tool in deployed:
            tool.close()


def _pingpong(tool: LockTool, name: str, seconds: float, *, rw: bool) -> list[dict[str, Any]]:
    nodes = tool.nodes
    args: list[object] = [
        "pingpong",
        tool.path(name),
        len(nodes) + 1,
        "--seconds",
        seconds,
        "--barrier",
        tool.path(name + ".barrier"),
        "--peers",
        len(nodes),
    ]
    if rw:
        args.append("--rw")
    return parallel(
        nodes, lambda node: tool.run(node, *args, "--name", node.name, timeout=seconds + 180)
    )


@check(
    "GFS2-010",
    "POSIX lock hand-off (ping-pong, nodes+1 bytes) progresses on every node",
    severity="critical",
    points=2,
    perf=True,
    remediation="Check dlm_controld plock handling (`dlm_tool plocks <ls>`, "
    "`dlm_tool dump`), corosync latency and that no node waits for fencing",
)
def test_lock_handoff(
    cluster: Cluster,
    gfs2: Gfs2Expect,
    tools: list[tuple[Gfs2Filesystem, LockTool]],
    request: pytest.FixtureRequest,
) -> None:
    recorder = perf_recorder(request)
    floor = gfs2.min_lock_rate or 0.0
    findings = Findings(expected=f"every node passes locks around (> {floor} locks/s)")
    for fs, tool in tools:
        for result in _pingpong(tool, "pingpong", gfs2.lock_test_seconds, rw=False):
            host = result.get("host", "?")
            if "error" in result:
                findings.add(f"{fs.name}: lock tool failed: {result['error']}", host)
                continue
            rate = float(result["locks_per_sec"])
            if recorder is not None:
                recorder.record(
                    metric="gfs2.pingpong.locks_per_sec",
                    value=rate,
                    unit="locks/s",
                    direction="higher",
                    target=f"{fs.name}:{host}",
                    cluster=cluster,
                )
            if result["count"] <= 0 or rate <= floor:
                findings.add(
                    f"{fs.name}: {result['count']} locks in {result['seconds']} s ({rate} locks/s)",
                    host,
                )
    findings.raise_if_any()


@check(
    "GFS2-011",
    "Data written under locks is coherent: every node sees every node's increments",
    severity="blocker",
    points=2,
    remediation="Incoherent data under cluster locks means glock/page-cache invalidation is "
    "broken: check the kernel log for GFS2/DLM errors; do not use the filesystem",
)
def test_data_coherence(gfs2: Gfs2Expect, tools: list[tuple[Gfs2Filesystem, LockTool]]) -> None:
    findings = Findings(expected="data increment = number of nodes, on every node")
    for fs, tool in tools:
        want = len(tool.nodes)
        for result in _pingpong(tool, "coherence", gfs2.lock_test_seconds, rw=True):
            host = result.get("host", "?")
            if "error" in result:
                findings.add(f"{fs.name}: lock tool failed: {result['error']}", host)
            elif result.get("increment") != want:
                findings.add(
                    f"{fs.name}: data increment {result.get('increment')} (seen "
                    f"{result.get('increments')}), want {want}",
                    host,
                )
    findings.raise_if_any()


def _exclusion(tool: LockTool, kind: str) -> list[str]:
    """Problems seen when one node holds a `kind` lock and the next one wants it."""
    holder, other = tool.nodes[0], tool.nodes[1]
    path, release, marker = (tool.path(f"{kind}.{x}") for x in ("lock", "release", "held"))
    problems: list[str] = []
    held = tool.start(
        holder,
        "hold",
        path,
        "--kind",
        kind,
        "--release",
        release,
        "--marker",
        marker,
        "--timeout",
        180,
        timeout=240,
    )
    waiter = None
    try:
        reported = False
        for _ in poll(timeout=60, interval=0.5):
            reported = tool.exists_on(other, f"{kind}.held")
            if reported or held.done():
                break
        if not reported:
            problems.append(f"{holder.name} never reported holding the lock")
            return problems
        seen = tool.run(other, "probe", path, "--kind", kind, timeout=60)
        if not seen.get("locked"):
            problems.append(f"{other.name} could take the {kind} lock {holder.name} holds")
            return problems
        waiter = tool.start(other, "acquire", path, "--kind", kind, "--timeout", 120, timeout=180)
        time.sleep(2.0)
        if waiter.done() and waiter.result().get("granted"):
            problems.append(f"{other.name} was granted the lock while {holder.name} held it")
    finally:
        tool.run(holder, "write", release, "--size", 1, "--seed", "release", timeout=60)
        held.result()
    granted = waiter.result()
    if not granted.get("granted"):
        problems.append(f"{other.name} was not granted the lock within 120 s of its release")
    return problems


@pytest.mark.parametrize("kind", ["flock", "posix"])
@check(
    "GFS2-012",
    "A lock held on one node is seen held on another and granted once released",
    severity="blocker",
    points=2,
    remediation="flock uses DLM glocks, POSIX locks go through dlm_controld: check that "
    "the filesystem is not mounted with localflocks and that dlm_controld runs everywhere",
)
def test_lock_exclusion(kind: str, tools: list[tuple[Gfs2Filesystem, LockTool]]) -> None:
    findings = Findings(expected=f"{kind} lock exclusive across nodes, handed over on release")
    for fs, tool in tools:
        for problem in _exclusion(tool, kind):
            findings.add(f"{fs.name}: {problem}")
    findings.raise_if_any()


@check(
    "GFS2-013",
    "A file written and closed on one node reads back identically on the others",
    severity="blocker",
    points=2,
    remediation="Stale reads after close mean broken cache coherence: check the kernel log "
    "and that all nodes mount the same device",
)
def test_write_read(tools: list[tuple[Gfs2Filesystem, LockTool]]) -> None:
    findings = Findings(expected="same size and sha256 on every node right after close")
    for fs, tool in tools:
        for index, writer in enumerate(tool.nodes):
            path = tool.path(f"data.{index}")
            wrote = tool.run(
                writer,
                "write",
                path,
                "--size",
                3 * 1024 * 1024 + 17,
                "--seed",
                f"{fs.name}-{writer.name}",
                timeout=120,
            )
            require(
                "error" not in wrote,
                expected="write succeeds",
                found=str(wrote.get("error")),
                host=writer.label,
            )
            for reader in tool.nodes:
                if reader is writer:
                    continue
                read = tool.run(reader, "read", path, timeout=120)
                if (read.get("size"), read.get("sha256")) != (wrote["size"], wrote["sha256"]):
                    findings.add(
                        f"{fs.name}: wrote {wrote['size']} B sha256 "
                        f"{wrote['sha256'][:12]} on {writer.name}, read "
                        f"{read.get('size')} B {str(read.get('sha256'))[:12]}",
                        reader.label,
                    )
    findings.raise_if_any()

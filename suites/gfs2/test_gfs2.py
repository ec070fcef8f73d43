"""GFS2 and DLM, read-only: mounted where expected, clustered locking, journals, health."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.gfs2 import probe
from hacert.gfs2.expect import Gfs2Expect, Gfs2Filesystem, mounting_hosts


def _hosts(cluster: Cluster, fs: Gfs2Filesystem) -> list[str]:
    return mounting_hosts(fs, [n.name for n in cluster.nodes_with("gfs2")])


def _mine(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> list[Gfs2Filesystem]:
    """The filesystems this node must mount (skips the check when there are none)."""
    mine = [fs for fs in gfs2.filesystems if node.name in _hosts(cluster, fs)]
    if not mine:
        pytest.skip(f"not applicable: {node.name} mounts no expected GFS2 filesystem")
    return mine


def _expected_cluster_name(node: Node, gfs2: Gfs2Expect) -> str:
    return gfs2.cluster_name or probe.cluster_name(node)


@check(
    "GFS2-001",
    "Every expected GFS2 filesystem is mounted on this node",
    severity="critical",
    per_host="gfs2",
    profiles=("smoke", "acceptance", "grading"),
    points=2,
    remediation="Mount it (`mount -t gfs2 -o noatime <device> <mountpoint>` or start its "
    "mount unit / Filesystem resource) once corosync and dlm_controld run",
)
def test_mounted(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    mounted = {m.mountpoint: m for m in probe.mounts(node)}
    findings = Findings(
        expected="GFS2 mounted at " + ", ".join(fs.mountpoint for fs in _mine(node, cluster, gfs2))
    )
    for fs in _mine(node, cluster, gfs2):
        if fs.mountpoint not in mounted:
            found = ", ".join(sorted(mounted)) or "no GFS2 mount"
            findings.add(
                f"{fs.mountpoint} ({fs.name}) not mounted; GFS2 mounts: {found}", node.label
            )
    findings.raise_if_any()


@check(
    "GFS2-002",
    "GFS2 uses lock_dlm with the corosync cluster's name in its lock table",
    severity="critical",
    per_host="gfs2",
    remediation="Set the lock table to <corosync cluster_name>:<fsname> with "
    "`tunegfs2 -o locktable=...` (unmounted on all nodes) and the protocol lock_dlm",
)
def test_lock_table(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    cluster_name = _expected_cluster_name(node, gfs2)
    mounted = {m.mountpoint: m for m in probe.mounts(node)}
    findings = Findings(expected=f"lock_dlm, lock table {cluster_name}:<fs name>")
    for fs in _mine(node, cluster, gfs2):
        mount = mounted.get(fs.mountpoint)
        if mount is None:
            findings.add(f"{fs.mountpoint} not mounted (GFS2-001)", node.label)
            continue
        if mount.sysfs is None:
            findings.add(
                f"{fs.mountpoint}: no /sys/fs/gfs2 entry for device {mount.devid}", node.label
            )
            continue
        want = f"{cluster_name}:{fs.name}"
        if mount.sysfs.proto != "lock_dlm" or mount.sysfs.table != want:
            findings.add(
                f"{fs.mountpoint}: {mount.sysfs.proto} table {mount.sysfs.table} "
                f"(want lock_dlm {want})",
                node.label,
            )
    findings.raise_if_any()


@check(
    "GFS2-003",
    "Each GFS2 filesystem has at least one journal per mounting node",
    severity="critical",
    points=2,
    remediation="Add journals: `gfs2_jadd -j <n> <mountpoint>` on one node",
)
def test_journals(cluster: Cluster, gfs2: Gfs2Expect) -> None:
    findings = Findings(expected="journals >= nodes mounting the filesystem")
    for fs in gfs2.filesystems:
        hosts = _hosts(cluster, fs)
        want = fs.min_journals or len(hosts)
        want = max(want, len(hosts))
        node = cluster.node(hosts[0])
        device = fs.device
        if device is None:
            mount = probe.mount_at(node, fs.mountpoint)
            if mount is None:
                findings.add(f"{fs.name}: not mounted on {node.name}, no device to inspect")
                continue
            device = mount.source
        count = probe.journals(node, device)
        if count < want:
            findings.add(
                f"{fs.name} ({device}): {count} journal(s) for {len(hosts)} "
                f"node(s) {', '.join(hosts)}, want >= {want}",
                node.label,
            )
    findings.raise_if_any()


@check(
    "GFS2-004",
    "GFS2 mount options are as expected (noatime)",
    severity="normal",
    per_host="gfs2",
    remediation="Mount with the expected options, e.g. `-o noatime` (atime updates take "
    "cluster-wide locks on every read)",
)
def test_mount_options(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    mounted = {m.mountpoint: m for m in probe.mounts(node)}
    findings = Findings(expected="mount options in effect")
    for fs in _mine(node, cluster, gfs2):
        mount = mounted.get(fs.mountpoint)
        if mount is None:
            findings.add(f"{fs.mountpoint} not mounted (GFS2-001)", node.label)
            continue
        missing = [
            o
            for o in fs.mount_options
            if mount.option(o.split("=")[0]) is None
            or ("=" in o and mount.option(o.split("=")[0]) != o.split("=", 1)[1])
        ]
        if missing:
            findings.add(
                f"{fs.mountpoint}: missing {', '.join(missing)} (has {','.join(mount.options)})",
                node.label,
            )
    findings.raise_if_any()


@check(
    "GFS2-005",
    "No GFS2 filesystem has withdrawn",
    severity="blocker",
    per_host="gfs2",
    profiles=("smoke", "acceptance", "grading"),
    remediation="A withdrawn filesystem stops I/O on that node: unmount it, run `fsck.gfs2` "
    "with the fs unmounted everywhere, find the cause in the kernel log, remount",
)
def test_not_withdrawn(node: Node) -> None:
    findings = Findings(expected="no withdrawn GFS2 filesystem")
    for mount in probe.mounts(node):
        if mount.sysfs is not None and mount.sysfs.withdrawn:
            findings.add(f"{mount.mountpoint} ({mount.sysfs.table}) withdrawn (sysfs)", node.label)
    for line in probe.withdraw_messages(node)[-3:]:
        findings.add(f"kernel log: {line.strip()}", node.label)
    findings.raise_if_any()


@check(
    "GFS2-006",
    "GFS2 quota mode is as expected",
    severity="minor",
    per_host="gfs2",
    remediation="Mount with `-o quota=<on|account|off>` as the inventory expects",
)
def test_quota(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    wanted = [fs for fs in _mine(node, cluster, gfs2) if fs.quota is not None]
    if not wanted:
        pytest.skip("not applicable: no expected quota mode")
    mounted = {m.mountpoint: m for m in probe.mounts(node)}
    findings = Findings(expected="quota mode as expected")
    for fs in wanted:
        mount = mounted.get(fs.mountpoint)
        if mount is None:
            findings.add(f"{fs.mountpoint} not mounted (GFS2-001)", node.label)
            continue
        mode = mount.option("quota") or "off"
        if mode != fs.quota:
            findings.add(f"{fs.mountpoint}: quota={mode}, want {fs.quota}", node.label)
    findings.raise_if_any()


@check(
    "GFS2-007",
    "Shared volume groups under GFS2 are locked cluster-wide (lvmlockd, lock type dlm)",
    severity="critical",
    per_host="gfs2",
    remediation="Create the VG shared (`vgcreate --shared`), run lvmlockd, `vgchange "
    "--lockstart` on every node",
)
def test_shared_vg(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    vgs = sorted({fs.lvm_vg for fs in _mine(node, cluster, gfs2) if fs.lvm_vg})
    if not vgs:
        pytest.skip("not applicable: no GFS2 filesystem on LVM in the inventory")
    findings = Findings(expected=f"VG(s) {', '.join(vgs)} with lock type dlm, lvmlockd running")
    if not node.run(["pidof", "lvmlockd"], timeout=15).ok:
        findings.add("lvmlockd is not running", node.label)
    out = node.output(["vgs", "--noheadings", "-o", "vg_name,vg_lock_type", *vgs], timeout=60)
    types: dict[str, str] = {}
    for line in out.splitlines():
        words = line.split()
        if words:
            types[words[0]] = words[1] if len(words) > 1 else ""
    for vg in vgs:
        if types.get(vg) != "dlm":
            findings.add(f"VG {vg}: lock type {types.get(vg) or 'none/missing'}", node.label)
    findings.raise_if_any()


@check(
    "DLM-001",
    "dlm_controld is running",
    severity="critical",
    per_host="gfs2",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Start it after corosync: `systemctl start dlm` (or the controld resource)",
)
def test_dlm_controld(node: Node) -> None:
    active, how = probe.dlm_daemon_active(node)
    require(active, expected="dlm_controld running", found=how, host=node.label)


@check(
    "DLM-002",
    "Each GFS2 lockspace has every mounting node as a member",
    severity="critical",
    per_host="gfs2",
    points=2,
    remediation="Mount the filesystem on the missing node; check `dlm_tool ls` and "
    "`dlm_tool status` for nodes waiting for fencing",
)
def test_lockspace_members(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    names = probe.node_names(node)
    spaces = {ls.name: ls for ls in probe.dlm_ls(node)}
    findings = Findings(expected="lockspace per filesystem with all mounting nodes")
    for fs in _mine(node, cluster, gfs2):
        ls = spaces.get(fs.name)
        if ls is None:
            findings.add(
                f"no lockspace {fs.name} (have: {', '.join(spaces) or 'none'})", node.label
            )
            continue
        members = sorted(names.get(m, f"nodeid {m}") for m in ls.members)
        missing = sorted(set(_hosts(cluster, fs)) - set(members))
        if missing:
            findings.add(
                f"lockspace {fs.name} members {', '.join(members)}; missing {', '.join(missing)}",
                node.label,
            )
    findings.raise_if_any()


@check(
    "DLM-003",
    "dlm_controld is healthy: quorate, all nodes members, no fencing pending",
    severity="critical",
    per_host="gfs2",
    remediation="Check corosync quorum and `dlm_tool status`; a node waiting for fencing "
    "blocks every lockspace until the fence agent succeeds",
)
def test_dlm_status(node: Node, cluster: Cluster) -> None:
    status = probe.dlm_status(node)
    names = probe.node_names(node)
    findings = Findings(expected="quorate, every gfs2 node a member, no fence pending")
    if not status.quorate:
        findings.add("dlm_controld: cluster not quorate", node.label)
    if status.fence_pid:
        findings.add(f"a fence agent is running (pid {status.fence_pid})", node.label)
    members = {names.get(n, str(n)) for n in status.members}
    missing = sorted({n.name for n in cluster.nodes_with("gfs2")} - members)
    if missing:
        findings.add(f"not members: {', '.join(missing)}", node.label)
    for dlm_node in status.nodes.values():
        if dlm_node.pending_fence:
            findings.add(
                f"node {names.get(dlm_node.nodeid, dlm_node.nodeid)} waits for fencing", node.label
            )
    findings.raise_if_any()


@check(
    "DLM-004",
    "DLM fences failed nodes (enable_fencing=1)",
    severity="blocker",
    per_host="gfs2",
    remediation="Configure fencing for dlm_controld (pacemaker stonith with dlm_stonith, or "
    "`device`/`connect` lines in /etc/dlm/dlm.conf) and remove enable_fencing=0",
)
def test_dlm_fencing(node: Node, cluster: Cluster, gfs2: Gfs2Expect) -> None:
    if not gfs2.dlm_fencing:
        pytest.skip("not applicable: the inventory states DLM runs with enable_fencing=0")
    config = probe.dlm_config(node)
    value = config.get("enable_fencing", "1")
    require(
        value == "1", expected="enable_fencing=1", found=f"enable_fencing={value}", host=node.label
    )

"""Ceph and RBD, read-only: health, quorum, OSDs, PGs, capacity, pools, images, cephx, keyrings."""

from __future__ import annotations

import pytest

from hacert import shell
from hacert.ceph import commands, parse
from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.technologies import BY_NAME


def _skip_unless_ceph_host(node: Node) -> None:
    if not set(BY_NAME["ceph"].roles) & set(node.roles):
        pytest.skip(f"not applicable: {node.name} is neither a ceph-mon nor a ceph-client host")


@check(
    "CEPH-001",
    "Cluster health is HEALTH_OK",
    severity="critical",
    profiles=("smoke", "acceptance", "grading"),
    points=2,
    remediation="Fix each health check `ceph health detail` lists (see the Ceph docs for "
    "its code), or mute a documented exception with `ceph health mute CODE`",
)
def test_health_ok(cluster: Cluster) -> None:
    health = commands.health_detail(cluster)
    accepted = commands.expect_of(cluster).accepted_health_checks
    problems = health.unaccepted(accepted)
    require(
        health.ok or not problems,
        expected="HEALTH_OK" + (f" (tolerating {', '.join(accepted)})" if accepted else ""),
        found=f"{health.status}: " + "; ".join(c.describe() for c in problems),
    )


@check(
    "CEPH-002",
    "Monitors are in quorum as expected",
    severity="critical",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Start the missing monitors (`systemctl start ceph-mon@<host>`) and check "
    "their network (ports 3300/6789)",
)
def test_mon_quorum(cluster: Cluster) -> None:
    st = commands.status(cluster)
    wanted = commands.expect_of(cluster).mons or [n.name for n in cluster.nodes_with("ceph-mon")]
    missing = sorted(set(wanted) - set(st.quorum_names))
    require(
        not missing and (st.num_mons is None or len(st.quorum_names) == st.num_mons),
        expected=f"in quorum: {', '.join(wanted)} (every monitor of the monmap)",
        found=f"quorum {', '.join(st.quorum_names) or 'none'} of {st.num_mons} monitors"
        + (f"; missing {', '.join(missing)}" if missing else ""),
    )


@check(
    "CEPH-003",
    "All OSDs are up and in",
    severity="critical",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Start the down OSDs (`systemctl start ceph-osd@<id>`), check their logs, "
    "and mark them in (`ceph osd in <id>`)",
)
def test_osds_up_in(cluster: Cluster) -> None:
    dump = commands.osd_dump(cluster)
    wanted = commands.expect_of(cluster).osds
    findings = Findings(
        expected="every OSD up and in" + (f", {wanted} OSDs" if wanted is not None else "")
    )
    if wanted is not None and len(dump.osds) != wanted:
        findings.add(f"{len(dump.osds)} OSDs exist")
    for osd in dump.osds.values():
        if not osd.up or not osd.in_:
            findings.add(
                f"osd.{osd.id} is {'up' if osd.up else 'down'}/{'in' if osd.in_ else 'out'}"
            )
    findings.raise_if_any()


@check(
    "CEPH-004",
    "All placement groups are active+clean",
    severity="critical",
    profiles=("smoke", "acceptance", "grading"),
    remediation="Let recovery finish; for stuck PGs see `ceph pg dump_stuck` and "
    "`ceph health detail`",
)
def test_pgs_clean(cluster: Cluster) -> None:
    st = commands.status(cluster)
    unclean = st.unclean_pgs
    require(
        not unclean,
        expected=f"all {st.num_pgs} PGs active+clean",
        found=", ".join(f"{n} {state}" for state, n in sorted(unclean.items())),
    )


@check(
    "CEPH-005",
    "No OSD is full or nearfull",
    severity="critical",
    remediation="Add capacity or delete data; rebalance with `ceph osd reweight-by-utilization`",
)
def test_no_full_osds(cluster: Cluster) -> None:
    dump = commands.osd_dump(cluster)
    usage = commands.osd_df(cluster)
    health = commands.health_detail(cluster)
    findings = Findings(expected=f"every OSD below the nearfull ratio ({dump.nearfull_ratio:.0%})")
    for code in ("OSD_FULL", "OSD_BACKFILLFULL", "OSD_NEARFULL", "POOL_FULL", "POOL_NEARFULL"):
        if code in health.checks:
            findings.add(health.checks[code].describe())
    for osd_id, percent in sorted(usage.items()):
        if percent / 100 >= dump.nearfull_ratio:
            findings.add(f"osd.{osd_id} is {percent:.1f}% full")
    findings.raise_if_any()


@check(
    "CEPH-006",
    "Pools have the expected replication (no size-1 pools)",
    severity="critical",
    profiles=("acceptance", "grading"),
    remediation="`ceph osd pool set <pool> size 3` and `... min_size 2`; create missing "
    "pools with `ceph osd pool create`",
)
def test_pool_replication(cluster: Cluster) -> None:
    expect = commands.expect_of(cluster)
    pools = commands.osd_dump(cluster).pools
    allow_size_one = expect.allow_size_one_pools
    findings = Findings(
        expected="pools "
        + (
            ", ".join(f"{p.name} size {p.size}/min_size {p.min_size}" for p in expect.pools)
            or "with redundancy"
        )
        + ("" if allow_size_one else "; no replicated pool with size 1")
    )
    for want in expect.pools:
        pool = pools.get(want.name)
        if pool is None:
            findings.add(f"pool {want.name} is missing")
            continue
        if want.size is not None and pool.size != want.size:
            findings.add(f"pool {pool.name} has size {pool.size}, not {want.size}")
        if want.min_size is not None and pool.min_size != want.min_size:
            findings.add(f"pool {pool.name} has min_size {pool.min_size}, not {want.min_size}")
        if want.application and want.application not in pool.applications:
            findings.add(f"pool {pool.name} lacks application {want.application}")
    if not allow_size_one:
        for pool in pools.values():
            if pool.replicated and pool.size <= 1:
                findings.add(f"pool {pool.name} has size {pool.size} (no redundancy)")
    findings.raise_if_any()


@check(
    "CEPH-007",
    "OSDs use BlueStore",
    severity="normal",
    profiles=("acceptance", "grading"),
    remediation="Redeploy FileStore OSDs as BlueStore (`ceph-volume lvm migrate` is not "
    "enough: destroy and recreate them one by one)",
)
def test_objectstore(cluster: Cluster) -> None:
    wanted = commands.expect_of(cluster).objectstore
    if not wanted:
        return
    stores = commands.osd_objectstores(cluster)
    other = {i: s for i, s in sorted(stores.items()) if s != wanted}
    require(
        stores and not other,
        expected=f"every OSD on {wanted}",
        found=", ".join(f"osd.{i} on {s}" for i, s in other.items()) or "no OSD metadata",
    )


@check(
    "CEPH-008",
    "cephx authentication is required",
    severity="critical",
    per_host="*",
    profiles=("acceptance", "grading"),
    remediation="Set auth_cluster_required, auth_service_required and auth_client_required "
    "to cephx in /etc/ceph/ceph.conf on every host",
)
def test_cephx(node: Node, cluster: Cluster) -> None:
    _skip_unless_ceph_host(node)
    lookup = node.output(
        "for k in auth_cluster_required auth_service_required auth_client_required; "
        "do echo $k=$(ceph-conf --lookup $k 2>/dev/null); done",
        timeout=20,
    )
    settings = parse.parse_auth_lookup(lookup)
    if not commands.expect_of(cluster).cephx:
        return
    weak = {k: v for k, v in settings.items() if v not in ("cephx", "")}
    require(
        not weak,
        expected="auth_*_required = cephx",
        found=", ".join(f"{k} = {v}" for k, v in weak.items()),
        host=node.label,
    )


@check(
    "CEPH-009",
    "Client keyrings are readable by root only",
    severity="critical",
    per_host="*",
    profiles=("acceptance", "grading"),
    remediation="`chown root:root /etc/ceph/*.client.*.keyring; "
    "chmod 600 /etc/ceph/*.client.*.keyring`",
)
def test_keyring_modes(node: Node, cluster: Cluster) -> None:
    _skip_unless_ceph_host(node)
    pattern = commands.expect_of(cluster).keyring_glob
    keyrings = shell.glob_args(pattern)
    result = node.run(f"{keyrings}; stat -c '%n %a %U %G' -- \"$@\" 2>/dev/null", timeout=20)
    modes = parse.parse_stat(result.stdout)
    findings = Findings(expected=f"{pattern}: present, owner root, mode 0600 or stricter")
    if not modes and "ceph-client" in node.roles:
        findings.add(f"no keyring matches {pattern}", node.label)
    for m in modes:
        if m.owner != "root" or m.world_or_group_readable:
            findings.add(f"{m.path} is {m.mode:04o} {m.owner}:{m.group}", node.label)
    findings.raise_if_any()


@check(
    "CEPH-010",
    "Client hosts reach the cluster with their keyring",
    severity="critical",
    per_host="ceph-client",
    applies_to=("ceph-client",),
    profiles=("smoke", "acceptance", "grading"),
    remediation="Copy /etc/ceph/ceph.conf and the client keyring to the host; check the "
    "client's caps with `ceph auth get client.<id>`",
)
def test_client_access(node: Node, cluster: Cluster) -> None:
    st = commands.status(cluster, node=node)
    require(
        bool(st.fsid),
        expected="`ceph status` answers from the client",
        found="no fsid in the answer",
        host=node.label,
    )


@check(
    "RBD-001",
    "Expected RBD images exist with the expected features",
    severity="critical",
    profiles=("acceptance", "grading"),
    remediation="`rbd create <pool>/<image> --size <size> --image-feature <feature>` or "
    "`rbd feature enable <pool>/<image> <feature>`",
)
def test_rbd_images(cluster: Cluster) -> None:
    expect = commands.expect_of(cluster)
    if not expect.images:
        pytest.skip("not applicable: the inventory expects no RBD image")
    findings = Findings(
        expected="images "
        + ", ".join(
            f"{i.spec}" + (f" with {'/'.join(i.features)}" if i.features else "")
            for i in expect.images
        )
    )
    for want in expect.images:
        image = commands.rbd_info(cluster, want.pool, want.name)
        if image is None:
            findings.add(f"{want.spec} does not exist")
            continue
        missing = sorted(set(want.features) - set(image.features))
        if missing:
            findings.add(f"{want.spec} lacks {', '.join(missing)}")
        if want.min_size_bytes is not None and image.size < want.min_size_bytes:
            findings.add(f"{want.spec} is {image.size} bytes, < {want.min_size_bytes}")
    findings.raise_if_any()

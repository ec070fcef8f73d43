"""fio throughput and latency on each storage technology's scratch targets (marker ``perf``).

Every profile of ``perf/fio/`` runs against every scratch target the inventory names; the
figures go to the perf store and are compared with the inventory's floors. Nothing is
written to a device or image the inventory does not name as scratch.
"""

from __future__ import annotations

import pytest

from hacert.ceph import commands as ceph
from hacert.checks import check, require
from hacert.cluster import Cluster, Node
from hacert.fio import report, safety
from hacert.fio.profiles import profile_names
from hacert.fio.targets import FioTarget
from hacert.iscsi.expect import IscsiExpect
from hacert.nvmeof.expect import NvmeofExpect

PROFILES = profile_names()


def _client(cluster: Cluster, role: str) -> Node:
    nodes = [n for n in cluster.nodes_with(role) if "fio-client" in n.roles]
    if not nodes:
        pytest.skip(f"not applicable: no host with roles {role} and fio-client")
    return nodes[0]


def _wait_ceph_healthy(cluster: Cluster, timeout: float) -> None:
    if not cluster.has_role("ceph-mon", "ceph-client"):
        return
    health = ceph.wait_health_ok(cluster, timeout)
    require(
        health.ok,
        expected=f"HEALTH_OK within {timeout:g} s before the fio run",
        found=f"{health.status}: " + "; ".join(c.describe() for c in health.checks.values()),
    )


@pytest.mark.parametrize("profile_name", PROFILES)
@check(
    "RBD-101",
    "fio through librbd on the scratch RBD images meets the floors",
    severity="normal",
    perf=True,
    applies_to=("ceph-client",),
    profiles=("full",),
    remediation="Check the OSDs' backing disks, the public network and client CPU",
)
def test_fio_rbd(cluster: Cluster, profile_name: str, request: pytest.FixtureRequest) -> None:
    expect = ceph.expect_of(cluster)
    profile = report.selected_profile(profile_name, expect.fio, "expect.ceph")
    specs = expect.fio_targets()
    if not specs:
        pytest.skip(
            "not applicable: no scratch RBD image in the inventory (expect.ceph.images[].scratch)"
        )
    node = _client(cluster, "ceph-client")
    scratch = [i.spec for i in expect.scratch_images]
    for spec in specs:
        pool, _, name = spec.partition("/")
        _wait_ceph_healthy(cluster, expect.fio.health_timeout_s)
        info = ceph.rbd_info(cluster, pool, name)
        require(
            info is not None,
            expected=f"fio target image {spec} exists",
            found="it does not",
            fix=f"rbd create {spec} --size 1G",
        )
        reason = safety.refuse_rbd(
            spec, scratch, ceph.rbd_watchers(cluster, pool, name), info.metadata if info else None
        )
        if reason:
            pytest.skip(reason)
        target = FioTarget.rbd(pool, name, expect.client_id)
        report.measure(
            request,
            cluster,
            node,
            profile=profile,
            target=target,
            settings=expect.fio,
            floors=expect.floors,
        )


@check(
    "RBD-102",
    "fio on a kernel-mapped RBD device meets the floors",
    severity="normal",
    perf=True,
    applies_to=("ceph-client",),
    profiles=("full",),
    remediation="Load the rbd kernel module (`modprobe rbd`) on the client hosts",
)
def test_fio_krbd(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    expect = ceph.expect_of(cluster)
    if not expect.scratch_images:
        pytest.skip("not applicable: no scratch RBD image in the inventory")
    node = _client(cluster, "ceph-client")
    if not node.run(["test", "-d", "/sys/bus/rbd"]).ok:
        pytest.skip(
            f"not applicable: the kernel of {node.name} cannot map RBD images "
            "(no rbd module: /sys/bus/rbd is missing; on the lab's container hosts "
            "modules cannot be loaded)"
        )
    image = expect.scratch_images[0]
    auth = ceph.client_args(cluster)
    reason = safety.refuse_rbd(
        image.spec,
        [i.spec for i in expect.scratch_images],
        ceph.rbd_watchers(cluster, image.pool, image.name),
    )
    if reason:
        pytest.skip(reason)
    device = node.output(["rbd", *auth, "map", image.spec], timeout=60).strip()
    try:
        _wait_ceph_healthy(cluster, expect.fio.health_timeout_s)
        profile = report.selected_profile("seq-read-1m", expect.fio, "expect.ceph")
        report.measure(
            request,
            cluster,
            node,
            profile=profile,
            target=FioTarget.block(device),
            settings=expect.fio,
            floors=expect.floors,
        )
    finally:
        node.run(["rbd", *auth, "unmap", device], timeout=60)


def _block_targets(node: Node, wanted: list[str], scratch: list[str]) -> list[FioTarget]:
    if not wanted:
        pytest.skip("not applicable: the inventory names no scratch device for this host")
    targets = []
    resolved = {p: safety.realpath(node, p) for p in {*wanted, *scratch}}
    for path in wanted:
        state = safety.inspect_device(node, resolved[path])
        reason = safety.refuse_block(state, scratch, resolved)
        if reason:
            pytest.skip(reason)
        targets.append(FioTarget.block(resolved[path]))
    return targets


def _fio_on_scratch_devices(
    request: pytest.FixtureRequest,
    cluster: Cluster,
    node: Node,
    profile_name: str,
    expect: IscsiExpect | NvmeofExpect,
    section: str,
) -> None:
    """Runs one profile on every scratch block device ``section`` names for ``node``."""
    profile = report.selected_profile(profile_name, expect.fio, section)
    if "fio-client" not in node.roles:
        pytest.skip(f"not applicable: {node.name} has no fio-client role")
    for target in _block_targets(node, expect.fio_targets(), expect.scratch_devices):
        report.measure(
            request,
            cluster,
            node,
            profile=profile,
            target=target,
            settings=expect.fio,
            floors=expect.floors,
        )


@pytest.mark.parametrize("profile_name", PROFILES)
@check(
    "ISCSI-101",
    "fio on the initiators' scratch iSCSI LUNs meets the floors",
    severity="normal",
    perf=True,
    per_host="iscsi-initiator",
    applies_to=("iscsi-initiator",),
    profiles=("full",),
    remediation="Check the network path to the portal, the target's backstore and the "
    "initiator's queue depth (node.session.queue_depth)",
)
def test_fio_iscsi(
    cluster: Cluster, node: Node, profile_name: str, request: pytest.FixtureRequest
) -> None:
    expect = cluster.expect.iscsi or IscsiExpect()
    _fio_on_scratch_devices(request, cluster, node, profile_name, expect, "expect.iscsi")


@pytest.mark.parametrize("profile_name", PROFILES)
@check(
    "NVMEOF-101",
    "fio on the hosts' scratch NVMe-oF namespaces meets the floors",
    severity="normal",
    perf=True,
    per_host="nvmeof-host",
    applies_to=("nvmeof-host",),
    profiles=("full",),
    remediation="Check the fabric (MTU, NIC offloads), the target's backing device and the "
    "number of I/O queues (`nvme connect -i`)",
)
def test_fio_nvmeof(
    cluster: Cluster, node: Node, profile_name: str, request: pytest.FixtureRequest
) -> None:
    expect = cluster.expect.nvmeof or NvmeofExpect()
    _fio_on_scratch_devices(request, cluster, node, profile_name, expect, "expect.nvmeof")


@pytest.mark.parametrize("profile_name", PROFILES)
@check(
    "GFS2-101",
    "fio on a file in the scratch directory of a GFS2 filesystem meets the floors",
    severity="normal",
    perf=True,
    per_host="gfs2",
    applies_to=("gfs2",),
    profiles=("full",),
    remediation="Check DLM lock traffic, the shared disk's latency and the journal size",
)
def test_fio_gfs2_file(
    cluster: Cluster, node: Node, profile_name: str, request: pytest.FixtureRequest
) -> None:
    # Needs expect.gfs2.scratch_dirs / fio / floors (owned by the GFS2 model); until the
    # inventory names a scratch directory nothing is written.
    expect = cluster.expect.gfs2
    scratch_dirs: list[str] = list(getattr(expect, "scratch_dirs", None) or [])
    settings = getattr(expect, "fio", None)
    if not scratch_dirs or settings is None:
        pytest.skip(
            "not applicable: the inventory names no GFS2 scratch directory "
            "(expect.gfs2.scratch_dirs)"
        )
    if "fio-client" not in node.roles:
        pytest.skip(f"not applicable: {node.name} has no fio-client role")
    profile = report.selected_profile(profile_name, settings, "expect.gfs2")
    path = f"{scratch_dirs[0].rstrip('/')}/hacert-fio-{node.name}"
    reason = safety.refuse_file(path, scratch_dirs)
    if reason:
        pytest.skip(reason)
    node.output(["mkdir", "-p", scratch_dirs[0]])
    try:
        report.measure(
            request,
            cluster,
            node,
            profile=profile,
            target=FioTarget.file(path),
            settings=settings,
            floors=dict(getattr(expect, "floors", {}) or {}),
        )
    finally:
        node.run(["rm", "-f", "--", path])

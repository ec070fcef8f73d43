"""Live migration between hypervisors: single, ping-pong, cancelled, postcopy (destructive)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import pytest

from hacert.checks import Findings, check, fail
from hacert.cluster import Cluster, Node
from hacert.reporting import attach_text, perf_recorder, record
from hacert.virt import faults, migration, probes, rawqemu, select, state
from hacert.virt import guest as guestmod
from hacert.virt.expect import MigrationExpect, ScratchGuest
from hacert.virt.migration import MigrationRun, SerialConsole

REMEDIATION = (
    "Check that the hypervisors reach each other (`virsh -c qemu+ssh://<dst>/system list`), "
    "run the same QEMU/libvirt and CPU model, and that the migration network is fast enough "
    "for the downtime SLO (`virsh migrate-setmaxdowntime`, `--bandwidth`)"
)


def _expect(cluster: Cluster) -> MigrationExpect:
    virt = cluster.expect.virt
    if virt is None or virt.migration is None:
        pytest.skip(f"not applicable: cluster {cluster.name} has no expect.virt.migration")
    if len(select.hypervisors(cluster)) < 2:
        pytest.skip("not applicable: fewer than two hypervisors")
    expect = virt.migration
    if expect.method != "libvirt":
        pytest.skip("not applicable: expect.virt.migration.method is not libvirt")
    if expect.guest is None and expect.test_guest is None:
        pytest.skip("not applicable: neither migration.guest nor migration.test_guest is set")
    return expect


def _involved(pairs: list[tuple[Node, Node]]) -> list[Node]:
    return list({id(n): n for pair in pairs for n in pair}.values())


@contextmanager
def _guest_on(
    cluster: Cluster, node: Node, expect: MigrationExpect, hosts: list[Node]
) -> Iterator[tuple[str, SerialConsole]]:
    """The guest to migrate, running on `node`; the hosts' domains/networks verified after.

    Either the transient test guest (defined here, removed after) or an existing guest
    (`migration.guest`), which must have a file-backed serial console printing the counter;
    a pacemaker-managed one is unmanaged for the duration and comes back home at the end.
    """
    before = state.snapshot(cluster, hosts)
    if expect.guest is None:
        assert expect.test_guest is not None
        with faults.test_guest(cluster, node, expect.test_guest, hosts) as console:
            yield expect.test_guest.name, console
    else:
        with _existing_guest(cluster, node, expect.guest, expect) as console:
            yield expect.guest, console
    changed = state.differences(before, state.snapshot(cluster, hosts))
    if changed:
        raise AssertionError(f"virt state not restored after migration: {'; '.join(changed)}")


@contextmanager
def _existing_guest(
    cluster: Cluster, node: Node, name: str, expect: MigrationExpect
) -> Iterator[SerialConsole]:
    if probes.domstate(node, name) != "running":
        pytest.skip(f"not applicable: {name} does not run on {node.name}, the first source")
    logs = probes.domain_xml(node, name).serial_logs
    if not logs:
        pytest.skip(
            f"not applicable: {name} has no file-backed serial console to prove it "
            "survived; use migration.test_guest"
        )
    pattern = (expect.test_guest or ScratchGuest(kernel="-")).tick_pattern
    want = select.domain_expect(cluster.expect.virt, name)
    pcmk = cluster.nodes_with("pacemaker")
    keep = (
        faults.pacemaker_unmanaged(pcmk[0], want.pacemaker_resource)
        if want and want.pacemaker_resource and pcmk
        else nullcontext()
    )
    with keep:
        yield SerialConsole(logs[0], pattern)


def _record(request: pytest.FixtureRequest, cluster: Cluster, run: MigrationRun, kind: str) -> None:
    recorder = perf_recorder(request)
    target = f"{run.domain}:{run.source}->{run.destination}"
    figures: dict[str, tuple[Any, str]] = {"wall_time": (run.wall_s * 1000, "ms")}
    if run.stats:
        figures |= {
            "total_time": (run.stats.total_time_ms, "ms"),
            "downtime": (run.stats.downtime_ms, "ms"),
            "setup_time": (run.stats.setup_time_ms, "ms"),
            "transferred": ((run.stats.transferred_bytes or 0) / 1024**2, "MiB"),
            "throughput": (run.stats.throughput_mib_s, "MiB/s"),
        }
    for metric, (value, unit) in figures.items():
        if value is None:
            continue
        direction = "higher" if metric == "throughput" else "lower"
        record(
            recorder,
            metric=f"migration.{kind}.{metric}",
            value=float(value),
            unit=unit,
            direction=direction,
            target=target,
            cluster=cluster.name,
        )


@check(
    "MIGRATION-001",
    "A running guest live-migrates between every pair of hypervisors within the downtime SLO",
    severity="critical",
    destructive=True,
    perf=True,
    profiles=("full",),
    remediation=REMEDIATION,
)
def test_live_migration(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    expect = _expect(cluster)
    pairs = select.chain(select.migration_pairs(cluster, expect.pairs))
    findings = Findings(
        expected=f"each migration completes, guest running on the destination "
        f"only, counter continued, downtime <= {expect.max_downtime_ms:g} ms"
    )
    runs: list[MigrationRun] = []
    # A chain a->b, b->c, … visits every ordered pair with one guest where possible.
    with _guest_on(cluster, pairs[0][0], expect, _involved(pairs)) as (domain, console):
        where = pairs[0][0]
        for source, destination in pairs:
            if source is not where:
                hop = migration.migrate(where, source, domain, console, expect)
                if hop.error:
                    findings.add(f"repositioning: {hop.summary()}")
                    break
            run = migration.migrate(source, destination, domain, console, expect)
            runs.append(run)
            _record(request, cluster, run, "live")
            for problem in run.problems(expect):
                findings.add(problem)
            if run.error:
                break
            where = destination
    attach_text("migrations", "\n".join(r.summary() for r in runs))
    findings.raise_if_any()


@check(
    "MIGRATION-002",
    "Ping-pong: the guest migrates back and forth N times and survives every hop",
    severity="normal",
    destructive=True,
    perf=True,
    profiles=("full",),
    remediation=REMEDIATION,
)
def test_ping_pong(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    expect = _expect(cluster)
    source, destination = select.migration_pairs(cluster, expect.pairs)[0]
    findings = Findings(
        expected=f"{expect.round_trips} round trips {source.name}<->"
        f"{destination.name}, every hop within the SLO"
    )
    runs: list[MigrationRun] = []
    with _guest_on(cluster, source, expect, [source, destination]) as (domain, console):
        for _ in range(expect.round_trips):
            for a, b in ((source, destination), (destination, source)):
                run = migration.migrate(a, b, domain, console, expect)
                runs.append(run)
                _record(request, cluster, run, "pingpong")
                for problem in run.problems(expect):
                    findings.add(problem)
                if run.error:
                    break
            if findings:
                break
    attach_text("ping-pong", "\n".join(r.summary() for r in runs))
    findings.raise_if_any()


@check(
    "MIGRATION-003",
    "A cancelled migration leaves the guest running on the source",
    severity="critical",
    destructive=True,
    profiles=("full",),
    remediation="A guest that is lost or paused after `virsh domjobabort` is a libvirt/QEMU "
    "defect: resume it (`virsh resume`) and report it",
)
def test_cancelled_migration(cluster: Cluster) -> None:
    expect = _expect(cluster)
    source, destination = select.migration_pairs(cluster, expect.pairs)[0]
    with _guest_on(cluster, source, expect, [source, destination]) as (domain, console):
        run = migration.migrate_and_cancel(source, destination, domain, console, expect)
    attach_text("cancelled migration", repr(run))
    findings = Findings(
        expected="guest running on the source, nothing on the destination, counter continued"
    )
    for problem in run.problems():
        findings.add(problem)
    findings.raise_if_any()


@check(
    "MIGRATION-004",
    "A post-copy live migration completes and the guest survives",
    severity="normal",
    destructive=True,
    perf=True,
    profiles=("full",),
    remediation="Post-copy needs userfaultfd on the destination "
    "(`sysctl vm.unprivileged_userfaultfd` or CAP_SYS_PTRACE for QEMU) and a reliable network",
)
def test_postcopy(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    expect = _expect(cluster)
    if not expect.postcopy:
        pytest.skip("not applicable: expect.virt.migration.postcopy is false")
    source, destination = select.migration_pairs(cluster, expect.pairs)[0]
    with _guest_on(cluster, source, expect, [source, destination]) as (domain, console):
        run = migration.migrate(
            source,
            destination,
            domain,
            console,
            expect,
            extra=("--postcopy", "--postcopy-after-precopy"),
        )
    _record(request, cluster, run, "postcopy")
    attach_text("post-copy migration", run.summary())
    findings = Findings(expected="post-copy migration completes within the SLO")
    for problem in run.problems(expect):
        findings.add(problem)
    findings.raise_if_any()


@check(
    "MIGRATION-005",
    "A bare QEMU guest live-migrates over QMP (the path for hosts without libvirt)",
    severity="critical",
    destructive=True,
    perf=True,
    profiles=("full",),
    remediation="Check the migration port is reachable between the hosts and both run the same "
    "QEMU with the same machine type and CPU model",
)
def test_raw_qmp_migration(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    virt = cluster.expect.virt
    expect = virt.migration if virt else None
    if expect is None or not (expect.method == "qmp" or expect.raw_qmp):
        pytest.skip("not applicable: expect.virt.migration has neither method qmp nor raw_qmp")
    if expect.test_guest is None:
        pytest.skip("not applicable: the QMP path needs migration.test_guest")
    source, destination = select.migration_pairs(cluster, expect.pairs)[0]
    guest = expect.test_guest.model_copy(update={"name": f"{expect.test_guest.name}-qmp"})
    kvm = cluster.platform.kvm
    a, b = rawqemu.RawGuest(guest.name, source), rawqemu.RawGuest(guest.name, destination)
    console = SerialConsole(guestmod.serial_log(guest), guest.tick_pattern)
    try:
        rawqemu.start(a, guest, kvm)
        if len(console.wait_ticks(source, 0, 2, guest.boot_timeout_s)) < 2:
            fail(
                expected=f"the bare QEMU guest prints ticks within {guest.boot_timeout_s:g} s",
                found="no tick",
                host=source.label,
            )
        run = rawqemu.migrate(a, b, guest=guest, kvm=kvm, console=console, expect=expect)
    finally:
        for raw in (a, b):
            rawqemu.stop(raw)
            raw.node.run(["rm", "-f", guestmod.serial_log(guest)], timeout=10)
    _record(request, cluster, run, "qmp")
    attach_text("QMP migration", run.summary())
    findings = Findings(expected="QMP migration completes, guest carries on at the destination")
    for problem in run.problems(expect):
        findings.add(problem)
    findings.raise_if_any()

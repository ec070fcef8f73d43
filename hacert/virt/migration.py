"""Live migration through libvirt, with the figures and the proof that the guest survived."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hacert import shell
from hacert.cluster import Node
from hacert.virt import guest as guestmod
from hacert.virt import probes
from hacert.virt.expect import MigrationExpect
from hacert.virt.probes import VIRSH
from hacert.virt.qmp import MigrationStats, stats_from_domjobinfo
from hacert.wait import poll


@dataclass
class SerialConsole:
    """The guest's file-backed serial console; each host has its own copy of the file."""

    path: str
    pattern: str

    def size(self, node: Node) -> int:
        out = node.run(["stat", "-c", "%s", self.path], timeout=10)
        return int(out.stdout.strip()) if out.ok and out.stdout.strip().isdigit() else 0

    def ticks(self, node: Node, offset: int = 0) -> list[int]:
        result = node.run(f"tail -c +{offset + 1} {shell.quote(self.path)}", timeout=15)
        return guestmod.ticks(result.stdout, self.pattern) if result.ok else []

    def wait_ticks(self, node: Node, offset: int, count: int, timeout: float) -> list[int]:
        found: list[int] = []
        for _ in poll(timeout=timeout, interval=0.5):
            found = self.ticks(node, offset)
            if len(found) >= count:
                break
        return found


@dataclass
class MigrationRun:
    source: str
    destination: str
    domain: str
    wall_s: float
    error: str | None = None
    stats: MigrationStats | None = None
    on_destination: str | None = None
    on_source: str | None = None
    tick_before: int | None = None
    ticks_after: list[int] = field(default_factory=list)
    survival_problem: str | None = None

    @property
    def label(self) -> str:
        return f"{self.domain} {self.source}->{self.destination}"

    def problems(self, expect: MigrationExpect) -> list[str]:
        found = []
        if self.error:
            return [f"{self.label}: migration failed: {self.error}"]
        if self.on_destination != "running":
            found.append(f"{self.label}: {self.on_destination or 'absent'} on destination")
        if self.on_source not in (None, "shut off"):
            found.append(f"{self.label}: still {self.on_source} on source")
        if self.survival_problem:
            found.append(f"{self.label}: {self.survival_problem}")
        downtime = self.stats.downtime_ms if self.stats else None
        if downtime is None:
            found.append(f"{self.label}: no downtime figure reported")
        elif downtime > expect.max_downtime_ms:
            found.append(
                f"{self.label}: downtime {downtime:g} ms > SLO {expect.max_downtime_ms:g} ms"
            )
        if self.wall_s > expect.max_total_s:
            found.append(f"{self.label}: took {self.wall_s:.1f} s > {expect.max_total_s:g} s")
        return found

    def summary(self) -> str:
        s = self.stats
        if self.error or s is None:
            return f"{self.label}: FAILED {self.error}"
        return (
            f"{self.label}: wall {self.wall_s:.2f} s, total {s.total_time_ms} ms, "
            f"downtime {s.downtime_ms} ms, setup {s.setup_time_ms} ms, "
            f"transferred {(s.transferred_bytes or 0) / 1024**2:.1f} MiB, "
            f"{s.throughput_mib_s or 0:.1f} MiB/s, ticks {self.tick_before}->"
            f"{self.ticks_after[:1]}..{self.ticks_after[-1:]}"
        )


def migrate_argv(
    domain: str, destination: Node, expect: MigrationExpect, extra: tuple[str, ...] = ()
) -> list[object]:
    uri = expect.destination_uri.format(name=destination.name, address=destination.address)
    data = expect.migrate_uri.format(name=destination.name, address=destination.address)
    argv: list[object] = [*VIRSH, "migrate", "--live", *extra, domain, uri, "--migrateuri", data]
    if expect.bandwidth_mib_s:
        argv += ["--bandwidth", expect.bandwidth_mib_s]
    return argv


def migrate(
    source: Node,
    destination: Node,
    domain: str,
    console: SerialConsole,
    expect: MigrationExpect,
    *,
    extra: tuple[str, ...] = (),
) -> MigrationRun:
    """One live migration; proves the guest left the source and carried on at the destination."""
    before = console.ticks(source)
    offset = console.size(destination)
    if expect.downtime_limit_ms:
        source.run(
            [*VIRSH, "migrate-setmaxdowntime", domain, expect.downtime_limit_ms],
            timeout=20,
            check=True,
        )
    started = time.monotonic()
    result = source.run(migrate_argv(domain, destination, expect, extra), timeout=expect.timeout_s)
    run = MigrationRun(source.name, destination.name, domain, time.monotonic() - started)
    run.tick_before = before[-1] if before else None
    if not result.ok:
        run.error = result.describe()
        return run
    info = destination.run([*VIRSH, "domjobinfo", "--completed", domain], timeout=20)
    run.stats = stats_from_domjobinfo(info.stdout) if info.ok else None
    run.on_destination = probes.domstate(destination, domain)
    run.on_source = probes.domstate(source, domain)
    run.ticks_after = console.wait_ticks(destination, offset, 2, timeout=20)
    if run.tick_before is None:
        run.survival_problem = "the guest printed no tick on the source before migrating"
    else:
        run.survival_problem = guestmod.continued(run.tick_before, run.ticks_after)
    return run


@dataclass
class CancelRun:
    source: str
    destination: str
    domain: str
    job_seen: bool
    abort_error: str | None
    on_source: str | None
    on_destination: str | None
    ticks_after: list[int]
    tick_before: int | None
    migrate_output: str

    def problems(self) -> list[str]:
        label = f"{self.domain} {self.source}->{self.destination} (cancelled)"
        found = []
        if not self.job_seen:
            found.append(f"{label}: the migration job never showed up on the source")
        if self.abort_error:
            found.append(f"{label}: domjobabort failed: {self.abort_error}")
        if self.on_source != "running":
            found.append(f"{label}: {self.on_source or 'absent'} on source after the cancel")
        if self.on_destination is not None:
            found.append(f"{label}: left behind on destination ({self.on_destination})")
        if self.tick_before is None:
            found.append(f"{label}: no tick before the cancel")
        else:
            problem = guestmod.continued(self.tick_before, self.ticks_after)
            if problem:
                found.append(f"{label}: {problem}")
        return found


def migrate_and_cancel(
    source: Node, destination: Node, domain: str, console: SerialConsole, expect: MigrationExpect
) -> CancelRun:
    """Starts a deliberately slow migration (1 MiB/s) and aborts it mid-way."""
    slow = expect.model_copy(update={"bandwidth_mib_s": 1})
    log = f"/tmp/hacert-migrate-cancel-{domain}.log"
    before = console.ticks(source)
    offset = console.size(source)
    line = shell.join(migrate_argv(domain, destination, slow))
    source.run(f"setsid nohup {line} > {shell.quote(log)} 2>&1 < /dev/null &", check=True)
    job_seen = _wait(
        lambda: "Unbounded" in source.run([*VIRSH, "domjobinfo", domain], timeout=15).stdout, 20
    )
    abort = source.run([*VIRSH, "domjobabort", domain], timeout=30)
    _wait(lambda: "None" in source.run([*VIRSH, "domjobinfo", domain], timeout=15).stdout, 30)
    time.sleep(1)
    output = source.run(["cat", log], timeout=10).stdout
    source.run(["rm", "-f", log], timeout=10)
    return CancelRun(
        source=source.name,
        destination=destination.name,
        domain=domain,
        job_seen=job_seen,
        abort_error=None if abort.ok else abort.describe(),
        on_source=probes.domstate(source, domain),
        on_destination=probes.domstate(destination, domain),
        ticks_after=console.wait_ticks(source, offset, 2, timeout=20),
        tick_before=before[-1] if before else None,
        migrate_output=output.strip(),
    )


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    return any(predicate() for _ in poll(timeout=timeout, interval=0.3))

"""Bare QEMU guests driven over QMP: the migration path for hosts without libvirt."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hacert import shell
from hacert.cluster import Node
from hacert.errors import UnexpectedOutput
from hacert.virt import guest as guestmod
from hacert.virt.expect import MigrationExpect, ScratchGuest
from hacert.virt.migration import MigrationRun, SerialConsole
from hacert.virt.qmp import QmpError, stats_from_query_migrate
from hacert.wait import poll

CLIENT = Path(__file__).parent / "remote" / "qmp_client.py"


def qmp(node: Node, socket: str, *commands: dict[str, Any], timeout: float = 40) -> list[Any]:
    """The `return` of each command, sent over the QMP socket on `node`."""
    line = f"python3 -c {shell.quote(CLIENT.read_text())} {shell.quote(socket)}"
    result = node.run(line, stdin=json.dumps(list(commands)), timeout=timeout, check=True)
    try:
        replies = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise UnexpectedOutput(
            f"QMP client printed {result.stdout[:200]!r}", host=node.label
        ) from None
    out = []
    for reply in replies:
        if "error" in reply:
            raise QmpError(
                f"QMP error {reply['error'].get('class')}: {reply['error'].get('desc')}",
                host=node.label,
            )
        out.append(reply.get("return"))
    return out


@dataclass(frozen=True)
class RawGuest:
    """One bare QEMU process of the test guest on one host."""

    name: str
    node: Node

    @property
    def socket(self) -> str:
        return f"/run/hacert-{self.name}.qmp"

    @property
    def pidfile(self) -> str:
        return f"/run/hacert-{self.name}.pid"


def qemu_argv(guest: ScratchGuest, kvm: bool, raw: RawGuest, serial: str) -> list[str]:
    argv = [
        "qemu-system-x86_64",
        "-name",
        raw.name,
        "-accel",
        "kvm" if kvm else "tcg",
        "-m",
        str(guest.memory_mib),
        "-smp",
        str(guest.vcpus),
        "-display",
        "none",
        "-nodefaults",
        "-kernel",
        guest.kernel,
        "-append",
        guest.cmdline,
        "-chardev",
        f"file,id=ser0,path={serial},append=on",
        "-serial",
        "chardev:ser0",
        "-qmp",
        f"unix:{raw.socket},server=on,wait=off",
        "-daemonize",
        "-pidfile",
        raw.pidfile,
    ]
    if guest.initrd:
        argv += ["-initrd", guest.initrd]
    if guest.machine:
        argv += ["-machine", guest.machine]
    if guest.cpu_model:
        argv += ["-cpu", guest.cpu_model]
    return argv


def start(raw: RawGuest, guest: ScratchGuest, kvm: bool, incoming: str | None = None) -> None:
    serial = guestmod.serial_log(guest)
    argv: list[object] = [*qemu_argv(guest, kvm, raw, serial)]
    if incoming:
        argv += ["-incoming", incoming]
    raw.node.run(
        f"mkdir -p {shell.quote(guest.serial_log_dir)} && : > {shell.quote(serial)}",
        check=True,
        timeout=10,
    )
    raw.node.run(argv, check=True, timeout=60)


def stop(raw: RawGuest) -> None:
    """Kills the QEMU (idempotent) and removes its socket and pidfile."""
    pid = shell.quote(raw.pidfile)
    raw.node.run(
        f"test -f {pid} && kill $(cat {pid}) 2>/dev/null; sleep 0.5; "
        f"rm -f {pid} {shell.quote(raw.socket)}",
        timeout=20,
    )


def status(raw: RawGuest) -> str | None:
    if not raw.node.run(["test", "-S", raw.socket], timeout=10).ok:
        return None
    return str(qmp(raw.node, raw.socket, {"execute": "query-status"})[0].get("status"))


def migrate(
    source: RawGuest,
    destination: RawGuest,
    *,
    guest: ScratchGuest,
    kvm: bool,
    console: SerialConsole,
    expect: MigrationExpect,
) -> MigrationRun:
    """Starts QEMU with -incoming on the destination, `migrate` from the source's QMP."""
    port = 49152 + secrets.randbelow(8000)
    address = destination.node.address
    before = console.ticks(source.node)
    start(destination, guest, kvm, incoming=f"tcp:{address}:{port}")
    params: dict[str, Any] = {}
    if expect.downtime_limit_ms:
        params["downtime-limit"] = expect.downtime_limit_ms
    if expect.bandwidth_mib_s:
        params["max-bandwidth"] = expect.bandwidth_mib_s * 1024**2
    commands = [{"execute": "migrate-set-parameters", "arguments": params}] if params else []
    started = time.monotonic()
    qmp(
        source.node,
        source.socket,
        *commands,
        {"execute": "migrate", "arguments": {"uri": f"tcp:{address}:{port}"}},
    )
    reply: dict[str, Any] = {}
    for _ in poll(timeout=expect.timeout_s - (time.monotonic() - started), interval=0.2):
        reply = qmp(source.node, source.socket, {"execute": "query-migrate"})[0]
        if reply.get("status") in ("completed", "failed", "cancelled"):
            break
    run = MigrationRun(
        source.node.name, destination.node.name, guest.name, time.monotonic() - started
    )
    run.tick_before = before[-1] if before else None
    if reply.get("status") != "completed":
        run.error = f"query-migrate status {reply.get('status')}: {reply.get('error-desc', '')}"
        stop(destination)
        return run
    run.stats = stats_from_query_migrate(reply)
    run.on_destination = status(destination)
    source_state = status(source)
    run.on_source = None if source_state in (None, "postmigrate") else source_state
    stop(source)
    run.ticks_after = console.wait_ticks(destination.node, 0, 2, timeout=20)
    run.survival_problem = (
        guestmod.continued(run.tick_before, run.ticks_after)
        if run.tick_before is not None
        else "no tick before migrating"
    )
    return run

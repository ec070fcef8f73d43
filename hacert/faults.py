"""A journal of faults injected into clusters, so none outlives the run that made it.

Every fault is written to the journal *before* it is injected, with the command that undoes
it, and removed only once that command succeeded. If a run dies midway (SIGKILL, power cut),
the next run finds the entry and restores it before any check runs.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from hacert.cluster import Cluster, Node
from hacert.errors import HacertError, InfrastructureError

STATE_DIR = Path(os.environ.get("XDG_STATE_HOME", "~/.local/state")).expanduser() / "hacert"
DEFAULT_JOURNAL = Path(os.environ.get("HACERT_FAULT_JOURNAL") or STATE_DIR / "active-faults.json")


class RestoreFailed(HacertError, AssertionError):
    """Undoing a fault failed: the cluster is NOT as it was. Reported as a failure."""


@dataclass(frozen=True)
class FaultEntry:
    id: str
    cluster: str
    host: str | None
    description: str
    restore: str
    local: bool
    started: float
    owner_host: str = ""
    owner_pid: int = 0
    owner_start: str = ""

    def describe(self) -> str:
        where = f"{self.cluster}/{self.host}" if self.host else self.cluster
        return f"{self.description} on {where}"

    def owner_alive(self) -> bool:
        """Whether the run that injected this fault is still running (on this machine)."""
        if self.owner_host and self.owner_host != socket.gethostname():
            return True  # not ours to judge: never restore another machine's live fault
        return bool(self.owner_pid) and _process_start(self.owner_pid) == self.owner_start


def _process_start(pid: int) -> str:
    """The start time of ``pid`` (so a reused PID is not mistaken for the owner), or ""."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


class FaultJournal:
    """The JSON file of faults currently in force, shared by every process of a run."""

    def __init__(self, path: Path = DEFAULT_JOURNAL) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    def entries(self) -> list[FaultEntry]:
        with self._lock:
            return self._read()

    def _read(self) -> list[FaultEntry]:
        if not self.path.exists():
            return []
        try:
            raw: list[dict[str, Any]] = json.loads(self.path.read_text() or "[]")
        except json.JSONDecodeError:
            return []
        return [FaultEntry(**item) for item in raw]

    def _write(self, entries: list[FaultEntry]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(e) for e in entries], indent=2))
        tmp.replace(self.path)

    def add(self, entry: FaultEntry) -> None:
        with self._lock:
            self._write([*self._read(), entry])

    def remove(self, entry_id: str) -> None:
        with self._lock:
            self._write([e for e in self._read() if e.id != entry_id])


def run_restore(entry: FaultEntry, node: Node | None, timeout: float = 120) -> None:
    """Runs an entry's restore command on its host (or on this machine when ``local``)."""
    if entry.local or node is None:
        done = subprocess.run(
            ["sh", "-c", entry.restore], capture_output=True, text=True, timeout=timeout
        )
        status, error = done.returncode, done.stderr.strip()
    else:
        result = node.run(entry.restore, timeout=timeout)
        status, error = result.exit_status, result.stderr.strip()
    if status != 0:
        raise RestoreFailed(
            f"restoring '{entry.describe()}' failed: `{entry.restore}` exited {status}: "
            f"{error[-300:]}; restore it by hand, then remove it from the journal"
        )


@contextmanager
def injected(
    cluster: Cluster,
    description: str,
    *,
    restore: str,
    node: Node | None = None,
    local: bool = False,
    journal: FaultJournal | None = None,
) -> Iterator[FaultEntry]:
    """Journals a fault for the duration of the block and restores it on the way out.

    Inject the fault inside the block; the restore command runs however the block ends
    (exception, KeyboardInterrupt from SIGINT/SIGTERM), and a failed restore raises
    RestoreFailed. Restore commands must be idempotent: they may run again after a crash.
    """
    book = journal or FaultJournal()
    entry = FaultEntry(
        id=uuid.uuid4().hex,
        cluster=cluster.name,
        host=node.name if node else None,
        description=description,
        restore=restore,
        local=local,
        started=time.time(),
        owner_host=socket.gethostname(),
        owner_pid=os.getpid(),
        owner_start=_process_start(os.getpid()),
    )
    book.add(entry)
    try:
        yield entry
    finally:
        run_restore(entry, node)
        book.remove(entry.id)


def restore_leftovers(
    clusters: dict[str, Cluster], journal: FaultJournal | None = None
) -> list[str]:
    """Restores faults an earlier, interrupted run left behind; returns what was done."""
    book = journal or FaultJournal()
    done: list[str] = []
    for entry in book.entries():
        cluster = clusters.get(entry.cluster)
        if cluster is None or entry.owner_alive():
            continue
        node = cluster.node(entry.host) if entry.host and not entry.local else None
        try:
            run_restore(entry, node)
        except InfrastructureError as error:
            raise RestoreFailed(f"leftover fault '{entry.describe()}': {error}") from None
        book.remove(entry.id)
        done.append(entry.describe())
    return done

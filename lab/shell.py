"""Small subprocess and logging helpers shared by the lab modules."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from .config import Paths, host

_T0 = time.monotonic()


def say(msg: str) -> None:
    print(f"[lab {time.monotonic() - _T0:6.1f}s] {msg}", flush=True)


def run(
    cmd: Sequence[str], *, check: bool = True, timeout: float | None = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command, capture output; raise with its stderr on failure when check is set."""
    cp = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, input=input)
    if check and cp.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} -> rc={cp.returncode}: {cp.stderr.strip() or cp.stdout.strip()}"
        )
    return cp


def ok(cmd: Sequence[str], timeout: float | None = 60) -> bool:
    try:
        return run(cmd, check=False, timeout=timeout).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def ssh_cmd(p: Paths, hostname: str, *, user: str = "root", connect_timeout: int = 3) -> list[str]:
    return [
        "ssh",
        "-i",
        str(p.key),
        "-o",
        f"UserKnownHostsFile={p.known_hosts}",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        f"ConnectTimeout={connect_timeout}",
        "-o",
        "LogLevel=ERROR",
        f"{user}@{host(hostname).addr0}",
    ]


def ssh(
    p: Paths,
    hostname: str,
    command: str,
    *,
    check: bool = True,
    timeout: float = 60,
    user: str = "root",
) -> subprocess.CompletedProcess[str]:
    return run([*ssh_cmd(p, hostname, user=user), command], check=check, timeout=timeout)


def wait_for(what: str, pred: Callable[[], object], timeout: float, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if pred():
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def die(msg: str) -> None:
    print(f"lab: error: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)

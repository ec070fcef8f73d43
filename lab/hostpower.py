"""Power actions for one container host.

The power switch runs these through STATE/power/<host>/{on,off,status}.

off = SIGKILL the container's PID 1 (the whole pid namespace dies, like pulling the plug), then
      restore the host's netns to pristine (a dead host keeps no addresses such as the VIP).
on  = boot it again, but never sooner than 10 s after the last off: a node that is back within
      ~1 s of being fenced sees "we were allegedly just fenced" and pacemaker stays down.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import network, procs
from .config import REPO, Host, Paths, host, paths

MIN_OFF_SECONDS = 10.0


def is_on(h: Host) -> bool:
    return bool(procs.nspawn_pids(h.machine))


def _off_marker(p: Paths, h: Host) -> Path:
    return p.run_dir / f"{h.name}.off-at"


def off(p: Paths, h: Host) -> None:
    init = procs.container_init(h.machine)
    if init:
        os.kill(init, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while procs.nspawn_pids(h.machine) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in procs.nspawn_pids(h.machine) + procs.launcher_pids(h.name):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    p.run_dir.mkdir(parents=True, exist_ok=True)
    _off_marker(p, h).write_text(str(time.time()))
    network.reset_host_netns(h)


def on(p: Paths, h: Host, *, wait_min_off: bool = True) -> None:
    if is_on(h):
        return
    marker = _off_marker(p, h)
    if wait_min_off and marker.exists():
        left = float(marker.read_text() or 0) + MIN_OFF_SECONDS - time.time()
        if left > 0:
            time.sleep(left)
    for pid in procs.launcher_pids(h.name):  # a launcher whose container is gone: stale
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    p.log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        HACERT_LAB_STATE=str(p.state),
        HACERT_LAB_CACHE=str(p.cache),
    )
    with open(p.log_dir / f"{h.name}.launcher.log", "ab") as log:
        subprocess.run(
            ["setsid", "-f", sys.executable, "-m", "lab.launcher", h.name],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            check=True,
            cwd="/",
        )
    deadline = time.monotonic() + 60  # generous: the machine may be busy with TCG guests
    while not is_on(h) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not is_on(h):
        raise RuntimeError(
            f"{h.name}: container did not start; see {p.log_dir}/{h.name}.console.log"
        )


def main(argv: list[str]) -> int:
    action, name = argv
    p, h = paths(), host(name)
    if action == "on":
        on(p, h)
    elif action == "off":
        off(p, h)
    elif action == "status":
        print("on" if is_on(h) else "off")
    else:
        print(f"unknown action {action}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

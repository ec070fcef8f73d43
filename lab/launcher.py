"""Per-host launcher: `python3 -m lab.launcher <host>` boots one container host and is its power.

It runs detached, in its own cgroup (nspawn --keep-unit puts payload/supervisor cgroups under
the caller's cgroup), and restarts the container when it exits 133 (an in-host `reboot`).
Any other exit (power off = SIGKILL of the container's PID 1, poweroff, crash) ends it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from . import network
from .config import CGROUP_NAME, CGROUP_ROOTS, OVS_HOSTS, Host, Paths, host, paths


def join_cgroup(name: str) -> None:
    for root in CGROUP_ROOTS:
        if not root.is_dir():
            continue
        cg = root / CGROUP_NAME / name
        cg.mkdir(parents=True, exist_ok=True)
        (cg / "cgroup.procs").write_text(str(os.getpid()))


def nspawn_cmd(p: Paths, h: Host) -> list[str]:
    return [
        "systemd-nspawn",
        "--quiet",
        "--boot",
        "--register=no",
        "--keep-unit",
        "-M",
        h.machine,
        f"--hostname={h.name}",
        "-D",
        str(p.root(h.name)),
        f"--network-namespace-path=/run/netns/{h.netns}",
        "--capability=CAP_IPC_LOCK,CAP_NET_ADMIN,CAP_SYS_NICE,CAP_SYS_RESOURCE",
        "--bind=/dev/net/tun",
        f"--bind={p.power_socket.parent}:/run/hacert-power",
        "--resolv-conf=off",
        "--timezone=off",
        "--link-journal=no",
        "--console=read-only",
    ]


def main(name: str) -> int:
    p, h = paths(), host(name)
    join_cgroup(name)
    console = p.log_dir / f"{name}.console.log"
    if console.exists() and console.stat().st_size > 8 << 20:  # keep one previous log
        console.replace(console.with_suffix(".log.1"))
    log = open(console, "ab", buffering=0)  # noqa: SIM115
    while True:
        network.reset_host_netns(h)
        if name in OVS_HOSTS:
            network.ensure_cables()
        log.write(f"\n=== hacert launcher: boot {name} at {time.ctime()} ===\n".encode())
        rc = subprocess.call(nspawn_cmd(p, h), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.write(f"=== hacert launcher: {name} exited rc={rc} at {time.ctime()} ===\n".encode())
        if rc != 133:
            return rc
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

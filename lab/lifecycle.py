"""lab up / down / destroy for the container tier (and the plug-in tiers' hooks)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cluster, hostpower, hosts, image, inventory, keys, network, plugins, power, procs
from .config import CGROUP_NAME, CLUSTER_NODES, HOSTS, REPO, Paths
from .shell import run, say, ssh, wait_for

LOCK_FILE = Path("/run/hacert-lab.lock")


def lock() -> None:
    """Hold an exclusive lock (until the process exits) so concurrent up/down serialize.

    A caller that holds the lock itself (a test doing down/up/down) sets
    HACERT_LAB_LOCK_HELD=1 for its lab commands."""
    if os.environ.get("HACERT_LAB_LOCK_HELD") == "1":
        return
    fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        say("another lab up/down/destroy is running; waiting for it")
        fcntl.flock(fd, fcntl.LOCK_EX)


def power_daemon_pids() -> list[int]:
    return procs.find("lab.power", "serve")


def power_switch_answers(p: Paths) -> bool:
    try:
        power.request(p, "list", "-", timeout=5)
        return True
    except (OSError, RuntimeError):
        return False


def ensure_power_daemon(p: Paths) -> None:
    power.write_container_scripts(p, [h.name for h in HOSTS])
    if power_daemon_pids():
        if power_switch_answers(p):
            return
        say("power switch process alive but its socket does not answer: restarting it")
        _kill(power_daemon_pids())
    p.log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        HACERT_LAB_STATE=str(p.state),
        HACERT_LAB_CACHE=str(p.cache),
    )
    with open(p.log_dir / "power.log", "ab") as log:
        subprocess.run(
            ["setsid", "-f", sys.executable, "-m", "lab.power", "serve"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            check=True,
            cwd="/",
        )
    wait_for("power switch socket", p.power_socket.exists, 10, 0.1)


def ssh_ready(p: Paths, name: str) -> bool:
    return ssh(p, name, "true", check=False, timeout=10).returncode == 0


def up_containers(p: Paths) -> dict[str, float]:
    t: dict[str, float] = {}
    t0 = time.monotonic()
    image.ensure_machine_packages()
    t["build"] = image.ensure_base(p)
    inventory.verify()
    keys.ensure_keys(p)
    for d in (p.run_dir, p.log_dir):
        d.mkdir(parents=True, exist_ok=True)
    running = {h.name for h in HOSTS if hostpower.is_on(h)}
    if running:
        say(f"already running: {' '.join(sorted(running))}")
    network.ensure_bridges()
    for h in HOSTS:
        if h.name not in running:
            network.reset_host_netns(h)
    network.ensure_cables()
    hosts.prepare_all(p, running)
    ensure_power_daemon(p)
    t1 = time.monotonic()
    to_start = [h for h in HOSTS if h.name not in running]
    for h in to_start:
        hostpower.on(p, h, wait_min_off=False)
    if to_start:
        say(f"booted {' '.join(h.name for h in to_start)}")
    for h in HOSTS:
        wait_for(f"ssh on {h.name}", functools.partial(ssh_ready, p, h.name), 90, 0.5)
    t["ssh"] = time.monotonic() - t1
    say(f"ssh answers on all hosts ({t['ssh']:.1f}s after boot)")
    cluster.pcs_auth(p)
    cluster.configure(p)
    cluster.cleanup_failed(p)
    st = cluster.wait_started(p, 180)
    t["cluster"] = time.monotonic() - t1
    say(
        f"cluster healthy: DC {st.dc}, {len(st.nodes_online)} nodes, resources "
        + ", ".join(f"{k}@{'/'.join(v)}" for k, v in sorted(st.resources.items()))
    )
    t["total"] = time.monotonic() - t0
    return t


def up(p: Paths, tier: str) -> None:
    t = up_containers(p)
    say(
        f"container tier up: {t['total']:.1f}s total "
        f"({t['cluster']:.1f}s from boot to healthy cluster)"
    )
    for name in ("ceph", "vm"):
        if tier in (name, "all"):
            rc = plugins.run_plugin(p, name, "up", required=True)
            if rc not in (None, 0):
                raise SystemExit(f"tier {name} failed (exit {rc})")


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_cluster_gracefully(p: Paths) -> None:
    alive = [h for h in CLUSTER_NODES if hostpower.is_on(h)]
    if not alive:
        return
    say("stopping pacemaker on all nodes (then corosync), before powering off")

    def stop(name: str) -> None:
        ssh(p, name, "systemctl stop pacemaker", check=False, timeout=45)

    try:
        with ThreadPoolExecutor(len(alive)) as ex:
            list(ex.map(stop, [h.name for h in alive]))
    except Exception as e:
        say(f"graceful stop incomplete: {e}")


def down(p: Paths, *, graceful: bool = True) -> None:
    for tier in ("ceph", "vm"):
        plugins.run_plugin(p, tier, "down", required=False)
    if graceful and p.key.exists():
        stop_cluster_gracefully(p)
    _kill(power_daemon_pids())
    for h in HOSTS:
        _kill(procs.launcher_pids(h.name))
        if hostpower.is_on(h):
            init = procs.container_init(h.machine)
            if init:
                _kill([init])
    wait_for(
        "containers to exit", lambda: not any(procs.nspawn_pids(h.machine) for h in HOSTS), 20, 0.2
    )
    for h in HOSTS:
        _kill(procs.nspawn_pids(h.machine))
    for h in HOSTS:
        hosts.umount_root(p, h)
    umount_under(p.state)
    network.remove_network()
    remove_cgroups()
    p.power_socket.unlink(missing_ok=True)
    say("lab is down")


def umount_under(path: Path) -> None:
    with open("/proc/self/mounts") as f:
        targets = [line.split()[1] for line in f if line.split()[1].startswith(str(path) + "/")]
    for m in sorted(targets, key=len, reverse=True):
        run(["umount", "-l", m], check=False)


def remove_cgroups() -> None:
    base = Path("/sys/fs/cgroup")
    for ctrl in sorted(base.iterdir()) if base.exists() else []:
        top = ctrl / CGROUP_NAME
        if not top.is_dir():
            continue
        dirs = sorted(
            (d for d in top.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True
        )
        for d in [*dirs, top]:
            try:
                d.rmdir()
            except OSError as e:
                say(f"cannot remove cgroup {d}: {e}")


def destroy(p: Paths) -> None:
    down(p, graceful=False)
    for d in (p.state, p.cache):
        if d.exists():
            say(f"removing {d}")
            shutil.rmtree(d)

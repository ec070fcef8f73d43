"""Lab lifecycle: up is idempotent, up recovers from killed processes, down leaves nothing.

This module is named to run last among the lab tests: it takes the lab down. It brings the
lab (and any plug-in tier that was up before) back up at the end so later tests still have it.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, STATE, Lab, lab_cli

sys.path.insert(0, str(REPO))
import contextlib

from lab import procs

pytestmark = pytest.mark.lab

HOSTS = ["node1", "node2", "node3", "ceph1"]
LAB_PATTERN = re.compile(r"hacert|hcbr|^hc[01]-|10\.213\.")


def _lines(cmd: list[str]) -> set[str]:
    cp = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    return {line.strip() for line in cp.stdout.splitlines() if line.strip()}


def snapshot() -> dict[str, set[str]]:
    links = {
        line.split(":")[1].strip().split("@")[0] for line in _lines(["ip", "-o", "link", "show"])
    }
    addrs = {" ".join(line.split()[1:4]) for line in _lines(["ip", "-o", "addr", "show"])}
    mounts = {line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()}
    cgroups = set()
    for ctrl in Path("/sys/fs/cgroup").iterdir():
        if ctrl.is_dir():
            cgroups |= {f"{ctrl.name}/{d.name}" for d in ctrl.iterdir() if d.is_dir()}
            if (ctrl / "hacert-lab").is_dir():
                cgroups |= {str(d) for d in (ctrl / "hacert-lab").rglob("*") if d.is_dir()}
    lab_procs = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            args = procs.cmdline(int(pid))
            text = " ".join(args)
            if args and (
                "lab.launcher" in args
                or "lab.power" in args
                or ("systemd-nspawn" in args[0] and "hacert-" in text)
            ):
                lab_procs.add(text)
    iptables = _lines(["iptables-save"]) | _lines(["ip6tables-save"])
    iptables = {r for r in iptables if not r.startswith("#") and not r.startswith(":")}
    return {
        "netns": _lines(["ip", "netns", "list"]),
        "links": links,
        "addresses": addrs,
        "mounts": mounts,
        "cgroups": cgroups,
        "processes": lab_procs,
        "iptables": iptables,
    }


def lab_traces(snap: dict[str, set[str]]) -> dict[str, set[str]]:
    out = {
        k: {v for v in vals if LAB_PATTERN.search(v) or str(STATE) in v} for k, vals in snap.items()
    }
    out["processes"] = snap["processes"]
    return {k: v for k, v in out.items() if v}


def plugin_tiers_up() -> list[str]:
    up = []
    for tier in ("ceph", "vm"):
        script = REPO / "lab" / tier / "status.sh"
        if script.exists():
            cp = subprocess.run(
                ["bash", str(script)], capture_output=True, timeout=120, check=False
            )
            if cp.returncode == 0:
                up.append(tier)
    return up


@pytest.fixture(scope="module")
def restore_lab(lab: Lab) -> Iterator[None]:
    # bin/hacert-test runs these last and needs only the containers afterwards: it sets
    # HACERT_LAB_RESTORE_TIERS=containers to skip a VM-tier cold boot (minutes under TCG).
    only_containers = os.environ.get("HACERT_LAB_RESTORE_TIERS") == "containers"
    tiers = [] if only_containers else plugin_tiers_up()
    yield
    cp = lab_cli("up", "--tier", "containers")
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    for tier in tiers:
        lab_cli("up", "--tier", tier)


def test_second_up_is_harmless_and_quick(lab: Lab, restore_lab: None) -> None:
    pid1 = lab.ssh("node1", "stat -c %Z /proc/1").stdout
    t0 = time.monotonic()
    cp = lab_cli("up", "--tier", "containers", timeout=300)
    took = time.monotonic() - t0
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    assert "already running: ceph1 node1 node2 node3" in cp.stdout
    assert lab.ssh("node1", "stat -c %Z /proc/1").stdout == pid1, "up rebooted a running host"
    assert took < 60, f"second up took {took:.0f}s"


def test_up_recovers_after_the_lab_processes_were_killed(lab: Lab, restore_lab: None) -> None:
    victims = procs.find("lab.power", "serve")
    for h in HOSTS:
        victims += procs.launcher_pids(h)
        init = procs.container_init(f"hacert-{h}")
        victims += [init] if init else []
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while any(procs.nspawn_pids(f"hacert-{h}") for h in HOSTS) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert lab_cli("status", timeout=120).returncode != 0, (
        "status says healthy with everything killed"
    )
    cp = lab_cli("up", "--tier", "containers")
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    assert lab_cli("status", timeout=120).returncode == 0


@pytest.fixture
def lab_lock() -> Iterator[None]:
    """Keep other people's `lab up` out while this test compares before/after down."""
    fd = os.open("/run/hacert-lab.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.environ["HACERT_LAB_LOCK_HELD"] = "1"
    try:
        yield
    finally:
        del os.environ["HACERT_LAB_LOCK_HELD"]
        os.close(fd)


def test_down_leaves_nothing_behind(lab: Lab, restore_lab: None, lab_lock: None) -> None:
    assert lab_cli("down", timeout=300).returncode == 0
    baseline = snapshot()
    assert lab_traces(baseline) == {}, "lab down left traces"
    cp = lab_cli("up", "--tier", "containers")
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    running = snapshot()
    assert lab_traces(running).keys() >= {"netns", "links", "mounts", "cgroups", "processes"}
    cp = lab_cli("down", timeout=300)
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    after = snapshot()
    diffs = {k: (baseline[k] ^ after[k]) for k in baseline if baseline[k] != after[k]}
    assert lab_traces(after) == {}, f"down left lab traces: {lab_traces(after)}"
    for kind in ("netns", "cgroups", "iptables", "processes"):
        assert kind not in diffs, f"{kind} differ after up+down: {diffs[kind]}"
    lab_links = {
        x
        for x in diffs.get("links", set()) | diffs.get("mounts", set())
        if LAB_PATTERN.search(x) or str(STATE) in x
    }
    assert not lab_links, lab_links

"""Fixtures of the lab's integration tests: the lab is brought up once per session.

Everything goes through plain `ssh -i <lab key> -o UserKnownHostsFile=<lab known_hosts>` from
this machine, as a test harness on the lab machine would; no project code is involved, so
these tests check the lab itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("HACERT_LAB_STATE", "/var/lib/hacert-lab"))
KEY = STATE / "ssh" / "id_ed25519"
KNOWN_HOSTS = STATE / "ssh" / "known_hosts"
ADDR = {
    "node1": "10.213.0.11",
    "node2": "10.213.0.12",
    "node3": "10.213.0.13",
    "ceph1": "10.213.0.21",
}
NODES = ["node1", "node2", "node3"]
UP_TIMEOUT = 1200  # a first run builds the base image (~2-5 min) before booting


def lab_cli(*args: str, timeout: float = UP_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Lab:
    def ssh(
        self,
        host: str,
        command: str,
        *,
        timeout: float = 60,
        check: bool = True,
        user: str = "root",
    ) -> subprocess.CompletedProcess[str]:
        cmd = [
            "ssh",
            "-i",
            str(KEY),
            "-o",
            f"UserKnownHostsFile={KNOWN_HOSTS}",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=5",
            "-o",
            "LogLevel=ERROR",
            f"{user}@{ADDR[host]}",
            command,
        ]
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if check and cp.returncode != 0:
            raise AssertionError(f"{host}: {command!r} -> rc={cp.returncode}: {cp.stderr.strip()}")
        return cp

    def try_ssh(self, host: str, command: str, *, timeout: float = 90) -> str:
        """Best effort (for cleanups): never raises, returns stdout or ''."""
        try:
            return self.ssh(host, command, timeout=timeout, check=False).stdout
        except subprocess.TimeoutExpired:
            return ""

    def crm_mon(self, via: str = "node1") -> ET.Element:
        return ET.fromstring(self.ssh(via, "crm_mon --output-as=xml --inactive", timeout=30).stdout)

    def crm_mon_any(self, exclude: tuple[str, ...] = ()) -> ET.Element:
        last: Exception | None = None
        for n in NODES:
            if n in exclude:
                continue
            try:
                return self.crm_mon(n)
            except Exception as e:
                last = e
        raise AssertionError(f"no node answered crm_mon: {last}")

    def resource_nodes(self, rid: str, via: str = "node1") -> list[str]:
        root = self.crm_mon_any() if via == "any" else self.crm_mon(via)
        for r in root.iter("resource"):
            if r.get("id") == rid and r.get("role") == "Started":
                return [n.get("name", "") for n in r.iterfind("node")]
        return []

    def power(self, action: str, host: str) -> str:
        cp = lab_cli("power", action, host, timeout=120)
        assert cp.returncode == 0, cp.stderr
        return cp.stdout.strip()

    def healthy(self) -> bool:
        return lab_cli("status", timeout=120).returncode == 0


def wait_until(
    what: str, pred: Callable[[], object], timeout: float, interval: float = 1.0
) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if pred():
                return
        except Exception as e:
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last})")


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    if os.geteuid() != 0:
        pytest.skip("the lab needs root")
    cp = lab_cli("up", "--tier", "containers")
    assert cp.returncode == 0, f"lab up failed:\n{cp.stdout[-3000:]}\n{cp.stderr[-3000:]}"
    yield Lab()


@pytest.fixture
def healthy_lab(lab: Lab) -> Lab:
    """The lab, healthy (waits for a previous destructive test's aftermath to settle)."""
    cp = lab_cli("wait-healthy", "--timeout", "180", timeout=240)
    assert cp.returncode == 0, f"lab not healthy:\n{cp.stdout[-3000:]}"
    return lab

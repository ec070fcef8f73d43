"""Runs hacert (a real pytest subprocess) on tests/data/suites/summary_checks.py against a
loopback sshd host and a host that refuses connections (127.0.0.1 port 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import LoopbackSshd

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "tests/data/suites/summary_checks.py"


def write_inventory(path: Path, sshd: LoopbackSshd) -> Path:
    path.write_text(
        "clusters:\n  - name: lab\n    environment: lab\n    hosts:\n"
        f"      - name: node1\n        address: 127.0.0.1\n        port: {sshd.port}\n"
        f"        key_file: {sshd.key_file}\n        roles: [corosync, pacemaker]\n"
        "      - name: node2\n        address: 127.0.0.1\n        port: 1\n"
        "        roles: [corosync, pacemaker]\n"
        f"defaults:\n  known_hosts: {sshd.known_hosts}\n  connect_timeout: 5\n"
    )
    return path


def run(tmp_path: Path, sshd: LoopbackSshd, *args: str) -> subprocess.CompletedProcess[str]:
    """One hacert run of the probe checks; its reports go under ``tmp_path``."""
    inventory = write_inventory(tmp_path / "site.yaml", sshd)
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("HACERT_RUN_ID", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            CHECKS,
            "-p",
            "no:xdist",
            "-p",
            "no:randomly",
            "-p",
            "no:hypothesispytest",
            "--inventory",
            str(inventory),
            f"--results-json={tmp_path / 'results.json'}",
            f"--junitxml={tmp_path / 'junit.xml'}",
            f"--alluredir={tmp_path / 'allure'}",
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

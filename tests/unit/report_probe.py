"""Runs hacert (a real pytest subprocess) on the probe checks against a loopback sshd."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import LoopbackSshd

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "tests/data/suites/report_safety_checks.py"
PASSWORD = "Tr0ub4dor-probe-secret"


@dataclass(frozen=True)
class Outputs:
    """Where one probe run writes its reports."""

    results: Path
    junit: Path
    allure: Path

    def args(self) -> list[str]:
        return [
            f"--results-json={self.results}",
            f"--junitxml={self.junit}",
            f"--alluredir={self.allure}",
        ]


def write_inventory(path: Path, sshd: LoopbackSshd, silent_port: int | None = None) -> Path:
    """One cluster: the loopback sshd (with a password), and maybe a host that never answers."""
    silent = (
        f"      - name: mute\n        address: 127.0.0.1\n        port: {silent_port}\n"
        if silent_port
        else ""
    )
    path.write_text(
        f"clusters:\n  - name: loop\n    environment: lab\n    hosts:\n"
        f"      - name: loop1\n        address: 127.0.0.1\n        port: {sshd.port}\n"
        f"        key_file: {sshd.key_file}\n        password: {PASSWORD}\n{silent}"
        f"defaults:\n  known_hosts: {sshd.known_hosts}\n  connect_timeout: 60\n"
    )
    return path


def start(
    inventory: Path, outputs: Outputs, *selection: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            CHECKS,
            "-p",
            "no:xdist",
            "-p",
            "no:hypothesispytest",  # imports hypothesis at the end: seconds on a busy machine
            "--inventory",
            str(inventory),
            *outputs.args(),
            *selection,
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

"""A throw-away pytest project that uses hacert's plugins on a tiny fake suite, run in a
subprocess; its "hosts" are 127.0.0.1 port 1, which refuses at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

CONFTEST = """\
# hacert's plugins come from its pytest11 entry point
"""
PYTEST_INI = """\
[pytest]
testpaths = suites
markers =
    hosts: x
    corosync: x
    pacemaker: x
    destructive: x
    perf: x
"""
INVENTORY = """\
version: 1
defaults: {host_keys: ignore, connect_timeout: 1}
clusters:
  - name: alice
    environment: lab
    hosts:
      - {name: n1, address: 127.0.0.1, port: 1, roles: [corosync, pacemaker]}
      - {name: n2, address: 127.0.0.1, port: 1, roles: [corosync, pacemaker]}
      - {name: n3, address: 127.0.0.1, port: 1, roles: [corosync, pacemaker]}
  - name: bob
    environment: lab
    hosts:
      - {name: n1, address: 127.0.0.1, port: 1, roles: [corosync, pacemaker]}
"""
SUITE = """\
from hacert.checks import check, fail, require


@check("PCMK-001", "passes everywhere", remediation="none", points=2, per_host="pacemaker")
def test_pass(cluster_name, host_name):
    pass


@check("PCMK-002", "fails on n2", remediation="fix n2", points=3, per_host="corosync")
def test_partial(cluster_name, host_name):
    require(host_name != "n2", expected="n2 healthy", found="n2 sick", host=host_name)


@check("COROSYNC-001", "fails on alice", remediation="start corosync", points=1)
def test_fails(cluster_name):
    if cluster_name == "alice":
        fail(expected="quorum", found="no quorum")


@check("HOSTS-009", "skew limit is the student's", remediation="see rubric", points=1)
def test_student_value(cluster):
    require(cluster.spec.expect.hosts.max_clock_skew_s == 7.5, expected="7.5",
            found=str(cluster.spec.expect.hosts.max_clock_skew_s))
"""


def make_project(root: Path) -> Path:
    (root / "suites" / "demo").mkdir(parents=True)
    (root / "conftest.py").write_text(CONFTEST)
    (root / "pytest.ini").write_text(PYTEST_INI)
    (root / "inventory.yaml").write_text(INVENTORY)
    (root / "suites" / "demo" / "test_demo.py").write_text(SUITE)
    return root


def run_pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("HACERT_RUN_ID", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-rA",
        "--inventory",
        "inventory.yaml",
        "--alluredir",
        "allure",
        *args,
    ]
    return subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=240, check=False
    )

"""hacert as people install it: the wheel's contents, the plugin inert in other projects, and a
setup that installs no system package when a user checks their own cluster."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("hacert-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_the_whole_tool_under_the_hacert_namespace(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for wanted in [
        "hacert/fixtures/plugin.py",
        "hacert/suites/corosync/test_corosync.py",
        "hacert/suites/pacemaker/conftest.py",
        "hacert/perf/store.py",
        "hacert/perf/fio/seq-read-1m.yaml",
        "hacert/examples/inventory/example-production.yaml",
        "hacert/examples/rubrics/example-ha-lab.yaml",
        "hacert/examples/waivers/example.yaml",
        "hacert/run.ini",
    ]:
        assert wanted in names, wanted
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"hacert"}
    assert not any("/bench_" in n or n.startswith("tools/") or "__pycache__" in n for n in names)
    (entry_points,) = [n for n in names if n.endswith("entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[pytest11]\nhacert = hacert.fixtures.plugin" in text
    assert "hacert = hacert.cli:main" in text


def test_building_leaves_nothing_in_the_checkout(wheel: zipfile.ZipFile) -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--", "build", "dist", "hacert.egg-info"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


UNRELATED_TESTS = """
import signal

import pytest


@pytest.fixture
def node():
    return "mine"


def test_my_fixture_wins(node):
    assert node == "mine"


@pytest.mark.destructive
def test_marked_destructive_still_runs():
    pass


def test_sigterm_is_not_taken_over():
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
"""


def _run_unrelated(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_plugin_is_inert_in_an_unrelated_pytest_project(tmp_path: Path) -> None:
    project = tmp_path / "someone-elses-project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\nmarkers =\n    destructive: theirs\n")
    (project / "test_theirs.py").write_text(UNRELATED_TESTS)
    with_hacert = _run_unrelated(project)
    without = _run_unrelated(project, "-p", "no:hacert")
    assert with_hacert.returncode == without.returncode == 0, with_hacert.stdout
    assert "3 passed" in with_hacert.stdout and "3 passed" in without.stdout
    assert sorted(p.name for p in project.iterdir()) == ["pytest.ini", "test_theirs.py"]
    assert "--inventory" in _run_unrelated(project, "--help").stdout  # listed, nothing more


def _shims(tmp_path: Path) -> tuple[Path, Path]:
    """apt-get, dpkg-query and sudo that only record that they were called."""
    shims, log = tmp_path / "shims", tmp_path / "calls.log"
    shims.mkdir()
    for name in ("apt-get", "apt", "dpkg-query", "dpkg", "dnf", "yum", "zypper", "sudo"):
        shim = shims / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\nexit 1\n')
        shim.chmod(0o755)
    return shims, log


def test_checking_your_own_cluster_installs_no_system_package(tmp_path: Path) -> None:
    shims, log = _shims(tmp_path)
    inventory = tmp_path / "site.yaml"
    inventory.write_text(
        "clusters:\n  - name: site\n    hosts:\n      - {name: n1, address: 127.0.0.1, port: 1}\n"
    )
    env = {
        **os.environ,
        "PATH": f"{shims}:{VENV_BIN}:{os.environ['PATH']}",
        "HACERT_VENV": str(VENV_BIN.parent),
    }
    run = subprocess.run(
        [
            "bash",
            "bin/hacert-run",
            "--inventory",
            str(inventory),
            "--report-dir",
            str(tmp_path / "reports"),
            "--collect-only",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert not log.exists(), log.read_text()


def test_help_prints_help_and_does_nothing_else(tmp_path: Path) -> None:
    shims, log = _shims(tmp_path)
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}"}
    for command in (["bash", "bin/hacert-run", "--help"], ["bash", "bin/bootstrap", "--help"]):
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and "usage" in run.stdout.lower() + " usage", run.stderr
    assert not log.exists()
    for args in (["--help"], ["run", "--help"], ["checks", "--help"], ["checks", "list", "--help"]):
        run = subprocess.run(
            [str(VENV_BIN / "hacert"), *args], capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 0 and "usage" in run.stdout, (args, run.stderr)

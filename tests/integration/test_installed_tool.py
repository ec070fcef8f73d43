"""hacert installed with pip into a fresh virtualenv and used from an unrelated folder, as a
user would: list and explain checks, collect, and check the lab's hosts for real."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.conftest import LAB_INVENTORY, ROOT

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("lab_containers")]


@pytest.fixture(scope="module")
def hacert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("user-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(ROOT)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return venv / "bin" / "hacert"


def _hacert(command: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(command), *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )


def test_the_installed_tool_works_from_another_folder(hacert: Path, tmp_path: Path) -> None:
    listing = _hacert(hacert, tmp_path, "checks", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    ids = {c["check_id"] for c in json.loads(listing.stdout)}
    assert {"COROSYNC-004", "PCMK-008", "HOSTS-001"} <= ids and len(ids) >= 135

    explain = _hacert(hacert, tmp_path, "checks", "explain", "COROSYNC-004")
    assert explain.returncode == 0, explain.stderr
    assert "corosync-quorumtool -s" in explain.stdout and "two_node" in explain.stdout

    inventory = f"--inventory={LAB_INVENTORY}"
    collect = _hacert(hacert, tmp_path, "run", inventory, "--collect-only", "-q")
    assert collect.returncode == 0, collect.stdout[-2000:] + collect.stderr[-2000:]
    assert "suites/corosync/test_corosync.py::test_quorate[lab]" in collect.stdout

    started = time.monotonic()
    run = _hacert(hacert, tmp_path, "run", inventory, "--cluster", "lab", "-m", "hosts")
    took = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    document = json.loads((tmp_path / "reports" / "results.json").read_text())
    outcomes = {c["outcome"] for c in document["checks"]}
    assert outcomes == {"passed"} and len(document["checks"]) >= 20
    assert (tmp_path / "reports" / "junit.xml").exists()
    print(f"hacert run of the hosts suite from outside the checkout: {took:.1f} s")
    assert not (ROOT / "build").exists() and not list(ROOT.glob("*.egg-info"))

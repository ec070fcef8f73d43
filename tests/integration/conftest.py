"""The lab, up once per session for the integration tests (python3 -m lab up is idempotent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAB_INVENTORY = ROOT / "inventory" / "lab.yaml"


def lab_cli(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def lab_containers() -> Iterator[None]:
    """The container tier (3 cluster nodes + ceph1 host), up and healthy."""
    up = lab_cli("up", "--tier", os.environ.get("HACERT_TEST_LAB_TIER", "containers"))
    if up.returncode != 0:
        pytest.fail(f"lab up failed:\n{up.stdout[-3000:]}\n{up.stderr[-3000:]}")
    yield


def run_suite(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 900
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Runs the hacert suite in a subprocess; returns the process and its results.json."""
    results = tmp_path / "results.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *args,
            f"--alluredir={tmp_path / 'allure-results'}",
            f"--junitxml={tmp_path / 'junit.xml'}",
            f"--results-json={results}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    document = json.loads(results.read_text()) if results.exists() else {}
    return run, document


def outcomes(document: dict[str, Any]) -> dict[tuple[str, str | None, str | None], str]:
    """(check_id, cluster, host) -> outcome."""
    return {
        (c["check_id"], c["cluster"], c["host"]): c["outcome"] for c in document.get("checks", [])
    }

"""hacert run --lf re-runs only what failed or broke last time; the cache lives in the user's
cache folder, not in the checkout or the current folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import LoopbackSshd
from tests.unit.summary_probe import CHECKS, ROOT, write_inventory


def _hacert_run(tmp_path: Path, inventory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("HACERT_RUN_ID", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hacert.cli",
            "run",
            "--inventory",
            str(inventory),
            "--report-dir",
            str(tmp_path / "reports"),
            "--workers",
            "0",
            "-p",
            "no:hypothesispytest",
            str(ROOT / CHECKS),
            *args,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_last_failed_reruns_only_the_failed_and_broken(
    loopback_sshd: LoopbackSshd, tmp_path: Path
) -> None:
    inventory = write_inventory(tmp_path / "site.yaml", loopback_sshd)
    first = _hacert_run(tmp_path, inventory)
    assert first.returncode == 1, first.stdout[-3000:]
    again = _hacert_run(tmp_path, inventory, "--lf")
    assert "run-last-failure: rerun previous" in again.stdout, again.stdout[-3000:]
    assert " passed" not in again.stdout.splitlines()[-1], again.stdout[-1000:]
    assert (tmp_path / "cache" / "hacert" / "pytest").is_dir()
    assert not (tmp_path / ".pytest_cache").exists()

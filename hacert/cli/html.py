"""The HTML report of a run: one self-contained page that opens from disk, with history.

Allure 2 (see docs/reports.md): ``--single-file`` writes no history, so a multi-file pass into
``allure-history/`` keeps the trend from run to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hacert.cli.tools import checkout_root

HINT = (
    "the Allure CLI is not installed (`bin/bootstrap --html` in a checkout, or "
    "`npm install -g allure-commandline` and a Java runtime)"
)


def allure_command() -> str | None:
    root = checkout_root()
    local = root / "node_modules" / ".bin" / "allure" if root else None
    if local is not None and local.exists():
        return str(local)
    return shutil.which("allure")


def _allure(allure: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLURE_NO_ANALYTICS": "true"}
    return subprocess.run(
        [allure, "generate", *args], env=env, capture_output=True, text=True, timeout=600
    )


def generate(results: Path, report_dir: Path) -> str:
    """Writes ``report_dir/allure-report/index.html``; returns a line for the terminal."""
    allure = allure_command()
    if allure is None:
        return f"hacert: no HTML report: {HINT}; JUnit and results.json are written"
    if not results.is_dir() or not any(results.glob("*-result.json")):
        return "hacert: no HTML report (no results were written)"
    history = report_dir / "allure-history"
    if history.is_dir():
        shutil.copytree(history, results / "history", dirs_exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hacert-allure-") as scratch:
        done = _allure(allure, str(results), "-o", scratch, "--clean")
        if done.returncode == 0:
            shutil.rmtree(history, ignore_errors=True)
            shutil.copytree(Path(scratch) / "history", history)
    report = report_dir / "allure-report"
    if done.returncode == 0:
        done = _allure(allure, str(results), "-o", str(report), "--clean", "--single-file")
    if done.returncode != 0:
        return f"hacert: the HTML report failed: {(done.stderr or done.stdout).strip()[-500:]}"
    return f"hacert: HTML report (opens from disk): {(report / 'index.html').resolve()}"

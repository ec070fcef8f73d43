"""The HTML report of a run: one self-contained page that opens from disk, with history."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hacert.cli.tools import checkout_root


def allure_command() -> str | None:
    root = checkout_root()
    local = root / "node_modules" / ".bin" / "allure" if root else None
    if local is not None and local.exists():
        return str(local)
    return shutil.which("allure")


def generate(results: Path, report: Path) -> str:
    """Writes ``report/index.html`` from allure ``results``; returns a line for the terminal."""
    allure = allure_command()
    if allure is None:
        return (
            "hacert: no HTML report (the Allure CLI is not installed: `bin/bootstrap --html` in a "
            "checkout, or `npm install -g allure-commandline`); JUnit and results.json are written"
        )
    if not results.is_dir() or not any(results.iterdir()):
        return "hacert: no HTML report (no results were written)"
    history = report / "history"
    if history.is_dir():
        shutil.copytree(history, results / "history", dirs_exist_ok=True)
    done = subprocess.run(
        [allure, "generate", str(results), "-o", str(report), "--clean", "--single-file"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return f"hacert: the HTML report failed: {(done.stderr or done.stdout).strip()[-500:]}"
    return f"hacert: HTML report (opens from disk): {(report / 'index.html').resolve()}"

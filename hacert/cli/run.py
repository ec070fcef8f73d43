"""``hacert run``: the checks of an inventory's clusters, with pytest underneath."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hacert.catalog import PACKAGE_DIR, SUITES
from hacert.cli.html import generate

USAGE_ERROR = 4
HELP = """\
usage: hacert run --inventory PATH [options] [pytest options] [check paths or node ids]

Checks every cluster of the inventory (read-only unless destructive checks are allowed).

hacert options:
  --inventory PATH        inventory: native YAML, Ansible YAML or INI (required)
  --cluster NAME          only this cluster (repeatable)
  --profile NAME          smoke | acceptance | grading | full
  --checks ID,ID          only these checks, by id or prefix pattern (PCMK-*); -k ID works too
  --skip-checks ID,ID     not these checks (same forms); an unknown id is a usage error
  --allow-destructive     allow checks that break the cluster on purpose (the inventory must
                          allow them too; production clusters are always refused)
  --rubric FILE --grade-out DIR   grade each cluster as a student's (class inventories)
  --waivers FILE          accepted failures with a justification and an expiry date
  --perf-repetitions N    samples per performance figure (nightly runs)
  --report-dir DIR        where junit.xml, results.json, allure-results and perf.sqlite go
                          (default: ./reports)
  --html                  also write the HTML report (DIR/allure-report/index.html, one file
                          that opens from disk, with the previous runs' history)
  --workers N             parallel workers, one cluster per worker at a time (default: auto;
                          0 runs in this process)
  --pytest-help           every option pytest and hacert's plugin accept

Every pytest option passes through: -k, -m "corosync or pacemaker", -x, --lf, -v, --tb=long ...
Without a path, the installed checks run ({suites}).
The run ends with a summary: a cluster x technology table, one line per failure, broken
checks grouped by cause (tracebacks only with --tb=long), not-applicable checks listed with -v.

exit codes: 0 all passed; 1 a check failed (or a confirmed performance regression);
  2 interrupted; 3 internal error; 4 usage error (bad inventory, rubric or waiver file, bad
  option, unknown check id); 5 no check selected; 6 only waived failures;
  7 only broken checks: none failed, but hacert could not look at some (host unreachable,
  command timed out, tool missing).
"""
VALUE_OPTIONS = frozenset(
    [
        "-k",
        "-m",
        "-n",
        "-p",
        "-o",
        "-c",
        "-W",
        "--tb",
        "--maxfail",
        "--rootdir",
        "--inventory",
        "--cluster",
        "--profile",
        "--checks",
        "--skip-checks",
        "--rubric",
        "--grade-out",
        "--waivers",
        "--perf-store",
        "--perf-repetitions",
        "--perf-baseline",
        "--perf-plots",
        "--results-json",
        "--alluredir",
        "--junitxml",
        "--junit-xml",
        "--run-timeout",
        "--numprocesses",
        "--dist",
        "--report-dir",
        "--workers",
        "--deselect",
        "--ignore",
        "--basetemp",
        "--confcutdir",
    ]
)
OWN_OUTPUTS = {
    "--alluredir": "allure-results",
    "--junitxml": "junit.xml",
    "--results-json": "results.json",
    "--perf-store": "perf.sqlite",
}


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hacert" / "pytest"


def _given(args: list[str], option: str) -> bool:
    aliases = {"--junitxml": ("--junitxml", "--junit-xml")}.get(option, (option,))
    return any(a == o or a.startswith(o + "=") for a in args for o in aliases)


def _value(args: list[str], option: str) -> str | None:
    value, rest = _take(args, option, "")
    return value if len(rest) < len(args) else None


def _take(args: list[str], option: str, default: str) -> tuple[str, list[str]]:
    """Removes ``option VALUE`` / ``option=VALUE`` from ``args``; returns the value."""
    rest: list[str] = []
    value = default
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == option and i + 1 < len(args):
            value, skip = args[i + 1], True
        elif arg.startswith(option + "="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return value, rest


def _test_paths(args: list[str]) -> tuple[list[str], bool]:
    """``args`` with check paths made absolute; whether any path was given."""
    out: list[str] = []
    found = False
    for i, arg in enumerate(args):
        previous = args[i - 1] if i else ""
        is_value = previous in VALUE_OPTIONS
        if arg.startswith("-") or is_value:
            out.append(arg)
            continue
        path, _, rest = arg.partition("::")
        candidate = SUITES / path.removeprefix("suites/")
        installed = path.startswith("suites/") and not Path(path).exists() and candidate.exists()
        found = True
        out.append(str(candidate) + (f"::{rest}" if rest else "") if installed else arg)
    return out, found


def pytest_args(argv: list[str]) -> list[str]:
    """The pytest command line ``hacert run argv`` stands for."""
    report_dir, args = _take(argv, "--report-dir", "reports")
    workers, args = _take(args, "--workers", "auto")
    args, has_paths = _test_paths(args)
    command = ["-c", str(PACKAGE_DIR / "run.ini"), "--rootdir", str(PACKAGE_DIR)]
    command += ["-o", f"cache_dir={_cache_dir()}", "-p", "no:randomly"]
    for option, name in OWN_OUTPUTS.items():
        if not _given(args, option):
            command.append(f"{option}={Path(report_dir) / name}")
    if not (_given(args, "-n") or _given(args, "--numprocesses") or workers == "0"):
        command += ["-n", workers, "--dist", "loadgroup"]
    command += args
    if not has_paths:
        command.append(str(SUITES))
    return command


def _fresh_allure_results(args: list[str]) -> None:
    """Empties hacert's own default allure-results folder (``--clean-alluredir`` races under
    xdist); a folder the user named is left alone."""
    if _given(args, "--alluredir"):
        return
    report_dir, _ = _take(args, "--report-dir", "reports")
    results = Path(report_dir) / OWN_OUTPUTS["--alluredir"]
    if results.is_dir():
        shutil.rmtree(results)


def main(argv: list[str]) -> int:
    if "-h" in argv or "--help" in argv:
        print(HELP.format(suites=SUITES), end="")
        return 0
    if "--pytest-help" in argv:
        return int(pytest.main(["--help", "-c", str(PACKAGE_DIR / "run.ini")]))
    html = "--html" in argv
    argv = [a for a in argv if a != "--html"]
    _fresh_allure_results(argv)
    status = int(pytest.main(pytest_args(argv)))
    if html and status != USAGE_ERROR:
        report_dir, _ = _take(argv, "--report-dir", "reports")
        results = _value(argv, "--alluredir") or str(Path(report_dir) / OWN_OUTPUTS["--alluredir"])
        print(generate(Path(results), Path(report_dir)))
    return status

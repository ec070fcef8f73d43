"""Every result carries its check's id and title: Allure (also for a check broken in setup),
JUnit, -k, and --checks/--skip-checks by id and by prefix."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from hacert.catalog import load_catalog
from tests.conftest import LoopbackSshd
from tests.unit import summary_probe
from tests.unit.grading.project import make_project, run_pytest

REPO = Path(__file__).resolve().parents[2]


def _allure(directory: Path) -> dict[str, dict[str, object]]:
    results = [json.loads(p.read_text()) for p in directory.glob("*-result.json")]
    return {str(r["name"]): r for r in results}


def test_allure_and_junit_name_every_result_by_id_title_and_target(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    run = summary_probe.run(tmp_path, loopback_sshd)
    allure = _allure(tmp_path / "allure")
    broken_in_setup = allure["HOSTS-914 Uptime is readable [lab/node2]"]
    assert broken_in_setup["status"] == "broken", run.stdout
    assert "mount /proc" in str(broken_in_setup["description"])
    policy = allure["PCMK-911 No-quorum policy stops resources [lab]"]
    assert policy["status"] == "failed"
    assert "pcs property set no-quorum-policy=stop" in str(policy["description"])
    answers = allure["HOSTS-911 Host answers over SSH [lab/node1]"]
    assert "Runs `true` on every host." in str(answers["description"])
    assert all(name.split()[0].count("-") == 1 for name in allure), sorted(allure)

    cases = ElementTree.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    names = {c.get("name"): c for c in cases}
    case = names["PCMK-911 No-quorum policy stops resources [lab]"]
    assert case.find("failure") is not None
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["check_id"] == "PCMK-911"
    assert "HOSTS-914 Uptime is readable [lab/node2]" in names, sorted(names)


def _collected(project: Path, *args: str) -> list[str]:
    run = run_pytest(project, "--collect-only", "-q", *args)
    assert run.returncode == 0, run.stdout + run.stderr
    return sorted(line for line in run.stdout.splitlines() if "::" in line)


FUNCTIONS = {
    "PCMK-001": "test_pass",
    "PCMK-002": "test_partial",
    "COROSYNC-001": "test_fails",
    "HOSTS-009": "test_student_value",
}


def _functions(nodeids: list[str]) -> set[str]:
    return {nodeid.split("::")[1].split("[")[0] for nodeid in nodeids}


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["-k", "COROSYNC-001"], {"COROSYNC-001"}),
        (["-k", "pcmk-002 or HOSTS-009"], {"PCMK-002", "HOSTS-009"}),
        (["--checks", "PCMK-*"], {"PCMK-001", "PCMK-002"}),
        (["--checks", "hosts-009,COROSYNC-001"], {"HOSTS-009", "COROSYNC-001"}),
        (["--skip-checks", "PCMK-*,HOSTS-009"], {"COROSYNC-001"}),
        (["--checks", "PCMK-*", "--skip-checks", "PCMK-002"], {"PCMK-001"}),
    ],
)
def test_checks_are_selected_by_id_and_prefix(
    tmp_path: Path, args: list[str], ids: set[str]
) -> None:
    project = make_project(tmp_path)
    assert _functions(_collected(project, *args)) == {FUNCTIONS[i] for i in ids}


def test_unknown_ids_are_a_usage_error_naming_them(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    run = run_pytest(project, "--checks", "PCMK-001,NOPE-001,COROSYNC-9*")
    assert run.returncode == 4, run.stdout + run.stderr
    assert "unknown check id(s) in --checks: NOPE-001, COROSYNC-9*" in run.stderr, run.stderr
    run = run_pytest(project, "--skip-checks", "PCMK-404")
    assert run.returncode == 4 and "--skip-checks: PCMK-404" in run.stderr, run.stderr


def _hacert_collect(tmp_path: Path, *args: str) -> set[tuple[str, str]]:
    """(file, function) of what ``hacert run`` collects from the installed suites."""
    env = {k: v for k, v in os.environ.items() if k != "HACERT_RUN_ID"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hacert.cli",
            "run",
            "--inventory",
            str(REPO / "inventory" / "lab.yaml"),
            "--report-dir",
            str(tmp_path),
            "--workers",
            "0",
            "--allow-destructive",
            "--collect-only",
            "-q",
            *args,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    nodeids = [line for line in run.stdout.splitlines() if "::" in line]
    return {(Path(n.split("::")[0]).name, n.split("::")[1].split("[")[0]) for n in nodeids}


def _catalogued(prefix: str) -> set[tuple[str, str]]:
    return {
        (Path(inspect.getsourcefile(e.function) or "").name, e.function.__name__)
        for e in load_catalog()
        if e.meta.id.startswith(prefix)
    }


def test_k_and_checks_select_exactly_those_checks_of_the_real_suites(tmp_path: Path) -> None:
    assert _hacert_collect(tmp_path, "-k", "PCMK-008") == _catalogued("PCMK-008")
    corosync = _catalogued("COROSYNC-")
    assert len(corosync) > 3
    assert _hacert_collect(tmp_path, "--checks", "COROSYNC-*") == corosync

"""--waivers in a real pytest run: waived, expired, exit codes, Allure, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.grading.project import make_project, run_pytest

HEAD = "version: 1\nwaivers:\n"
WAIVER = """\
version: 1
waivers:
  - check: COROSYNC-001
    justification: corosync ring redesign, ticket OPS-7
    expires: {expires}
    clusters: [alice]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def _waivers(project: Path, expires: str) -> str:
    (project / "waivers.yaml").write_text(WAIVER.format(expires=expires))
    return "waivers.yaml"


def test_only_waived_failures_exit_6_and_show_as_waived(project: Path) -> None:
    run = run_pytest(
        project,
        "--waivers",
        _waivers(project, "2099-12-31"),
        "--cluster",
        "alice",
        "-k",
        "not partial and not student",
    )
    assert run.returncode == 6, run.stdout + run.stderr
    assert (
        "SKIPPED [1] suites/demo/test_demo.py:14: WAIVED COROSYNC-001: corosync ring "
        "redesign, ticket OPS-7 (expires 2099-12-31)" in run.stdout
    )
    assert "1 failure(s) waived" in run.stdout
    allure = [json.loads(p.read_text()) for p in (project / "allure").glob("*-result.json")]
    waived = [r for r in allure if r["name"] == "COROSYNC-001 fails on alice [alice]"]
    assert waived[0]["status"] == "skipped"
    assert waived[0]["statusDetails"]["message"].startswith("Skipped: WAIVED COROSYNC-001")
    results = json.loads((project / "reports" / "results.json").read_text())
    assert all(c["outcome"] is not None for c in results["checks"])
    entry = next(c for c in results["checks"] if c["nodeid"].endswith("test_fails[alice]"))
    assert entry["outcome"] == "waived", entry
    assert entry["waiver"]["failure"].startswith("expected: quorum")


def test_expired_waiver_no_longer_applies(project: Path) -> None:
    run = run_pytest(
        project, "--waivers", _waivers(project, "2020-01-01"), "--cluster", "alice", "-k", "fails"
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert (
        "waiver for COROSYNC-001 expired on 2020-01-01: it no longer applies "
        "(1 failure(s) it named count again)"
    ) in run.stdout
    assert "FAILED suites/demo/test_demo.py::test_fails[alice]" in run.stdout


def test_unwaived_failure_still_exits_1(project: Path) -> None:
    run = run_pytest(project, "--waivers", _waivers(project, "2099-12-31"))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failure(s) waived" in run.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "  - check: PCMK-404\n    justification: x\n    expires: 2030-01-01\n",
            "waivers.yaml:3: waivers[0].check: unknown check id 'PCMK-404'",
        ),
        (
            HEAD + "  - check: PCMK-001\n    justification: x\n    expires: 2030-01-01\n"
            "    clusters: [carol]\n",
            "waivers.yaml:6: waivers[0].clusters[0]: unknown cluster 'carol'",
        ),
    ],
    ids=["unknown-check", "unknown-cluster"],
)
def test_bad_waiver_file_is_a_usage_error(project: Path, text: str, expected: str) -> None:
    (project / "waivers.yaml").write_text(text)
    run = run_pytest(project, "--waivers", "waivers.yaml")
    assert run.returncode == 4
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and expected in errors[0], run.stderr
    assert "Traceback" not in run.stderr + run.stdout

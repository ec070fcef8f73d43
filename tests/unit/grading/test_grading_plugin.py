"""--rubric in a real pytest run: student values merged, other checks deselected, grades
written at the end, malformed rubrics a usage error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.unit.grading.project import make_project, run_pytest

HEAD = "assignment: demo\nchecks:\n  - id: PCMK-001\n"
RUBRIC = """\
assignment: demo
checks:
  - id: PCMK-002
    points: 3
  - id: HOSTS-009
    points: 2
    hidden: true
students:
  - name: alice
    cluster: alice
    expect: {hosts: {max_clock_skew_s: 7.5}}
  - name: bob
    cluster: bob
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_rubric_run_grades_the_class(project: Path) -> None:
    (project / "rubric.yaml").write_text(RUBRIC)
    run = run_pytest(project, "--rubric", "rubric.yaml", "--grade-out", "grades")
    out = run.stdout + run.stderr
    assert "test_pass" not in out and "test_fails" not in out  # not in the rubric: deselected
    assert "PASSED suites/demo/test_demo.py::test_student_value[alice]" in out  # merged value
    assert "FAILED suites/demo/test_demo.py::test_student_value[bob]" in out
    results = json.loads((project / "reports" / "results.json").read_text())
    assert all(c["outcome"] is not None for c in results["checks"])
    assert run.returncode == 1, out
    assert "hacert grading" in out and "2 student results in grades" in out
    rows = {r["student"]: r for r in csv.DictReader((project / "grades" / "gradebook.csv").open())}
    assert rows["alice"]["PCMK-002"] == "2.0"  # n2 fails: 2 of 3 hosts
    assert rows["alice"]["HOSTS-009"] == "2.0" and rows["bob"]["HOSTS-009"] == "0.0"
    assert rows["bob"]["points"] == "3.0" and rows["bob"]["max"] == "5.0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "assignment: demo\nchecks:\n  - id: PCMK-404\n",
            "rubric.yaml:3: checks[0].id: unknown check id",
        ),
        (
            HEAD + "students:\n  - {name: c, cluster: carol}\n",
            "rubric.yaml:5: students[0].cluster: cluster 'carol' is not in the inventory",
        ),
        (
            HEAD + "students:\n  - name: a\n    cluster: alice\n    expect: {ceph: {}}\n",
            "rubric.yaml:7: students[0].expect: cluster 'alice': expect.ceph is set but no host",
        ),
    ],
    ids=["unknown-check", "unknown-cluster", "expect-without-role"],
)
def test_bad_rubric_is_a_usage_error(project: Path, text: str, expected: str) -> None:
    (project / "rubric.yaml").write_text(text)
    run = run_pytest(project, "--rubric", "rubric.yaml")
    assert run.returncode == 4
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and expected in errors[0], run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_rubric_run_signs_student_files_with_grade_key(project: Path) -> None:
    from hacert.certification import __main__ as cert_cli
    from hacert.grading import __main__ as grading_cli

    assert cert_cli.main(["keygen", str(project / "signing")]) == 0
    (project / "rubric.yaml").write_text(RUBRIC)
    run_pytest(
        project, "--rubric", "rubric.yaml", "--grade-out", "grades", "--grade-key", "signing"
    )
    students = sorted(str(f) for f in (project / "grades" / "students").glob("*.json"))
    assert len(students) == 2, students
    assert grading_cli.main(["verify", *students, "--pubkey", str(project / "signing.pub")]) == 0

"""Scoring, partial credit, hidden checks, dead clusters, the gradebook and its seals."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from hacert.grading import __main__ as cli
from hacert.grading.gradebook import grade_class
from hacert.grading.integrity import verify_file
from hacert.grading.results import load_results
from hacert.grading.rubric import load_rubric
from tests.unit.grading.factory import document, host, item, write

RUBRIC = """\
assignment: ha-lab-1
title: HA lab 1
checks:
  - id: HOSTS-001          # per host, proportional (default), the check's own points (3)
  - id: PCMK-001
    points: 4
    partial: none
  - id: PCMK-002
    points: 2
    partial:
      - {min_passed: 2, points: 1}
  - id: COROSYNC-001
    points: 5
    hidden: true
    hint: ask about quorum
students:
  - {name: alice, cluster: alice-ha, display_name: Alice A.}
  - {name: bob, cluster: bob-ha}
  - {name: dead, cluster: dead-ha}
  - {name: ghost, cluster: ghost-ha}
"""
FAIL = (
    "expected: pacemaker running\nfound:    inactive\nhost:     n2\n"
    "fix:      systemctl start pacemaker"
)
DOWN = "dead-ha/n1: cannot connect to root@10.213.0.250:22: timed out"


def _results() -> dict:
    three = {n: host(f"10.0.0.{i}") for i, n in enumerate(["n1", "n2", "n3"], 1)}
    checks = []
    for name in ("alice-ha", "bob-ha"):
        failing = {"alice-ha": {"n2"}, "bob-ha": {"n2", "n3"}}[name]
        for h in three:
            outcome = "failed" if h in failing else "passed"
            checks.append(
                item("HOSTS-001", name, outcome, h, FAIL if outcome == "failed" else "", points=3)
            )
            checks.append(item("PCMK-002", name, outcome, h, FAIL if outcome == "failed" else ""))
        checks.append(
            item("PCMK-001", name, "passed" if name == "alice-ha" else "failed", message=FAIL)
        )
        checks.append(item("COROSYNC-001", name, "passed"))
    for h in ("n1", "n2"):
        checks.append(item("HOSTS-001", "dead-ha", "broken", h, DOWN, points=3))
    checks.append(item("PCMK-001", "dead-ha", "broken", message=DOWN))
    dead = {h: host("10.213.0.250", reachable=False, error=DOWN) for h in ("n1", "n2")}
    return document({"alice-ha": three, "bob-ha": three, "dead-ha": dead}, checks)


@pytest.fixture
def graded(tmp_path: Path):
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text(RUBRIC)
    rubric = load_rubric(rubric_path)
    run = load_results(write(tmp_path / "run" / "results.json", _results()))
    return grade_class(rubric, [run], tmp_path / "grades")


def _by_student(grades) -> dict:
    return {r["student"]: r for r in grades.results}


def _check(result: dict, check_id: str) -> dict:
    return next(c for c in result["checks"] if c["id"] == check_id)


def test_partial_credit_rules(graded) -> None:
    alice, bob = _by_student(graded)["alice"], _by_student(graded)["bob"]
    assert _check(alice, "HOSTS-001")["points"] == 2.0  # 2 of 3 hosts of 3 points
    assert _check(alice, "HOSTS-001")["status"] == "partial"
    assert _check(bob, "HOSTS-001")["points"] == 1.0
    assert _check(alice, "PCMK-002")["points"] == 1.0  # step: 2 passed -> 1 point
    assert _check(bob, "PCMK-002")["points"] == 0.0  # 1 passed: no step reached
    assert _check(alice, "PCMK-001")["points"] == 4.0
    assert _check(bob, "PCMK-001")["points"] == 0.0  # partial: none
    assert alice["points"] == 2 + 4 + 1 + 5 and alice["max_points"] == 3 + 4 + 2 + 5
    assert alice["percentage"] == round(100 * 12 / 14, 2)


def test_feedback_has_expected_found_hint(graded) -> None:
    bob = _by_student(graded)["bob"]
    pcmk = _check(bob, "PCMK-001")
    assert pcmk["expected"] == "pacemaker running"
    assert pcmk["found"] == ["inactive"]
    assert _check(bob, "HOSTS-001")["found"] == ["n2: inactive", "n3: inactive"]
    dead = _check(_by_student(graded)["dead"], "HOSTS-001")
    assert dead["found"][0] == f"n1: could not check: {DOWN}"
    assert pcmk["hint"] == "systemctl start pacemaker"


def test_dead_cluster_scores_zero_with_a_reason(graded) -> None:
    dead = _by_student(graded)["dead"]
    assert dead["points"] == 0.0 and dead["max_points"] == 14.0
    assert any("cluster unreachable" in n and "timed out" in n for n in dead["notes"])
    assert _check(dead, "HOSTS-001")["status"] == "broken"
    assert _check(dead, "PCMK-002")["status"] == "not-run"
    ghost = _by_student(graded)["ghost"]
    assert ghost["points"] == 0.0
    assert ghost["notes"] == ["cluster 'ghost-ha' is in no results file: not graded, scored 0"]


def test_gradebook_csv_matches_results(graded, tmp_path: Path) -> None:
    rows = list(csv.DictReader((tmp_path / "grades" / "gradebook.csv").open()))
    assert [r["student"] for r in rows] == ["alice", "bob", "dead", "ghost"]
    by = {r["student"]: r for r in rows}
    assert by["alice"]["points"] == "12.0" and by["alice"]["max"] == "14.0"
    assert by["alice"]["percentage"] == "85.71"
    assert by["bob"]["HOSTS-001"] == "1.0" and by["bob"]["COROSYNC-001"] == "5.0"
    for result in graded.results:
        assert by[result["student"]]["sha256"] == result["sha256"]
        assert float(by[result["student"]]["points"]) == sum(c["points"] for c in result["checks"])
    summary = json.loads((tmp_path / "grades" / "summary.json").read_text())
    assert summary["students"] == 4 and summary["checks"]["PCMK-001"]["full_credit"] == 1


def test_result_records_hosts_and_seal_verifies(graded, tmp_path: Path) -> None:
    path = tmp_path / "grades" / "students" / "alice.json"
    result = json.loads(path.read_text())
    assert result["taken"]["hosts"]["n1"]["host_key_sha256"] == "SHA256:abc"
    assert result["taken"]["hosts"]["n1"]["boot_time"] == "2026-11-25T17:03:01+00:00"
    assert result["taken"]["finished"] == "2026-11-25T17:00:00Z"
    assert len(result["taken"]["results_sha256"]) == 64
    assert verify_file(path)[0]
    result["points"] = 14.0
    path.write_text(json.dumps(result))
    ok, line = verify_file(path)
    assert not ok and "MODIFIED" in line


def test_student_page_hides_hidden_check_details(graded, tmp_path: Path) -> None:
    page = (tmp_path / "grades" / "students" / "bob.html").read_text()
    assert "COROSYNC-001" not in page and "ask about quorum" not in page
    assert "1 hidden checks" in page and "systemctl start pacemaker" in page


def test_latest_run_wins_for_a_regraded_cluster(tmp_path: Path) -> None:
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text("assignment: a\nchecks: [{id: PCMK-001}]\n")
    old = document({"c": {}}, [item("PCMK-001", "c", "failed")], finished="2026-11-25T10:00:00Z")
    new = document({"c": {}}, [item("PCMK-001", "c", "passed")], finished="2026-11-25T12:00:00Z")
    runs = [
        load_results(write(tmp_path / n / "results.json", d)) for n, d in (("b", new), ("a", old))
    ]
    grades = grade_class(load_rubric(rubric_path), runs, tmp_path / "out")
    assert grades.results[0]["points"] == 1.0  # no students listed: one per cluster


def test_cli_gradebook_and_usage_error(tmp_path: Path, capsys) -> None:
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text(RUBRIC)
    run_dir = write(tmp_path / "run" / "results.json", _results()).parent
    assert (
        cli.main(
            ["gradebook", str(run_dir), "--rubric", str(rubric_path), "-o", str(tmp_path / "o")]
        )
        == 0
    )
    assert "4 student results" in capsys.readouterr().out
    assert cli.main(["verify", str(tmp_path / "o" / "students" / "bob.json")]) == 0
    rubric_path.write_text(RUBRIC.replace("PCMK-002", "PCMK-777"))
    assert cli.main(["gradebook", str(run_dir), "--rubric", str(rubric_path)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown check id 'PCMK-777'" in err
    with pytest.raises(SystemExit) as exited:
        cli.main(["gradebook", str(run_dir)])
    assert exited.value.code == 4


def test_signed_grade_files_verify_only_with_their_key(tmp_path: Path, capsys) -> None:
    from hacert.certification import __main__ as cert_cli

    key = tmp_path / "grader"
    assert cert_cli.main(["keygen", str(key)]) == 0
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text(RUBRIC)
    run_dir = write(tmp_path / "run" / "results.json", _results()).parent
    out = tmp_path / "o"
    args = ["gradebook", str(run_dir), "--rubric", str(rubric_path), "-o", str(out)]
    assert cli.main([*args, "--key", str(key)]) == 0
    bob = out / "students" / "bob.json"
    signed_by = json.loads(bob.read_text())["signature"]["key"]
    assert signed_by in (out / "students" / "bob.html").read_text()
    capsys.readouterr()
    assert cli.main(["verify", str(bob), "--pubkey", f"{key}.pub"]) == 0
    assert f"signed by {signed_by}" in capsys.readouterr().out
    assert cli.main(["verify", str(bob)]) == 0
    assert "integrity only, not authenticity" in capsys.readouterr().out
    result = json.loads(bob.read_text())
    result["points"] = 14.0
    result.pop("sha256")
    body = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    result["sha256"] = hashlib.sha256(body.encode()).hexdigest()
    bob.write_text(json.dumps(result))
    assert cli.main(["verify", str(bob)]) == 0  # the hash alone is fooled
    assert cli.main(["verify", str(bob), "--pubkey", f"{key}.pub"]) == 1
    assert "signature does not match" in capsys.readouterr().out
    other = tmp_path / "other"
    assert cert_cli.main(["keygen", str(other)]) == 0
    alice = out / "students" / "alice.json"
    assert cli.main(["verify", str(alice), "--pubkey", f"{other}.pub"]) == 1


def _as_pytest_reports(error: Exception) -> str:
    try:
        raise error
    except Exception:
        return pytest.ExceptionInfo.from_current().exconly()


def test_student_page_names_causes_in_plain_words(tmp_path: Path) -> None:
    from hacert.errors import CommandTimeout, HostUnreachable, ToolMissing
    from hacert.virt.qmp import QmpError

    errors = [
        HostUnreachable("connection refused", host="n1"),
        CommandTimeout("`crm_mon -1` ran past 30 s", host="n2"),
        ToolMissing("pcs: command not found", host="n3"),
        QmpError("no 'return' in the answer"),
        KeyError("nodes"),
    ]
    checks = [
        item("HOSTS-001", "c", "broken", f"n{i}", _as_pytest_reports(e))
        for i, e in enumerate(errors, 1)
    ]
    rubric_path = tmp_path / "rubric.yaml"
    rubric_path.write_text("assignment: a\nchecks: [{id: HOSTS-001}]\n")
    run = load_results(write(tmp_path / "results.json", document({"c": {}}, checks)))
    grade_class(load_rubric(rubric_path), [run], tmp_path / "out")
    page = (tmp_path / "out" / "students" / "c.html").read_text()
    assert "hacert." not in page and "Error" not in page and "KeyError" not in page
    for words in (
        "host unreachable: n1: connection refused",
        "command timed out: n2: `crm_mon -1` ran past 30 s",
        "tool missing: n3: pcs: command not found",
        "unexpected tool output: no &#x27;return&#x27; in the answer",
        "unexpected error in the check",
    ):
        assert words in page, page

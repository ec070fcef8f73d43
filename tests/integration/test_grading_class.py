"""Grades a class end to end on the lab: "student" clusters built from the lab's nodes under
different student parameters (one with a dead extra node), plus a cluster nobody answers
for, run with ``-n 2 --dist loadgroup``."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
DEAD = "10.213.0.250"  # in the lab's network; nobody answers there
LAB_CLUSTER_NAME = "hacert-lab"

RUBRIC: dict[str, Any] = {
    "version": 1,
    "assignment": "lab-class",
    "checks": [
        {"id": "HOSTS-001", "points": 4},
        {"id": "HOSTS-002", "points": 2, "partial": [{"min_passed": 3, "points": 1}]},
        {"id": "COROSYNC-001", "points": 3, "partial": "none"},
        {"id": "COROSYNC-013", "points": 2},
        {"id": "PCMK-001", "points": 2},
        {"id": "PCMK-002", "points": 2, "hidden": True},
    ],
    "students": [
        {
            "name": "ana",
            "cluster": "ana-ha",
            "expect": {"corosync": {"cluster_name": LAB_CLUSTER_NAME}},
        },
        {
            "name": "ben",
            "cluster": "ben-ha",
            "expect": {"corosync": {"cluster_name": LAB_CLUSTER_NAME}},
        },
        {
            "name": "cy",
            "cluster": "cy-ha",
            "expect": {"corosync": {"cluster_name": "cys-own-name"}},
        },
        {
            "name": "dee",
            "cluster": "dee-ha",
            "expect": {"corosync": {"cluster_name": LAB_CLUSTER_NAME}},
        },
    ],
}


def _class_inventory() -> dict[str, Any]:
    lab = yaml.safe_load((REPO / "inventory" / "lab.yaml").read_text())
    source = next(c for c in lab["clusters"] if c["name"] == "lab")
    nodes = [
        {"name": h["name"], "address": h["address"], "roles": ["corosync", "pacemaker"]}
        for h in source["hosts"]
        if "corosync" in h["roles"]
    ]
    dead = [{"name": n["name"], "address": DEAD, "roles": n["roles"]} for n in nodes]
    extra = {"name": "node4", "address": DEAD, "roles": ["corosync", "pacemaker"]}

    def cluster(name: str, hosts: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "name": name,
            "environment": "lab",
            "platform": source.get("platform", {}),
            "hosts": hosts,
        }

    defaults = {**lab.get("defaults", {}), "connect_timeout": 3, "command_timeout": 30}
    return {
        "version": 1,
        "defaults": defaults,
        "clusters": [
            cluster("ana-ha", nodes),
            cluster("ben-ha", [*nodes, extra]),
            cluster("cy-ha", nodes),
            cluster("dee-ha", dead),
        ],
    }


def _expected_points(rule: dict[str, Any], items: list[dict[str, Any]]) -> float:
    passed, total = sum(i["outcome"] == "passed" for i in items), len(items)
    points = rule["points"]
    if not total or not passed:
        return 0.0
    if passed == total:
        return float(points)
    partial = rule.get("partial", "proportional")
    if partial == "none":
        return 0.0
    if partial == "proportional":
        return round(points * passed / total, 2)
    return float(max((s["points"] for s in partial if passed >= s["min_passed"]), default=0.0))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("class")
    (work / "class.yaml").write_text(yaml.safe_dump(_class_inventory()))
    (work / "rubric.yaml").write_text(yaml.safe_dump(RUBRIC))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "suites/",
        "-p",
        "no:cacheprovider",
        "--inventory",
        str(work / "class.yaml"),
        "--rubric",
        str(work / "rubric.yaml"),
        "--grade-out",
        str(work / "grades"),
        "--results-json",
        str(work / "results.json"),
        "--alluredir",
        str(work / "allure"),
        "--junitxml",
        str(work / "junit.xml"),
        "-n",
        "2",
        "--dist",
        "loadgroup",
    ]
    env = {k: v for k, v in os.environ.items() if k != "HACERT_RUN_ID"}
    started = time.monotonic()
    run = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    return {"run": run, "work": work, "seconds": time.monotonic() - started}


def test_run_completes_without_usage_or_internal_error(graded: dict[str, Any]) -> None:
    run = graded["run"]
    assert (graded["work"] / "results.json").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    _results(graded)
    assert run.returncode in (0, 1, 7), run.stdout[-3000:] + run.stderr[-3000:]  # 7: only broken


def _results(graded: dict[str, Any]) -> dict[str, Any]:
    results = json.loads((graded["work"] / "results.json").read_text())
    assert all(c["outcome"] is not None for c in results["checks"]), results["checks"]
    return results


def test_gradebook_matches_results(graded: dict[str, Any]) -> None:
    results = _results(graded)
    rows = {
        r["student"]: r
        for r in csv.DictReader((graded["work"] / "grades" / "gradebook.csv").open())
    }
    assert set(rows) == {"ana", "ben", "cy", "dee"}
    for student in RUBRIC["students"]:
        row, total = rows[student["name"]], 0.0
        for rule in RUBRIC["checks"]:
            items = [
                c
                for c in results["checks"]
                if c["cluster"] == student["cluster"] and c["check_id"] == rule["id"]
            ]
            expected = _expected_points(rule, items)
            assert float(row[rule["id"]]) == pytest.approx(expected), (student, rule, items)
            total += expected
        assert float(row["points"]) == pytest.approx(total)
        assert float(row["max"]) == 15.0


def test_partial_credit_and_student_parameters(graded: dict[str, Any]) -> None:
    _results(graded)
    rows = {
        r["student"]: r
        for r in csv.DictReader((graded["work"] / "grades" / "gradebook.csv").open())
    }
    assert rows["ana"]["HOSTS-001"] == "4.0"
    assert rows["ben"]["HOSTS-001"] == "3.0"  # 3 of 4 nodes answer
    assert rows["ben"]["HOSTS-002"] == "1.0"  # step: 3 hostnames right
    assert rows["ana"]["COROSYNC-013"] == "2.0"  # the lab's name is ana's expected name
    assert rows["cy"]["COROSYNC-013"] == "0.0"  # cy's expected name is not the lab's
    cy = json.loads((graded["work"] / "grades" / "students" / "cy.json").read_text())
    named = next(c for c in cy["checks"] if c["id"] == "COROSYNC-013")
    assert named["status"] == "failed" and "cys-own-name" in named["expected"], named
    assert any(f"cluster_name {LAB_CLUSTER_NAME}" in line for line in named["found"]), named


def test_dead_cluster_scores_zero_with_reason_and_holds_nobody_up(graded: dict[str, Any]) -> None:
    results = _results(graded)
    dee = json.loads((graded["work"] / "grades" / "students" / "dee.json").read_text())
    assert dee["points"] == 0.0
    assert any(n.startswith("cluster unreachable") for n in dee["notes"]), dee["notes"]
    dead = [c for c in results["checks"] if c["cluster"] == "dee-ha"]
    assert dead and all(c["outcome"] in ("broken", "skipped") for c in dead)
    assert all(c["outcome"] is not None for c in results["checks"] if c["cluster"] == "ana-ha")
    assert graded["seconds"] < 600


def test_result_files_are_sealed(graded: dict[str, Any]) -> None:
    _results(graded)
    files = sorted((graded["work"] / "grades" / "students").glob("*.json"))
    check = subprocess.run(
        [sys.executable, "-m", "hacert.grading", "verify", *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout
    ana = json.loads((graded["work"] / "grades" / "students" / "ana.json").read_text())
    assert all(h["host_key_sha256"] for h in ana["taken"]["hosts"].values())
    assert all(h["boot_time"] for h in ana["taken"]["hosts"].values())

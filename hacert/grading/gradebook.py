"""Grades a class: per-student result files and pages, a gradebook CSV and a summary."""

from __future__ import annotations

import csv
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hacert.grading.integrity import write_sealed
from hacert.grading.report import render_student_html, render_summary_text
from hacert.grading.results import RunResults
from hacert.grading.rubric import Rubric, Student
from hacert.grading.scoring import grade_student


@dataclass
class ClassGrades:
    results: list[dict[str, Any]]
    summary: dict[str, Any]
    out_dir: Path


def latest_run_per_cluster(runs: Iterable[RunResults]) -> dict[str, RunResults]:
    """For each cluster, the run that saw it last (a re-grade replaces an earlier run)."""
    chosen: dict[str, RunResults] = {}
    for run in sorted(runs, key=lambda r: r.finished or r.started or ""):
        names = set(run.clusters) | {c.cluster for c in run.checks if c.cluster}
        for name in names:
            chosen[name] = run
    return chosen


def students_of(rubric: Rubric, runs: dict[str, RunResults]) -> list[Student]:
    """The rubric's students; without a student list, one per cluster seen."""
    if rubric.students:
        return list(rubric.students)
    return [Student(name=name, cluster=name) for name in sorted(runs)]


def grade_class(
    rubric: Rubric,
    runs: Iterable[RunResults],
    out_dir: Path,
    key: Ed25519PrivateKey | None = None,
) -> ClassGrades:
    """Grades every student; their result files are signed with ``key`` when given."""
    by_cluster = latest_run_per_cluster(runs)
    results: list[dict[str, Any]] = []
    for student in students_of(rubric, by_cluster):
        document = grade_student(rubric, student, by_cluster.get(student.cluster))
        sealed = write_sealed(out_dir / "students" / f"{student.name}.json", document, key)
        (out_dir / "students" / f"{student.name}.html").write_text(
            render_student_html(sealed), encoding="utf-8"
        )
        results.append(sealed)
    write_gradebook_csv(out_dir / "gradebook.csv", rubric, results)
    summary = summarize(rubric, results)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (out_dir / "summary.txt").write_text(render_summary_text(summary), encoding="utf-8")
    return ClassGrades(results, summary, out_dir)


def write_gradebook_csv(path: Path, rubric: Rubric, results: list[dict[str, Any]]) -> None:
    check_ids = [c.id for c in rubric.checks]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["student", "cluster", "points", "max", "percentage", *check_ids, "notes", "sha256"]
        )
        for result in results:
            earned = {c["id"]: c["points"] for c in result["checks"]}
            writer.writerow(
                [
                    result["student"],
                    result["cluster"],
                    result["points"],
                    result["max_points"],
                    result["percentage"],
                    *(earned.get(i, 0.0) for i in check_ids),
                    "; ".join(result["notes"]),
                    result["sha256"],
                ]
            )


def summarize(rubric: Rubric, results: list[dict[str, Any]]) -> dict[str, Any]:
    percentages = [r["percentage"] for r in results]
    per_check: dict[str, dict[str, Any]] = {}
    for rule in rubric.checks:
        scores = [c for r in results for c in r["checks"] if c["id"] == rule.id]
        per_check[rule.id] = {
            "hidden": rule.hidden,
            "full_credit": sum(1 for c in scores if c["status"] == "passed"),
            "partial_credit": sum(1 for c in scores if c["status"] == "partial"),
            "not_shown": sum(1 for c in scores if c["status"] in ("broken", "not-run")),
            "mean_points": round(statistics.fmean(c["points"] for c in scores), 2)
            if scores
            else 0.0,
        }
    return {
        "assignment": rubric.assignment,
        "students": len(results),
        "max_points": results[0]["max_points"] if results else 0.0,
        "mean_percentage": round(statistics.fmean(percentages), 2) if percentages else 0.0,
        "median_percentage": round(statistics.median(percentages), 2) if percentages else 0.0,
        "min_percentage": min(percentages, default=0.0),
        "max_percentage": max(percentages, default=0.0),
        "notes": {r["student"]: r["notes"] for r in results if r["notes"]},
        "checks": per_check,
    }

"""Scores one student's cluster from a run's results and the rubric."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from hacert.grading.results import CheckResult, RunResults
from hacert.grading.rubric import Rubric, RubricCheck, Student

RESULT_SCHEMA = "hacert-grade/1"
DEFAULT_POINTS = 1.0


@dataclass
class ItemOutcome:
    """One executed item of a check (one per host for per-host checks)."""

    target: str
    outcome: str
    message: str = ""
    per_host: bool = False


@dataclass
class CheckScore:
    id: str
    title: str
    points: float
    max_points: float
    hidden: bool
    status: str  # passed | partial | failed | broken | not-run
    passed_items: int
    total_items: int
    expected: str
    found: list[str]
    hint: str
    items: list[ItemOutcome] = field(default_factory=list)


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def credit(rule: RubricCheck, max_points: float, passed: int, total: int) -> float:
    """Points earned when ``passed`` of ``total`` items passed."""
    if total == 0 or passed == 0:
        return 0.0
    if passed == total:
        return max_points
    if rule.partial == "none":
        return 0.0
    if rule.partial == "proportional":
        return max_points * passed / total
    reached = [s.points for s in rule.partial if s.reached(passed, total)]
    return min(max(reached, default=0.0), max_points)


def _target(item: CheckResult) -> str:
    return item.host or item.cluster or item.nodeid


def _found_line(item: ItemOutcome, parts: dict[str, str]) -> str:
    text = parts.get("found") or item.message or "(no message)"
    if item.outcome == "broken":
        text = f"could not check: {text}"
    elif item.outcome in ("skipped", "waived"):
        text = f"{item.outcome}: {text}"
    return f"{item.target}: {text}" if item.per_host else text


def parse_failure(message: str) -> dict[str, str]:
    """Splits hacert.checks' "expected: / found: / host: / fix:" message into its parts."""
    parts: dict[str, str] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("expected", "found", "host", "fix"):
            parts[key.strip()] = value.strip()
    return parts


def score_check(rule: RubricCheck, items: list[CheckResult]) -> CheckScore:
    declared = next((i.points for i in items if i.points is not None), None)
    max_points = rule.points if rule.points is not None else (declared or DEFAULT_POINTS)
    outcomes = [
        ItemOutcome(_target(i), i.outcome, i.message or "", i.host is not None) for i in items
    ]
    passed = sum(1 for i in items if i.outcome == "passed")
    total = len(items)
    title = next((i.title for i in items if i.title), rule.id)
    failures = [(o, parse_failure(o.message)) for o in outcomes if o.outcome != "passed"]
    found = [_found_line(o, parts) for o, parts in failures]
    expected = rule.expected or next((p["expected"] for _, p in failures if "expected" in p), title)
    hint = (
        rule.hint
        or next((p["fix"] for _, p in failures if "fix" in p), None)
        or next((i.remediation for i in items if i.remediation), None)
        or ""
    )
    if total == 0:
        status = "not-run"
        found = [
            "not run: the check was not collected for this cluster "
            "(profile, host roles or selection)"
        ]
    elif passed == total:
        status = "passed"
    elif all(i.outcome == "broken" for i in items):
        status = "broken"
    elif passed:
        status = "partial"
    else:
        status = "failed"
    return CheckScore(
        id=rule.id,
        title=title,
        points=_round(credit(rule, max_points, passed, total)),
        max_points=_round(max_points),
        hidden=rule.hidden,
        status=status,
        passed_items=passed,
        total_items=total,
        expected=expected,
        found=found,
        hint=hint if status != "passed" else "",
        items=outcomes,
    )


def grade_student(rubric: Rubric, student: Student, run: RunResults | None) -> dict[str, Any]:
    """The student's result document (not yet sealed with its hash)."""
    items = run.checks_of(student.cluster) if run else []
    by_id: dict[str, list[CheckResult]] = {}
    for item in items:
        by_id.setdefault(item.check_id or "", []).append(item)
    scores = [score_check(rule, by_id.get(rule.id, [])) for rule in rubric.checks]
    cluster = run.clusters.get(student.cluster) if run else None
    notes: list[str] = []
    if run is None or (cluster is None and not items):
        notes.append(f"cluster {student.cluster!r} is in no results file: not graded, scored 0")
    elif cluster is not None:
        down = {
            h: f.error or "unreachable" for h, f in cluster.hosts.items() if f.reachable is False
        }
        if down and len(down) == len(cluster.hosts):
            notes.append("cluster unreachable: " + "; ".join(f"{h}: {e}" for h, e in down.items()))
        elif down:
            notes.extend(f"host {h} unreachable: {e}" for h, e in down.items())
    points = _round(sum(s.points for s in scores))
    max_points = _round(sum(s.max_points for s in scores))
    return {
        "schema": RESULT_SCHEMA,
        "assignment": rubric.assignment,
        "title": rubric.title,
        "student": student.name,
        "display_name": student.display_name or student.name,
        "cluster": student.cluster,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "taken": _provenance(run, student.cluster),
        "points": points,
        "max_points": max_points,
        "percentage": _round(100 * points / max_points) if max_points else 0.0,
        "notes": notes,
        "checks": [asdict(s) for s in scores],
    }


def _provenance(run: RunResults | None, cluster_name: str) -> dict[str, Any]:
    """When and from which hosts the evidence was taken."""
    if run is None:
        return {}
    cluster = run.clusters.get(cluster_name)
    return {
        "run_id": run.run_id,
        "started": run.started,
        "finished": run.finished,
        "profile": run.profile,
        "results_file": run.source,
        "results_sha256": run.sha256,
        "hosts": {name: facts.model_dump() for name, facts in cluster.hosts.items()}
        if cluster
        else {},
    }

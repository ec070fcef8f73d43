"""Every malformed rubric gives one clear line naming file, place and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.errors import ConfigurationError
from hacert.grading.rubric import load_rubric
from hacert.inventory.model import ClusterSpec

KNOWN = {"PCMK-001", "PCMK-002", "COROSYNC-001"}
GOOD_HEAD = "assignment: lab1\nchecks:\n"

CASES = [
    # (id, YAML text, expected place, expected problem)
    (
        "bad-yaml",
        GOOD_HEAD + "  - id: [PCMK-001\n",
        ":4",
        "bad YAML",
    ),
    (
        "empty",
        "",
        "",
        "file is empty",
    ),
    (
        "top-list",
        "- a\n- b\n",
        "",
        "expected a mapping at the top, found a list",
    ),
    (
        "unknown-top-key",
        "asignment: lab1\nchecks: [{id: PCMK-001}]\n",
        ":1: asignment",
        "unknown key 'asignment'",
    ),
    (
        "missing-assignment",
        "checks: [{id: PCMK-001}]\n",
        ":1: assignment",
        "missing required key 'assignment'",
    ),
    (
        "unknown-check-key",
        GOOD_HEAD + "  - id: PCMK-001\n    pionts: 2\n",
        ":4: checks[0].pionts",
        "unknown key 'pionts'",
    ),
    (
        "points-text",
        GOOD_HEAD + "  - id: PCMK-001\n    points: two\n",
        ":4: checks[0].points",
        "valid number",
    ),
    (
        "points-negative",
        GOOD_HEAD + "  - id: PCMK-001\n    points: -1\n",
        ":4: checks[0].points",
        "greater than or equal to 0",
    ),
    (
        "bad-id-format",
        GOOD_HEAD + "  - id: pcmk3\n",
        ":3: checks[0].id",
        "should match pattern",
    ),
    (
        "unknown-check-id",
        GOOD_HEAD + "  - id: PCMK-999\n",
        ":3: checks[0].id",
        "unknown check id 'PCMK-999'",
    ),
    (
        "duplicate-check",
        GOOD_HEAD + "  - id: PCMK-001\n  - id: PCMK-001\n",
        ":3: checks",
        "check listed twice: PCMK-001",
    ),
    (
        "partial-word",
        GOOD_HEAD + "  - id: PCMK-001\n    partial: half\n",
        ":4: checks[0].partial",
        "'proportional' or 'none'",
    ),
    (
        "step-two-thresholds",
        GOOD_HEAD
        + "  - id: PCMK-001\n    partial:\n      - {min_passed: 2, min_fraction: 0.5, points: 1}\n",
        ":5: checks[0].partial[0]",
        "exactly one of",
    ),
    (
        "step-too-many-points",
        GOOD_HEAD
        + "  - id: PCMK-001\n    points: 1\n    partial:\n      - {min_passed: 2, points: 3}\n",
        ":3: checks[0]",
        "more than the check's points",
    ),
    (
        "hidden-not-bool",
        GOOD_HEAD + "  - id: PCMK-001\n    hidden: maybe\n",
        ":4: checks[0].hidden",
        "valid boolean",
    ),
    (
        "no-checks",
        "assignment: lab1\nchecks: []\n",
        ":2: checks",
        "at least 1 item",
    ),
    (
        "duplicate-yaml-key",
        "assignment: lab1\nassignment: lab2\nchecks: [{id: PCMK-001}]\n",
        ":2",
        "duplicate key 'assignment'",
    ),
    (
        "student-twice",
        GOOD_HEAD
        + "  - id: PCMK-001\nstudents:\n  - {name: a, cluster: c1}\n  - {name: b, cluster: c1}\n",
        ":5: students",
        "student cluster listed twice: c1",
    ),
    (
        "student-missing-cluster",
        GOOD_HEAD + "  - id: PCMK-001\nstudents:\n  - {name: a}\n",
        ":5: students[0].cluster",
        "missing required key 'cluster'",
    ),
    (
        "checks-not-list",
        "assignment: lab1\nchecks: PCMK-001\n",
        ":2: checks",
        "valid list",
    ),
]


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text, text
    assert text.startswith("rubric error: "), text
    return text


@pytest.mark.parametrize(
    ("text", "place", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_rubric_is_one_clear_line(
    tmp_path: Path, text: str, place: str, problem: str
) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(text)
    with pytest.raises(ConfigurationError) as caught:
        load_rubric(path, KNOWN)
    line = _one_line(caught.value)
    assert f"{path}{place}" in line, line
    assert problem in line, line


def test_missing_rubric_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_rubric(tmp_path / "nope.yaml", KNOWN)
    assert _one_line(caught.value) == f"rubric error: {tmp_path / 'nope.yaml'}: file not found"


def test_student_expect_that_the_inventory_model_rejects(tmp_path: Path) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(
        GOOD_HEAD
        + "  - id: PCMK-001\nstudents:\n  - name: a\n    cluster: c1\n"
        + "    expect:\n      hosts: {max_clock_skew_s: soon}\n"
    )
    rubric = load_rubric(path, KNOWN)
    cluster = ClusterSpec.model_validate(
        {"name": "c1", "hosts": [{"name": "n1", "address": "10.0.0.1"}]}
    )
    with pytest.raises(ConfigurationError) as caught:
        rubric.apply_student_expect(cluster)
    line = _one_line(caught.value)
    assert ":8: students[0].expect.hosts.max_clock_skew_s" in line, line
    assert "cluster 'c1'" in line and "valid number" in line, line


def test_student_expect_is_merged_into_the_cluster(tmp_path: Path) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(
        GOOD_HEAD
        + "  - id: PCMK-001\nstudents:\n  - name: a\n    cluster: c1\n"
        + "    expect:\n      hosts: {extra_services: [nginx]}\n"
    )
    rubric = load_rubric(path, KNOWN)
    cluster = ClusterSpec.model_validate(
        {
            "name": "c1",
            "hosts": [{"name": "n1", "address": "10.0.0.1"}],
            "expect": {"hosts": {"max_clock_skew_s": 2.5}},
        }
    )
    merged = rubric.apply_student_expect(cluster)
    assert merged.expect.hosts.extra_services == ["nginx"]
    assert merged.expect.hosts.max_clock_skew_s == 2.5

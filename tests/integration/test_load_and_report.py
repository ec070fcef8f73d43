"""A class of 30 clusters graded at once (bounded connections and memory); the Allure report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, run_suite
from tools.bench_class_load import measure

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("lab_containers")]
WORKERS = 2
CONNECTION_BOUND = WORKERS * 32 + 16  # per-process LRU cap x workers + the controller's facts pool


def test_grading_30_clusters_completes_with_bounded_connections_and_memory(tmp_path: Path) -> None:
    figures = measure(clusters=30, workers=WORKERS, work=tmp_path)
    print(f"class load: {json.dumps(figures.__dict__)}")
    assert figures.gradebook_rows == 30
    assert figures.checks >= 30 * 7
    assert figures.peak_connections <= CONNECTION_BOUND
    assert max(figures.peak_rss_mib.values()) < 600
    assert figures.wall_s < 900


def test_allure_html_report_is_generated_with_check_labels(tmp_path: Path) -> None:
    run, _ = run_suite(tmp_path, "suites/hosts", "--cluster", "lab")
    assert run.returncode == 0, run.stdout[-3000:]
    results = tmp_path / "allure-results"
    assert (results / "environment.properties").read_text().count("lab.corosync=") == 1
    assert json.loads((results / "categories.json").read_text())[2]["matchedStatuses"] == ["broken"]
    labelled = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    assert labelled and all(
        any(label["name"] == "check_id" for label in r["labels"]) for r in labelled
    )
    report = tmp_path / "report"
    allure = ROOT / "node_modules" / ".bin" / "allure"
    subprocess.run(
        [str(allure), "generate", str(results), "-o", str(report), "--clean"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    summary = json.loads((report / "widgets" / "summary.json").read_text())
    assert summary["statistic"]["passed"] == summary["statistic"]["total"] > 0
    junit = (tmp_path / "junit.xml").read_text()
    assert '<property name="check_id" value="HOSTS-001"' in junit

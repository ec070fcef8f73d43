"""The pytest plugin end to end: an inner pytest run against a prepared store."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hacert.fixtures.perf_plugin import PerfSettings
from hacert.perf.store import ResultStore
from tests.unit.perf.helpers import fill, nights

ROOT = Path(__file__).resolve().parents[3]

CHECKS = """
import os
import random

def _sample():
    return float(os.environ["LEVEL"]) * (1 + random.uniform(-0.005, 0.005))

def test_seqwrite(perf_recorder):
    samples = perf_recorder.measure(
        _sample, metric="fio.seqwrite.bw", unit="MiB/s", direction="higher",
        target="node1:/dev/shm", cluster="lab")
    assert len(samples) == 3 and samples.stable
    if os.environ.get("JUDGE") == "1":
        perf_recorder.verdict()

def test_downtime(perf_recorder):
    perf_recorder.record(metric="migration.downtime", value=0.012, unit="s",
                         direction="lower", target="vm1:node1->node2", cluster="lab")
"""


def _run(tmp_path: Path, run_id: str, level: float, judge: bool, *args: str):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HACERT_RUN_ID": run_id,
        "LEVEL": str(level),
        "JUDGE": "1" if judge else "0",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "hacert.fixtures.perf_plugin",
            "-p",
            "no:cacheprovider",
            "--perf-store",
            str(tmp_path / "perf.sqlite"),
            "--perf-repetitions",
            "3",
            "--perf-plots",
            str(tmp_path / "plots"),
            "-o",
            "addopts=",
            *args,
            "checks_perf.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def prepared(tmp_path):
    (tmp_path / "checks_perf.py").write_text(CHECKS)
    with ResultStore(tmp_path / "perf.sqlite") as store:
        runs = fill(store, nights([100] * 20 + [80] * 3, 0.005, seed=31))
        store.accept_baseline(runs[0])
    return tmp_path


def test_confirmed_regression_fails_the_check_and_the_run(prepared):
    allure_dir = prepared / "allure"
    result = _run(prepared, "tonight", 80, True, "--alluredir", str(allure_dir))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "confirmed performance regression" in result.stdout
    assert "perf: run tonight" in result.stdout
    assert "confirmed regression" in result.stdout
    assert list((prepared / "plots" / "tonight").glob("*.png"))
    with ResultStore(prepared / "perf.sqlite") as store:
        verdicts = {v["metric"]: v["verdict"] for v in store.verdicts("tonight")}
        assert verdicts["fio.seqwrite.bw"] == "confirmed regression"
        assert "suite.duration" in verdicts
        assert len(store.measurements("tonight")) == 3 + 1 + 1
    attachments = {p.suffix for p in allure_dir.glob("*-attachment*")}
    assert {".html", ".png"} <= attachments


def test_unjudged_regression_still_sets_the_exit_status_under_xdist(prepared):
    result = _run(prepared, "tonight", 80, False, "-n", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "confirmed regression" in result.stdout


class _Config:
    def __init__(self, **options):
        self.options = {
            "--perf-store": "reports/perf.sqlite",
            "--perf-repetitions": 5,
            "--perf-baseline": None,
            "--perf-cv-threshold": 0.05,
            "--perf-max-reruns": 2,
            "--perf-plots": "reports/perf-plots",
            **options,
        }

    def getoption(self, name):
        return self.options[name]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--perf-repetitions", 0, "at least 1"),
        ("--perf-cv-threshold", 0.0, "positive"),
        ("--perf-max-reruns", -1, ">= 0"),
    ],
)
def test_bad_options_are_usage_errors(option, value, message):
    with pytest.raises(pytest.UsageError, match=message):
        PerfSettings.from_config(_Config(**{option: value}))


def test_defaults():
    settings = PerfSettings.from_config(_Config())
    assert settings.repetitions == 5 and settings.cv_threshold == 0.05
    assert settings.store == Path("reports/perf.sqlite")

"""An interrupted run (Ctrl-C, SIGTERM) stops at once with a short message and leaves partial
reports of THIS run, marked interrupted, that grading and certification refuse plainly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from defusedxml import ElementTree

from hacert.grading.results import load_results
from hacert.yamlfile import SpecFileError
from tests.conftest import LoopbackSshd
from tests.unit.report_probe import ROOT, Outputs, start, write_inventory
from tests.unit.test_transport import silent_server  # noqa: F401  (fixture)

SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]
STALE = {"schema": "hacert-results/1", "run_id": "the-previous-run", "checks": []}


@pytest.fixture
def outputs(tmp_path: Path) -> Iterator[Outputs]:
    """Report paths, with the results of a previous run already in place."""
    made = Outputs(tmp_path / "results.json", tmp_path / "junit.xml", tmp_path / "allure")
    made.results.write_text(json.dumps(STALE))
    yield made


def _interrupt_when(
    process: subprocess.Popen[str], marker: Path, signum: int, delay: float
) -> tuple[str, float]:
    """Sends ``signum`` ``delay`` s after ``marker`` appears; the output and how long the run
    took to stop."""
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
        time.sleep(0.1)
    time.sleep(delay)
    process.send_signal(signum)
    sent = time.monotonic()
    output, _ = process.communicate(timeout=60)
    return output, time.monotonic() - sent


def _check(outputs: Outputs, name: str) -> dict[str, object]:
    checks = json.loads(outputs.results.read_text())["checks"]
    return next(c for c in checks if name in c["nodeid"])


def _assert_short_and_marked(
    output: str, outputs: Outputs, stopped_in: float, code: int
) -> dict[str, object]:
    assert code == pytest.ExitCode.INTERRUPTED, output
    assert stopped_in < 10, f"took {stopped_in:.1f} s to stop\n{output}"
    assert "Traceback" not in output, output
    assert "hacert: the run was interrupted" in output, output
    document = json.loads(outputs.results.read_text())
    assert document["interrupted"] is True
    assert document["run_id"] != STALE["run_id"]
    with pytest.raises(SpecFileError, match="interrupted"):
        load_results(outputs.results)
    return document


@pytest.mark.parametrize("signum", SIGNALS)
def test_interrupt_during_a_check(
    tmp_path: Path, loopback_sshd: LoopbackSshd, outputs: Outputs, signum: int
) -> None:
    marker = tmp_path / "sleeping"
    inventory = write_inventory(tmp_path / "site.yaml", loopback_sshd)
    process = start(
        inventory, outputs, "-k", "passes or sleeps", env={"HACERT_TEST_MARKER": str(marker)}
    )
    output, stopped_in = _interrupt_when(process, marker, signum, delay=0.5)
    _assert_short_and_marked(output, outputs, stopped_in, process.returncode)
    assert _check(outputs, "test_passes")["outcome"] == "passed"
    sleeper = _check(outputs, "test_sleeps")
    assert sleeper["outcome"] == "broken" and "interrupted by" in str(sleeper["message"])

    cases = ElementTree.parse(outputs.junit).getroot().iter("testcase")
    interrupted = next(c for c in cases if "HOSTS-902" in c.get("name", ""))
    problem = interrupted.find("failure")
    assert problem is not None and "interrupted by" in problem.get("message", "")
    allure = [json.loads(p.read_text()) for p in outputs.allure.glob("*-result.json")]
    assert {r["name"].split(" [")[0]: r["status"] for r in allure} == {
        "HOSTS-901 Runs a command and passes": "passed",
        "HOSTS-902 Sleeps until interrupted": "broken",
    }


@pytest.mark.parametrize("signum", SIGNALS)
def test_interrupt_while_waiting_for_host_facts(
    tmp_path: Path,
    loopback_sshd: LoopbackSshd,
    outputs: Outputs,
    silent_server: int,  # noqa: F811
    signum: int,
) -> None:
    """The checks are done; the facts of a host that never answers are still awaited."""
    marker = tmp_path / "done"
    inventory = write_inventory(tmp_path / "site.yaml", loopback_sshd, silent_port=silent_server)
    process = start(
        inventory,
        outputs,
        "-k",
        "sleeps",
        env={"HACERT_TEST_MARKER": str(marker), "HACERT_TEST_SLEEP": "0"},
    )
    output, stopped_in = _interrupt_when(process, marker, signum, delay=3)
    _assert_short_and_marked(output, outputs, stopped_in, process.returncode)
    assert _check(outputs, "test_sleeps")["outcome"] == "passed"


def test_certificate_of_an_interrupted_run_says_so(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps({**STALE, "interrupted": True}))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hacert.certification",
            "certificate",
            str(results),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 4, run.stdout + run.stderr
    assert "interrupted" in run.stderr and "Traceback" not in run.stderr

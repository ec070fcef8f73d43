"""A lab host powered off in the middle of a run: its checks end broken within their timeout,
every other host's checks run normally, and the run ends (the cluster fences and gets the
host back; the test waits for the lab to be healthy again)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from hacert.inventory import load_inventory
from hacert.inventory.settings import resolve
from tests.integration.conftest import LAB_INVENTORY, ROOT, lab_cli

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("lab_containers")]
VICTIM = "node3"
SLACK_S = 10.0


def _results_so_far(allure: Path) -> int:
    return len(list(allure.glob("*-result.json"))) if allure.exists() else 0


def test_host_powered_off_mid_run_is_broken_fast_and_the_others_run(tmp_path: Path) -> None:
    inventory = load_inventory(LAB_INVENTORY)
    cluster = inventory.cluster("lab")
    settings = resolve(inventory, cluster, cluster.host(VICTIM))
    bound = settings.command_timeout + settings.connect_timeout + SLACK_S
    allure, results = tmp_path / "allure", tmp_path / "results.json"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "suites/hosts",
        "--inventory",
        str(LAB_INVENTORY),
        "--cluster=lab",
        "-p",
        "no:randomly",
        "-q",
        f"--alluredir={allure}",
        f"--results-json={results}",
        f"--junitxml={tmp_path / 'junit.xml'}",
    ]
    started = time.monotonic()
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    try:
        while _results_so_far(allure) < 4 and run.poll() is None:
            time.sleep(0.2)
        assert run.poll() is None, "the hosts suite ended before the power cut"
        cut = lab_cli("power", "off", VICTIM, timeout=60)
        cut_at = time.monotonic() - started
        assert cut.returncode == 0, cut.stdout + cut.stderr
        output, _ = run.communicate(timeout=900)
    finally:
        if run.poll() is None:
            run.kill()
        if "on" not in lab_cli("power", "status", VICTIM, timeout=60).stdout.split():
            lab_cli("power", "on", VICTIM, timeout=60)
        healthy = lab_cli("wait-healthy", "--timeout", "600", timeout=660)
    elapsed = time.monotonic() - started
    assert healthy.returncode == 0, f"the lab did not come back: {healthy.stdout[-2000:]}"
    checks = json.loads(results.read_text())["checks"]
    victim = [c for c in checks if c["host"] == VICTIM]
    others = [c for c in checks if c["host"] not in (VICTIM, None)]
    broken = [c for c in victim if c["outcome"] == "broken"]
    # pytest's JUnit time is setup + call + teardown: the whole wait a check caused
    seconds = {
        case.get("name", ""): float(case.get("time", 0))
        for case in ElementTree.parse(tmp_path / "junit.xml").iter("testcase")
    }
    slowest = max((t for name, t in seconds.items() if VICTIM in name), default=0.0)
    print(
        f"power cut at {cut_at:.1f} s; run ended after {elapsed:.1f} s; {len(broken)} of "
        f"{len(victim)} {VICTIM} checks broken, slowest {VICTIM} check {slowest:.1f} s "
        f"(bound {bound:.0f} s)"
    )
    assert broken, f"no {VICTIM} check noticed the power cut: {output[-3000:]}"
    assert all(c["message"] for c in broken), "a broken check must say why"
    too_slow = [(name, t) for name, t in seconds.items() if t > bound]
    assert not too_slow, f"checks past {bound:.0f} s: {too_slow}"
    assert others and all(c["outcome"] in ("passed", "skipped") for c in others), [
        (c["nodeid"], c["outcome"], c["message"]) for c in others if c["outcome"] != "passed"
    ]

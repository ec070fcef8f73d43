"""The end of a run reads in ten seconds: a cluster x technology table, one line per failure,
broken checks grouped by cause without tracebacks, not-applicable checks counted."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import LoopbackSshd
from tests.unit import summary_probe


def _row(output: str, cluster: str, technology: str) -> list[int]:
    match = re.search(rf"^{cluster}\s+{technology}\s+([\d ]+)$", output, re.MULTILINE)
    assert match, output
    return [int(n) for n in match.group(1).split()]


def test_summary_table_failures_and_grouped_broken_causes(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    run = summary_probe.run(tmp_path, loopback_sshd)
    output = run.stdout
    assert "cluster  technology  passed  failed  broken  not applicable  waived" in output
    # passed, failed, broken, not applicable, waived
    assert _row(output, "lab", "hosts") == [2, 0, 4, 0, 0]
    assert _row(output, "lab", "pacemaker") == [0, 1, 0, 0, 0]
    assert _row(output, "lab", "ovs") == [0, 0, 0, 1, 0]
    assert _row(output, "lab", "corosync") == [1, 0, 0, 0, 0]
    assert (
        "FAIL PCMK-911 lab: no-quorum-policy=ignore (expected no-quorum-policy=stop)"
        " — fix: pcs property set no-quorum-policy=stop"
    ) in output
    assert "lab/node2 unreachable: 3 checks broken (HOSTS-911, HOSTS-912, HOSTS-914)" in output
    assert "lab/node1: hacert-no-such-probe-tool missing: 1 check broken (HOSTS-912)" in output
    assert "not applicable: 1 check (listed with -v)" in output
    assert "1 not applicable" in output.splitlines()[-1]
    assert "SKIPPED" not in output and "Traceback" not in output
    assert "raise " not in output and "hacert/transport.py" not in output, output
    assert "lab/node2: cannot connect to root@127.0.0.1:1" in output, output


def test_verbose_lists_not_applicable_and_tb_long_shows_tracebacks(
    tmp_path: Path, loopback_sshd: LoopbackSshd
) -> None:
    run = summary_probe.run(tmp_path, loopback_sshd, "-v", "--tb=long", "-k", "OVS or HOSTS-911")
    output = run.stdout
    assert "N/A OVS-911 lab: cluster lab has no host with role ovs" in output, output
    assert "hacert/transport.py" in output, output

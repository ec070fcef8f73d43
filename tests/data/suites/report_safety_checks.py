"""Checks the project's tests run against a loopback sshd to probe reports and interrupts.

(Not collected by `pytest tests`: its name does not start with test_.) What each check does
on the host comes from the environment, so one file serves every probe.
"""

from __future__ import annotations

import os
import time

from hacert.checks import check, fail
from hacert.cluster import Cluster
from hacert.errors import UnexpectedOutput


@check("HOSTS-901", "Runs a command and passes", remediation="none", technology="hosts")
def test_passes(cluster: Cluster) -> None:
    cluster.nodes[0].run("true")


@check("HOSTS-902", "Sleeps until interrupted", remediation="none", technology="hosts")
def test_sleeps(cluster: Cluster) -> None:
    cluster.nodes[0].run(["touch", os.environ["HACERT_TEST_MARKER"]])
    time.sleep(float(os.environ.get("HACERT_TEST_SLEEP", "60")))


@check("HOSTS-903", "Quotes what the host printed", remediation="none", technology="hosts")
def test_quotes_output(cluster: Cluster) -> None:
    node = cluster.nodes[0]
    out = node.run(os.environ["HACERT_TEST_COMMAND"]).stdout
    print(out)
    fail(expected="nothing", found=out, host=node.label)


@check("HOSTS-904", "Cannot parse what the host printed", remediation="none", technology="hosts")
def test_cannot_parse_output(cluster: Cluster) -> None:
    node = cluster.nodes[0]
    out = node.run(os.environ["HACERT_TEST_COMMAND"]).stdout
    raise UnexpectedOutput(f"not understood: {out}", host=node.label)

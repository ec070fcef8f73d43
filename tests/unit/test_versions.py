"""Version probing parses what the real tools print."""

from __future__ import annotations

from pathlib import Path

from hacert.versions import HostFacts, merge_versions, parse_probe_output

DATA = Path(__file__).resolve().parents[1] / "data" / "hosts"


def test_parses_the_probe_output_captured_on_a_lab_host() -> None:
    versions = parse_probe_output((DATA / "versions-probe-node1.txt").read_text())
    assert versions["corosync"] == "3.1.7"
    assert versions["pacemaker"] == "2.1.5"
    assert versions["ceph"] == "16.2.15"
    assert versions["ovs"] == "3.1.0"
    assert versions["fio"] == "3.33"
    assert versions["os"].startswith("Debian GNU/Linux 12")
    assert "open-iscsi" not in versions, "a tool that is not installed has no version"


def test_differing_versions_across_hosts_are_both_listed() -> None:
    facts = {
        "a": HostFacts(address="a", reachable=True, versions={"corosync": "3.1.7"}),
        "b": HostFacts(address="b", reachable=True, versions={"corosync": "3.1.8"}),
        "c": HostFacts(address="c", reachable=False),
    }
    assert merge_versions(facts) == {"corosync": "3.1.7 | 3.1.8"}

"""iSCSI, read-only: LIO targets (portals, LUNs, ACLs, CHAP) and initiator sessions, devices,
multipath maps."""

from __future__ import annotations

import pytest

from hacert.checks import Findings, check, require
from hacert.cluster import Cluster, Node
from hacert.iscsi import commands
from hacert.iscsi.expect import IscsiExpect
from hacert.iscsi.parse import Tpg


def _targets_expected(cluster: Cluster) -> IscsiExpect:
    expect = commands.expect_of(cluster)
    if not expect.targets:
        pytest.skip("not applicable: the inventory expects no iSCSI target (expect.iscsi.targets)")
    return expect


def _lio(node: Node) -> dict[str, list[Tpg]]:
    state = commands.target_state(node)
    require(
        state is not None,
        expected="the LIO target configfs (/sys/kernel/config/target)",
        found="not mounted / target_core_mod not loaded",
        host=node.label,
        fix="modprobe -a target_core_mod iscsi_target_mod; "
        "systemctl enable --now rtslib-fb-targetctl",
    )
    assert state is not None
    return state


@check(
    "ISCSI-001",
    "Expected iSCSI targets exist with an enabled TPG",
    severity="critical",
    per_host="iscsi-target",
    applies_to=("iscsi-target",),
    profiles=("smoke", "acceptance", "grading"),
    remediation="Create it: `targetcli /iscsi create <iqn>`; enable the TPG: "
    "`targetcli /iscsi/<iqn>/tpg1 enable`; save with `targetcli saveconfig`",
)
def test_targets(node: Node, cluster: Cluster) -> None:
    expect = _targets_expected(cluster)
    state = _lio(node)
    findings = Findings(expected="targets " + ", ".join(t.iqn for t in expect.targets))
    for want in expect.targets:
        tpgs = state.get(want.iqn)
        if not tpgs:
            findings.add(f"{want.iqn} is missing (has: {', '.join(state) or 'none'})", node.label)
        elif not any(t.enabled for t in tpgs):
            findings.add(f"{want.iqn} has no enabled TPG", node.label)
    findings.raise_if_any()


@check(
    "ISCSI-002",
    "Targets listen on the expected portals and export the expected LUNs",
    severity="critical",
    per_host="iscsi-target",
    applies_to=("iscsi-target",),
    profiles=("acceptance", "grading"),
    remediation="`targetcli /iscsi/<iqn>/tpg1/portals create <ip> <port>`; "
    "`targetcli /iscsi/<iqn>/tpg1/luns create /backstores/<type>/<name>`",
)
def test_portals_luns(node: Node, cluster: Cluster) -> None:
    expect = _targets_expected(cluster)
    state = _lio(node)
    findings = Findings(
        expected="; ".join(
            f"{t.iqn}: portals {', '.join(t.portals) or 'any'}, "
            f"{t.luns if t.luns is not None else 'any number of'} LUNs"
            for t in expect.targets
        )
    )
    for want in expect.targets:
        tpgs = state.get(want.iqn, [])
        portals = {p for t in tpgs for p in t.portals}
        luns = sum(len(t.luns) for t in tpgs)
        missing = [
            p
            for p in want.portals
            if p not in portals and f"0.0.0.0:{p.split(':')[-1]}" not in portals
        ]
        if missing:
            findings.add(
                f"{want.iqn}: portals {', '.join(missing)} missing "
                f"(has {', '.join(sorted(portals)) or 'none'})",
                node.label,
            )
        if want.luns is not None and luns != want.luns:
            findings.add(f"{want.iqn}: {luns} LUNs, not {want.luns}", node.label)
    findings.raise_if_any()


@check(
    "ISCSI-003",
    "Target access is restricted by ACLs (and CHAP where required)",
    severity="critical",
    per_host="iscsi-target",
    applies_to=("iscsi-target",),
    profiles=("acceptance", "grading"),
    remediation="`targetcli /iscsi/<iqn>/tpg1/acls create <initiator iqn>`, "
    "`... set attribute generate_node_acls=0 authentication=1` and set the ACL's "
    "userid/password for CHAP",
)
def test_acls_chap(node: Node, cluster: Cluster) -> None:
    expect = _targets_expected(cluster)
    state = _lio(node)
    findings = Findings(expected="ACLs and CHAP as the inventory says; no demo mode")
    for want in expect.targets:
        for tpg in state.get(want.iqn, []):
            where = f"{want.iqn} tpg{tpg.tag}"
            if want.acls is not None:
                if tpg.demo_mode:
                    findings.add(
                        f"{where}: demo mode (generate_node_acls=1): any initiator may log in",
                        node.label,
                    )
                missing = sorted(set(want.acls) - set(tpg.acls))
                extra = sorted(set(tpg.acls) - set(want.acls))
                if missing:
                    findings.add(f"{where}: ACLs missing for {', '.join(missing)}", node.label)
                if extra:
                    findings.add(f"{where}: unexpected ACLs {', '.join(extra)}", node.label)
            if want.chap:
                if not tpg.authentication:
                    findings.add(f"{where}: authentication=0 (CHAP off)", node.label)
                unset = [a for a, chap in tpg.acls.items() if not chap]
                if unset:
                    findings.add(f"{where}: no CHAP user for {', '.join(unset)}", node.label)
    findings.raise_if_any()


def _sessions_expected(cluster: Cluster) -> list[str]:
    wanted = commands.expect_of(cluster).expected_sessions()
    if not wanted:
        pytest.skip("not applicable: the inventory expects no iSCSI session")
    return wanted


@check(
    "ISCSI-004",
    "Initiators are logged in to the expected targets",
    severity="critical",
    per_host="iscsi-initiator",
    applies_to=("iscsi-initiator",),
    profiles=("smoke", "acceptance", "grading"),
    remediation="`iscsiadm -m discovery -t st -p <portal>`; `iscsiadm -m node -T <iqn> "
    "--login`; make it automatic: `iscsiadm -m node -T <iqn> -o update -n node.startup "
    "-v automatic`",
)
def test_sessions(node: Node, cluster: Cluster) -> None:
    wanted = _sessions_expected(cluster)
    sessions = commands.sessions(node)
    findings = Findings(expected=f"LOGGED_IN sessions to {', '.join(wanted)}")
    for iqn in wanted:
        mine = [s for s in sessions if s.target == iqn]
        if not mine:
            findings.add(f"no session to {iqn}", node.label)
        for s in mine:
            if not s.logged_in:
                findings.add(f"session {s.sid} to {iqn} via {s.portal} is {s.state}", node.label)
    findings.raise_if_any()


@check(
    "ISCSI-005",
    "The expected iSCSI block devices are present",
    severity="critical",
    per_host="iscsi-initiator",
    applies_to=("iscsi-initiator",),
    profiles=("acceptance", "grading"),
    remediation="Rescan: `iscsiadm -m session --rescan`; check the LUN mapping on the target",
)
def test_devices(node: Node, cluster: Cluster) -> None:
    expect = commands.expect_of(cluster)
    _sessions_expected(cluster)
    devices = [d for s in commands.sessions(node) if s.logged_in for d in s.devices]
    findings = Findings(
        expected=f"at least {expect.min_devices or 1} device(s) behind the "
        "sessions, every scratch device present"
    )
    if len(devices) < (expect.min_devices or 1):
        findings.add(f"devices: {', '.join(devices) or 'none'}", node.label)
    for path in expect.scratch_devices:
        if not node.run(["test", "-b", path]).ok:
            findings.add(f"{path} is not a block device", node.label)
    findings.raise_if_any()


@check(
    "ISCSI-006",
    "Multipath maps are healthy",
    severity="critical",
    per_host="iscsi-initiator",
    applies_to=("iscsi-initiator",),
    profiles=("acceptance", "grading"),
    remediation="`multipathd show paths`; restore the failed paths (network, sessions) and "
    "`multipathd reconfigure`",
)
def test_multipath(node: Node, cluster: Cluster) -> None:
    if not commands.expect_of(cluster).multipath:
        pytest.skip("not applicable: the inventory does not use multipath (expect.iscsi.multipath)")
    maps = commands.multipath_maps(node)
    bad = [m for m in maps if not m.healthy]
    require(
        maps and not bad,
        expected="at least one multipath map, all paths active and ready",
        found=", ".join(f"{m.name}: {m.active_paths}/{m.paths} paths, {m.dm_state}" for m in bad)
        or "no maps",
        host=node.label,
    )

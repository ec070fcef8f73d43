"""Corosync: quorum, membership, links, configuration, keys and timings, on every node."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest

from hacert.checks import Findings, check, require
from hacert.corosync import conf, qdevice, resolve
from hacert.corosync.expect import CorosyncExpect
from hacert.corosync.view import NodeView

READ_ONLY = ("smoke", "acceptance", "grading")
SAFE_KEY_MODES = {0o400, 0o600}


def _differing(values: dict[str, str]) -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for host, value in values.items():
        groups[value].append(host)
    return "; ".join(f"{', '.join(sorted(h))}: {v}" for v, h in sorted(groups.items()))


@check(
    "COROSYNC-001",
    "Cluster is quorate on every node",
    severity="blocker",
    points=2,
    profiles=READ_ONLY,
    remediation="Start the cluster stack on enough nodes: `pcs cluster start --all` "
    "(or `systemctl start corosync pacemaker` on each node)",
)
def test_quorate(views: list[NodeView]) -> None:
    findings = Findings(expected="`corosync-quorumtool -s` exits 0 with 'Quorate: Yes'")
    for view in views:
        q = view.quorum
        if not q.quorate or q.exit_status != 0:
            findings.add(
                f"Quorate: {'Yes' if q.quorate else 'No'}, exit {q.exit_status}, "
                f"total votes {q.total_votes} of expected {q.expected_votes}",
                view.label,
            )
    findings.raise_if_any()


@check(
    "COROSYNC-002",
    "Expected votes equal the number of nodes",
    severity="critical",
    profiles=READ_ONLY,
    remediation="List every node in corosync.conf's nodelist and drop a stale "
    "quorum.expected_votes, copy the file to all nodes, then `corosync-cfgtool -R`",
)
def test_expected_votes(views: list[NodeView]) -> None:
    count = len(views)
    findings = Findings(expected=f"Expected votes {count} (one per node)")
    for view in views:
        q = view.quorum
        if q.expected_votes != count:
            findings.add(f"Expected votes {q.expected_votes}", view.label)
        if q.highest_expected not in (None, count):
            findings.add(f"Highest expected {q.highest_expected}", view.label)
        if len(view.nodelist_ids()) != count:
            findings.add(f"nodelist lists {len(view.nodelist_ids())} nodes", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-003",
    "Every expected vote is present",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Start corosync on the missing node(s): `pcs cluster start <node>`",
)
def test_total_votes(views: list[NodeView]) -> None:
    findings = Findings(expected="Total votes equal to Expected votes")
    for view in views:
        q = view.quorum
        if q.total_votes != q.expected_votes:
            findings.add(f"Total votes {q.total_votes} of {q.expected_votes}", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-004",
    "Quorum flags fit the cluster size (two_node only on 2 nodes, with wait_for_all)",
    severity="critical",
    profiles=READ_ONLY,
    remediation="In corosync.conf's quorum section set `two_node: 1` only for 2-node "
    "clusters (it implies wait_for_all), remove it otherwise; then `pcs cluster sync` and "
    "restart the cluster",
)
def test_quorum_flags(views: list[NodeView], expect: CorosyncExpect) -> None:
    two_node_wanted = expect.two_node if expect.two_node is not None else len(views) == 2
    findings = Findings(
        expected=f"two_node {'on' if two_node_wanted else 'off'}"
        + (", WaitForAll with it" if two_node_wanted else "")
        + (
            f", wait_for_all {'on' if expect.wait_for_all else 'off'}"
            if expect.wait_for_all is not None
            else ""
        )
    )
    for view in views:
        flags = view.quorum.flags
        runtime_two_node = bool(view.votequorum.get("two_node", 0)) or view.quorum.two_node
        if runtime_two_node != two_node_wanted:
            findings.add(
                f"two_node {'on' if runtime_two_node else 'off'} with {len(views)} nodes "
                f"(flags: {' '.join(sorted(flags)) or 'none'})",
                view.label,
            )
        if runtime_two_node and "WaitForAll" not in flags:
            findings.add("two_node without WaitForAll (risk of a fence race at start)", view.label)
        if expect.wait_for_all is not None and view.quorum.wait_for_all != expect.wait_for_all:
            findings.add(f"WaitForAll {'set' if view.quorum.wait_for_all else 'unset'}", view.label)
        if "LastManStanding" in flags and "WaitForAll" not in flags:
            findings.add("last_man_standing without wait_for_all", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-005",
    "Every node has joined the membership",
    severity="blocker",
    points=2,
    profiles=READ_ONLY,
    remediation="Start corosync on the absent node and check its links: "
    "`systemctl start corosync; corosync-cfgtool -s`",
)
def test_members_joined(views: list[NodeView]) -> None:
    findings = Findings(expected="every nodelist node in runtime.members with status joined")
    for view in views:
        wanted = view.nodelist_ids()
        present = {i for i, m in view.members.items() if m.status == "joined"}
        if wanted - present:
            findings.add(f"node ids not joined: {sorted(wanted - present)}", view.label)
        for member in view.members.values():
            if member.status != "joined":
                findings.add(f"node {member.nodeid} status {member.status!r}", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-006",
    "Every link of every node is connected to every peer",
    severity="critical",
    points=2,
    profiles=READ_ONLY,
    remediation="Fix the network path of the broken link (interface, address, firewall: UDP "
    "5405-5412), then check with `corosync-cfgtool -n`",
)
def test_links_connected(views: list[NodeView], expect: CorosyncExpect) -> None:
    findings = Findings(expected="every knet link connected to every peer, on every node")
    peers = {i for v in views for i in v.nodelist_ids()}
    for view in views:
        configured = expect.links or view.ring_count() or len(view.links.link_ids())
        if view.cfgtool_exit != 0:
            findings.add(
                f"`corosync-cfgtool -s` exited {view.cfgtool_exit} (link faulty)", view.label
            )
        for state in view.links.broken():
            to = f"to node {state.peer}" if state.peer is not None else "(ring)"
            word = "disabled" if not state.enabled else "disconnected"
            findings.add(f"link {state.link} {to} {word}", view.label)
        local = view.links.local_nodeid
        for peer in sorted(peers - {local}):
            seen = {s.link for s in view.links.links if s.peer == peer}
            if seen and len(seen) < configured:
                findings.add(
                    f"only links {sorted(seen)} of {configured} to node {peer}", view.label
                )
            if not seen and any(s.peer is not None for s in view.links.links):
                findings.add(f"no link at all to node {peer}", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-007",
    "corosync.conf is identical on all nodes",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Copy one corosync.conf to every node (`pcs cluster sync`) and reload "
    "(`corosync-cfgtool -R`)",
)
def test_conf_identical(views: list[NodeView], expect: CorosyncExpect) -> None:
    missing = [v.label for v in views if v.conf_text is None]
    require(
        not missing,
        expected=f"{expect.conf_path} on every node",
        found="missing",
        host=", ".join(missing),
    )
    digests = {v.label: conf.digest(v.conf_text or "")[:12] for v in views}
    require(
        len(set(digests.values())) == 1,
        expected="one corosync.conf content (comments and blank lines ignored) on all nodes",
        found=f"differing sha256 prefixes: {_differing(digests)}",
    )


@check(
    "COROSYNC-008",
    "The authkey exists on every node, owned by root, mode 0400 or 0600",
    severity="critical",
    profiles=READ_ONLY,
    remediation="`corosync-keygen` on one node, copy it to all (`pcs cluster sync`), then "
    "`chown root:root /etc/corosync/authkey; chmod 0400 /etc/corosync/authkey`",
)
def test_authkey(views: list[NodeView], expect: CorosyncExpect) -> None:
    findings = Findings(expected=f"{expect.authkey_path}: root-owned, mode 0400/0600, non-empty")
    for view in views:
        key = view.authkey
        if not key.exists:
            findings.add("missing", view.label)
            continue
        if key.mode not in SAFE_KEY_MODES:
            findings.add(f"mode {key.mode_text}", view.label)
        if key.owner != "root":
            findings.add(f"owner {key.owner}", view.label)
        if not key.size:
            findings.add("empty", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-009",
    "Cluster traffic is encrypted and authenticated (knet crypto)",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Set `transport: knet`, `crypto_cipher: aes256` and `crypto_hash: sha256` in "
    "corosync.conf's totem section on all nodes (`pcs cluster sync`), restart the cluster",
)
def test_crypto(views: list[NodeView], expect: CorosyncExpect) -> None:
    if not expect.require_crypto:
        pytest.skip("not applicable: the inventory sets expect.corosync.require_crypto: false")
    findings = Findings(expected="transport knet with crypto_cipher and crypto_hash not 'none'")
    for view in views:
        transport = str(view.config.get("totem.transport", "knet"))
        cipher = str(view.config.get("totem.crypto_cipher", "none"))
        digest = str(view.config.get("totem.crypto_hash", "none"))
        if transport != "knet":
            findings.add(f"transport {transport} (no encryption possible)", view.label)
        if cipher == "none" or digest == "none":
            findings.add(f"crypto_cipher {cipher}, crypto_hash {digest}", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-010",
    "Totem timings are sound (runtime token, consensus, retransmits)",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Set totem.token (and leave consensus unset = 1.2 x token) in corosync.conf on "
    "all nodes, then `corosync-cfgtool -R`",
)
def test_totem_timings(views: list[NodeView], expect: CorosyncExpect) -> None:
    findings = Findings(
        expected=f"runtime token {expect.min_token_ms}-{expect.max_token_ms} ms = token + "
        f"(nodes-2) x token_coefficient, consensus >= {expect.min_consensus_ratio:g} x token, "
        "token_retransmits_before_loss_const >= 4"
        + (f", configured token {expect.token_ms} ms" if expect.token_ms else "")
    )
    for view in views:
        runtime = view.runtime_totem
        token = int(runtime.get("token", 0))
        consensus = int(runtime.get("consensus", 0))
        configured = int(view.config.get("totem.token", 3000))
        coefficient = int(view.config.get("totem.token_coefficient", expect.token_coefficient_ms))
        nodes = len(view.nodelist_ids())
        wanted = configured + max(0, nodes - 2) * coefficient if nodes > 2 else configured
        if not expect.min_token_ms <= token <= expect.max_token_ms:
            findings.add(f"runtime token {token} ms", view.label)
        if token != wanted:
            findings.add(
                f"runtime token {token} ms but the file says {configured} + {max(0, nodes - 2)} x "
                f"{coefficient} = {wanted} ms (config changed without reload?)",
                view.label,
            )
        if consensus < expect.min_consensus_ratio * token:
            findings.add(
                f"consensus {consensus} ms < {expect.min_consensus_ratio:g} x {token}", view.label
            )
        retransmits = int(runtime.get("token_retransmits_before_loss_const", 4))
        if retransmits < 4:
            findings.add(f"token_retransmits_before_loss_const {retransmits}", view.label)
        if expect.token_ms and configured != expect.token_ms:
            findings.add(f"configured token {configured} ms", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-011",
    "Corosync version is the same on all nodes",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Upgrade the older nodes to the same corosync package (rolling, one node at a "
    "time: `pcs cluster stop; dnf/apt upgrade corosync; pcs cluster start`)",
)
def test_same_version(views: list[NodeView]) -> None:
    versions = {v.label: v.version for v in views}
    require(
        len(set(versions.values())) == 1,
        expected="one corosync version",
        found=_differing(versions),
    )


@check(
    "COROSYNC-012",
    "Redundant links: every node has at least the recommended number of knet links",
    severity="minor",
    profiles=("acceptance", "grading"),
    remediation="Add a second ring on a separate network: `pcs cluster link add "
    "node1=<addr> node2=<addr> ...` (or ring1_addr per node in corosync.conf)",
)
def test_redundant_links(views: list[NodeView], expect: CorosyncExpect) -> None:
    wanted = expect.links or expect.min_links
    findings = Findings(expected=f"at least {wanted} link(s) per node")
    for view in views:
        rings = view.ring_count() or len(view.links.link_ids())
        if rings < wanted:
            findings.add(f"{rings} link(s)", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-013",
    "Corosync's nodelist and cluster name match the inventory",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Make the inventory and corosync.conf agree (node names = `name:` in the "
    "nodelist, cluster_name in totem), or fix whichever is wrong",
)
def test_nodelist_matches_inventory(views: list[NodeView], expect: CorosyncExpect) -> None:
    inventory = sorted(v.node.name for v in views)
    findings = Findings(
        expected=f"nodelist names {', '.join(inventory)}"
        + (f", cluster_name {expect.cluster_name}" if expect.cluster_name else "")
    )
    for view in views:
        names = sorted(conf.node_names(view.conf)) if view.conf_text else []
        if names != inventory:
            findings.add(f"nodelist names {', '.join(names) or 'none'}", view.label)
        name = view.config.get("totem.cluster_name")
        if expect.cluster_name and name != expect.cluster_name:
            findings.add(f"cluster_name {name}", view.label)
    findings.raise_if_any()


@check(
    "COROSYNC-014",
    "The quorum device is connected where one is configured",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Start and enable the qdevice client on every node (`systemctl enable --now "
    "corosync-qdevice`), check the qnetd host is reachable on TCP 5403 and its certificates "
    "(`pcs quorum device status`)",
)
def test_qdevice_connected(views: list[NodeView]) -> None:
    with_device = [v for v in views if qdevice.configured(v.config)]
    if not with_device:
        pytest.skip("not applicable: no quorum device configured")
    findings = Findings(expected="`corosync-qdevice-tool -s` says State: Connected on every node")
    for view in views:
        if not qdevice.configured(view.config):
            findings.add("no quorum.device in this node's corosync configuration", view.label)
            continue
        connected, found = qdevice.status(view.node)
        if not connected:
            findings.add(found, view.label)
    findings.raise_if_any()


def _node_names(view: NodeView) -> list[str]:
    if view.conf_text:
        return conf.node_names(view.conf)
    return [str(v) for k, v in sorted(view.config.items()) if k.endswith(".name")]


@check(
    "COROSYNC-015",
    "Every cluster node name resolves on every node",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Make every node name of corosync.conf resolvable on every node: add "
    "`<address> <name>` lines to /etc/hosts (or fix DNS), check with `getent ahosts <name>`",
)
def test_names_resolve(views: list[NodeView]) -> None:
    names = sorted({name for view in views for name in _node_names(view)})
    findings = Findings(expected=f"`getent ahosts` resolves {', '.join(names)} on every node")

    def unresolved(view: NodeView) -> list[str]:
        return [name for name in names if not resolve.resolve(view.node, name)]

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(views)))) as pool:
        for view, missing in zip(views, pool.map(unresolved, views), strict=True):
            for name in missing:
                findings.add(f"cannot resolve {name}", view.label)
    findings.raise_if_any()

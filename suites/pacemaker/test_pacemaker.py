"""Pacemaker: cluster state, fencing, configuration hygiene, and the inventory's constraints."""

from __future__ import annotations

from collections import defaultdict

import pytest

from hacert.checks import Findings, check, require
from hacert.pacemaker import controller, probe, rules, sbd, timing
from hacert.pacemaker.cib import score_number
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.view import PacemakerView

READ_ONLY = ("smoke", "acceptance", "grading")
ACCEPTANCE = ("acceptance", "grading")


def _differing(values: dict[str, str]) -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for host, value in values.items():
        groups[value].append(host)
    return "; ".join(f"{', '.join(sorted(h))}: {v}" for v, h in sorted(groups.items()))


@check(
    "PCMK-001",
    "Pacemaker runs, a DC is elected and its partition has quorum",
    severity="blocker",
    points=2,
    profiles=READ_ONLY,
    remediation="Start the cluster on all nodes: `pcs cluster start --all`; if it stays "
    "without quorum, see COROSYNC-001",
)
def test_dc_and_quorum(running: PacemakerView) -> None:
    status = running.status
    require(
        status.dc_present and status.with_quorum,
        expected="a DC present, partition with quorum",
        found=f"DC {status.dc_name or 'none'}, with_quorum={status.with_quorum}",
        host=running.reporter.label,
    )


@check(
    "PCMK-002",
    "Every node is online and usable (not unclean, standby, maintenance or pending)",
    severity="critical",
    points=2,
    profiles=READ_ONLY,
    remediation="Start the cluster on offline nodes (`pcs cluster start <node>`), take nodes "
    "out of standby/maintenance (`pcs node unstandby <node>`, `pcs node unmaintenance <node>`)",
)
def test_nodes_online(running: PacemakerView) -> None:
    findings = Findings(expected="every node online, none unclean/standby/maintenance/pending")
    for spec in running.nodes:
        state = running.status.node(spec.name)
        if state is None:
            findings.add("not a configured pacemaker node", spec.label)
        elif state.problems():
            findings.add(", ".join(state.problems()), spec.label)
    findings.raise_if_any()


@check(
    "PCMK-003",
    "Every resource runs (none stopped unless disabled or allowed by the inventory)",
    severity="critical",
    points=2,
    profiles=READ_ONLY,
    remediation="Find why it does not start: `crm_resource --why -r <rsc>`, fix the cause, "
    "then `pcs resource cleanup <rsc>`",
)
def test_resources_running(running: PacemakerView, expect: PacemakerExpect) -> None:
    status, cib = running.status, running.cib
    allowed = set(expect.may_be_stopped)
    findings = Findings(expected="every enabled resource started (clone instances up to clone-max)")
    stopped_per_clone: dict[str, int] = defaultdict(int)
    for rsc in status.resources:
        if rsc.active or rsc.disabled or {rsc.id, rsc.owner} & allowed:
            continue
        if rsc.clone:
            stopped_per_clone[rsc.clone] += 1
            continue
        findings.add(f"{rsc.id} ({rsc.agent}) is {rsc.role}")
    for clone, count in stopped_per_clone.items():
        meta = cib.clones[clone].meta if clone in cib.clones else {}
        if "clone-max" not in meta and "clone-node-max" not in meta:
            findings.add(f"{count} instance(s) of {clone} stopped")
    for name in expect.resources:
        if not status.instances(name):
            findings.add(f"{name} (expected by the inventory) is not configured")
        elif not status.locations(name) and name not in allowed:
            findings.add(f"{name} (expected by the inventory) runs nowhere")
    findings.raise_if_any()


@check(
    "PCMK-004",
    "No resource is failed, blocked, unmanaged or orphaned",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Investigate and clear it: `crm_resource --why -r <rsc>`, "
    "`pcs resource cleanup <rsc>`, `pcs resource manage <rsc>`",
)
def test_resources_healthy(running: PacemakerView) -> None:
    findings = Findings(expected="no failed, blocked, unmanaged or orphaned resource")
    for rsc in running.status.resources:
        wrong = [
            word
            for word, bad in (
                ("failed", rsc.failed),
                ("blocked", rsc.blocked),
                ("unmanaged", not rsc.managed and not running.status.maintenance_mode),
                ("orphaned", rsc.orphaned),
            )
            if bad
        ]
        if wrong:
            where = f" on {', '.join(rsc.nodes)}" if rsc.nodes else ""
            findings.add(f"{rsc.id}{where}: {', '.join(wrong)}")
    findings.raise_if_any()


@check(
    "PCMK-005",
    "No failed resource actions are recorded",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Read the reason, fix it, then clear the record: `pcs resource cleanup <rsc>` "
    "(`crm_resource --cleanup -r <rsc>`)",
)
def test_no_failed_actions(running: PacemakerView) -> None:
    findings = Findings(expected="no failed actions in crm_mon")
    for failure in running.status.failures:
        reason = f" ({failure.exitreason})" if failure.exitreason else ""
        findings.add(
            f"{failure.op_key} on {failure.node}: {failure.exitstatus}{reason} "
            f"at {failure.last_rc_change}"
        )
    findings.raise_if_any()


@check(
    "PCMK-006",
    "Fencing is enabled",
    severity="blocker",
    points=2,
    profiles=READ_ONLY,
    remediation="`pcs property set stonith-enabled=true` (Pacemaker 3: fencing-enabled=true), "
    "after configuring a fence device",
)
def test_fencing_enabled(running: PacemakerView) -> None:
    enabled = running.status.fencing_enabled
    if enabled is None:
        value = running.cib.property("fencing-enabled", "stonith-enabled")
        enabled = value is None or value.lower() in {"true", "1", "yes", "on"}
    require(
        enabled,
        expected="stonith-enabled / fencing-enabled = true",
        found="fencing disabled",
        host=running.reporter.label,
    )


@check(
    "PCMK-007",
    "Enough fence devices are configured and started",
    severity="blocker",
    points=2,
    profiles=READ_ONLY,
    remediation="Create and start a fence device for every node, e.g. `pcs stonith create "
    "fence-ipmi fence_ipmilan ip=... pcmk_host_list='node1 node2 node3'`",
)
def test_fence_devices(running: PacemakerView, expect: PacemakerExpect) -> None:
    devices = running.status.fence_devices()
    started = [d for d in devices if d.active]
    require(
        len(started) >= expect.min_fence_devices,
        expected=f"at least {expect.min_fence_devices} fence device(s) started",
        found=f"{len(devices)} configured ({', '.join(d.id for d in devices) or 'none'}), "
        f"{len(started)} started",
    )


@check(
    "PCMK-008",
    "no-quorum-policy is safe",
    severity="critical",
    profiles=READ_ONLY,
    remediation="`pcs property set no-quorum-policy=stop` (or freeze/demote; never ignore)",
)
def test_no_quorum_policy(running: PacemakerView, expect: PacemakerExpect) -> None:
    policy = (
        running.status.option("no-quorum-policy")
        or running.cib.property("no-quorum-policy")
        or "stop"
    )
    require(
        policy in expect.no_quorum_policies,
        expected=f"no-quorum-policy in {', '.join(expect.no_quorum_policies)}",
        found=f"no-quorum-policy={policy}",
    )


@check(
    "PCMK-009",
    "No leftover move/ban constraints (cli-*)",
    severity="normal",
    profiles=READ_ONLY,
    remediation="`pcs resource clear <rsc>` (`crm_resource --clear -r <rsc>`) for each",
)
def test_no_cli_constraints(running: PacemakerView) -> None:
    leftovers = running.cib.cli_constraints()
    require(
        not leftovers,
        expected="no cli-ban-*/cli-prefer-* constraints",
        found=", ".join(leftovers),
    )


@check(
    "PCMK-010",
    "Fence history has no failed fencing",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Test the fence device (`pcs stonith fence <node>` in a maintenance window), "
    "fix it, then clear the history: `stonith_admin --cleanup --history '*'`",
)
def test_fence_history(running: PacemakerView) -> None:
    events = probe.fence_history(running.reporter)
    failed = [e for e in events if e.status not in {"success", "pending"}]
    require(
        not failed,
        expected="every fence action in the history succeeded",
        found="; ".join(
            f"{e.action} of {e.target} by {e.delegate or '?'}: {e.status}"
            + (f" ({e.exit_reason})" if e.exit_reason else "")
            for e in failed
        ),
        host=running.reporter.label,
    )


@check(
    "PCMK-011",
    "crm_verify --live-check finds no configuration error",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Fix what `crm_verify --live-check -V` reports",
)
def test_crm_verify(running: PacemakerView) -> None:
    result = probe.verify(running.reporter)
    if not result.clean:
        detail = running.reporter.run("crm_verify --live-check -V 2>&1 | head -20", timeout=60)
        lines = [line for line in detail.stdout.splitlines() if line.strip()][:8]
        require(
            False,
            expected="crm_verify status 0",
            found=f"status {result.code} {result.message}: " + " | ".join(result.errors or lines),
            host=running.reporter.label,
        )


@check(
    "PCMK-012",
    "The CIB configuration is identical on all nodes",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Let the DC resync it: restart pacemaker on the odd node "
    "(`pcs cluster stop <node> && pcs cluster start <node>`)",
)
def test_cib_identical(running: PacemakerView) -> None:
    digests = {
        label: f"epoch {c.admin_epoch}.{c.epoch} sha256 {c.digest[:12]}"
        for label, c in running.cibs.items()
    }
    require(
        len({c.digest for c in running.cibs.values()}) == 1,
        expected="one configuration section everywhere (`cibadmin -Q --local`)",
        found=_differing(digests),
    )


@check(
    "PCMK-013",
    "Pacemaker version is the same on all nodes",
    severity="normal",
    profiles=READ_ONLY,
    remediation="Upgrade the older nodes to the same pacemaker (rolling, one node at a time)",
)
def test_same_version(view: PacemakerView) -> None:
    require(
        len(set(view.versions.values())) == 1,
        expected="one pacemaker version",
        found=_differing(view.versions),
    )


@check(
    "PCMK-014",
    "Resource stickiness is set",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="`pcs resource defaults update resource-stickiness=100`",
)
def test_stickiness(running: PacemakerView, expect: PacemakerExpect) -> None:
    value = running.cib.rsc_defaults.get("resource-stickiness")
    require(
        value is not None and score_number(value) >= expect.min_stickiness,
        expected=f"rsc_defaults resource-stickiness >= {expect.min_stickiness}",
        found=f"resource-stickiness={value or 'unset'}",
    )


@check(
    "PCMK-015",
    "migration-threshold is set",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="`pcs resource defaults update migration-threshold=3`",
)
def test_migration_threshold(running: PacemakerView, expect: PacemakerExpect) -> None:
    value = running.cib.rsc_defaults.get("migration-threshold")
    number = score_number(value) if value is not None else float("inf")
    require(
        0 < number <= expect.max_migration_threshold,
        expected=f"rsc_defaults migration-threshold 1..{expect.max_migration_threshold}",
        found=f"migration-threshold={value or 'unset (INFINITY)'}",
    )


@check(
    "PCMK-016",
    "pcsd answers on every node (where pcs is used)",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="`systemctl enable --now pcsd` and `pcs host auth <nodes>`",
)
def test_pcsd(view: PacemakerView, expect: PacemakerExpect) -> None:
    uses = expect.pcs if expect.pcs is not None else probe.uses_pcs(view.reporter)
    if not uses:
        pytest.skip("not applicable: pcs is not used on this cluster")
    findings = Findings(expected="`pcs status pcsd` says Online for every node")
    for node in view.nodes:
        ok, text = probe.pcsd_status(node)
        if not ok:
            findings.add(text.splitlines()[-1] if text else "no answer", node.label)
    findings.raise_if_any()


@check(
    "PCMK-017",
    "The inventory's resources, groups and clones are configured",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Create what is missing (`pcs resource create`, `pcs resource group add`, "
    "`pcs resource clone`, `pcs resource promotable`)",
)
def test_expected_resources(running: PacemakerView, expect: PacemakerExpect) -> None:
    cib = running.cib
    findings = Findings(
        expected="every resource, group, clone and promotable clone of the inventory"
    )
    for name in expect.resources:
        if name not in cib.resource_ids():
            findings.add(f"resource {name} missing")
    for group, members in expect.groups.items():
        found = list(cib.groups.get(group, ()))
        if found != members:
            findings.add(
                f"group {group}: {', '.join(found) or 'missing'} (want {', '.join(members)})"
            )
    for clone in [*expect.clones, *expect.promotable]:
        wanted = clone in expect.promotable
        match = cib.clones.get(clone) or next(
            (c for c in cib.clones.values() if c.child == clone), None
        )
        if match is None:
            findings.add(f"clone {clone} missing")
        elif wanted and not match.promotable:
            findings.add(f"clone {match.id} is not promotable")
    findings.raise_if_any()


def _owner(view: PacemakerView, rsc: str) -> set[str]:
    """The ids a constraint about ``rsc`` may name: itself, its clone or group."""
    cib = view.cib
    names = {rsc}
    names |= {c.id for c in cib.clones.values() if c.child == rsc}
    names |= {c.child for c in cib.clones.values() if c.id == rsc}
    return names


@check(
    "PCMK-018",
    "The inventory's ordering constraints exist",
    severity="critical",
    profiles=READ_ONLY,
    remediation="`pcs constraint order start <first> then start <then>`",
)
def test_expected_ordering(running: PacemakerView, expect: PacemakerExpect) -> None:
    if not expect.ordering:
        pytest.skip("not applicable: the inventory expects no ordering")
    findings = Findings(expected=", ".join(str(o) for o in expect.ordering))
    for rule in expect.ordering:
        ok = any(
            o.first in _owner(running, rule.first)
            and o.then in _owner(running, rule.then)
            and o.first_action == rule.first_action
            and o.then_action == rule.then_action
            for o in running.cib.orders
        ) or _group_orders(running, rule.first, rule.then)
        if not ok:
            findings.add(f"no constraint '{rule}'")
    findings.raise_if_any()


def _group_orders(view: PacemakerView, first: str, then: str) -> bool:
    """A group starts its members in order: 'a then b' holds if a precedes b in one group."""
    return any(
        first in members and then in members and members.index(first) < members.index(then)
        for members in view.cib.groups.values()
    )


@check(
    "PCMK-019",
    "The inventory's colocation constraints exist",
    severity="critical",
    profiles=READ_ONLY,
    remediation="`pcs constraint colocation add <rsc> with <with-rsc> INFINITY`",
)
def test_expected_colocation(running: PacemakerView, expect: PacemakerExpect) -> None:
    if not expect.colocation:
        pytest.skip("not applicable: the inventory expects no colocation")
    findings = Findings(expected=", ".join(str(c) for c in expect.colocation))
    for rule in expect.colocation:
        ok = any(
            c.rsc in _owner(running, rule.rsc)
            and c.with_rsc in _owner(running, rule.with_rsc)
            and score_number(c.score) > 0
            and (rule.with_rsc_role is None or c.with_rsc_role in _roles(rule.with_rsc_role))
            for c in running.cib.colocations
        ) or _group_colocates(running, rule.rsc, rule.with_rsc)
        if not ok:
            findings.add(f"no constraint '{rule}'")
    findings.raise_if_any()


def _roles(role: str) -> set[str]:
    return {"Promoted", "Master"} if role in {"Promoted", "Master"} else {role}


def _group_colocates(view: PacemakerView, rsc: str, with_rsc: str) -> bool:
    return any(rsc in m and with_rsc in m for m in view.cib.groups.values())


@check(
    "PCMK-020",
    "The inventory's location preferences exist",
    severity="normal",
    profiles=READ_ONLY,
    remediation="`pcs constraint location <rsc> prefers <node>=<score>` "
    "(`avoids` for a negative one)",
)
def test_expected_location(running: PacemakerView, expect: PacemakerExpect) -> None:
    if not expect.location:
        pytest.skip("not applicable: the inventory expects no location preference")
    findings = Findings(expected=", ".join(str(loc) for loc in expect.location))
    for rule in expect.location:
        ok = any(
            loc.rsc in _owner(running, rule.rsc)
            and loc.node == rule.node
            and (loc.score_value > 0) == rule.prefers
            and not loc.id.startswith("cli-")
            for loc in running.cib.locations
        )
        if not ok:
            findings.add(f"no constraint '{rule}'")
    findings.raise_if_any()


@check(
    "PCMK-021",
    "Colocated resources run together",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Find out why: `crm_resource --why -r <rsc>`, `crm_simulate -sL`; clear stale "
    "bans (`pcs resource clear <rsc>`)",
)
def test_colocation_honoured(running: PacemakerView) -> None:
    findings = Findings(expected="every mandatory colocation holds in the live placement")
    for rule in running.cib.colocations:
        problem = rules.colocation_problem(running.status, rule)
        if problem:
            findings.add(f"{rule.id}: {problem}")
    for group, members in running.cib.groups.items():
        spots = {m: running.status.locations(m) for m in members if running.status.locations(m)}
        if len({frozenset(s) for s in spots.values()}) > 1:
            findings.add(f"group {group} split: {spots}")
    findings.raise_if_any()


@check(
    "PCMK-022",
    "Ordered resources started in order (operation history)",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="Check the ordering constraint's kind and the resources' history: "
    "`crm_mon -1 --show-detail -o`",
)
def test_order_honoured(running: PacemakerView) -> None:
    findings = Findings(expected="each mandatory 'then' started after its 'first'")
    for order in running.cib.orders:
        if order.kind != "Mandatory" or order.first_action != "start":
            continue
        problem = rules.order_problem(running.status, order.first, order.then)
        if problem:
            findings.add(f"{order.id}: {problem}")
    findings.raise_if_any()


@check(
    "PCMK-023",
    "Location preferences are respected while the preferred node is up",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="Find what keeps it away: `crm_simulate -sL | grep <rsc>`; stale bans "
    "(`pcs resource clear <rsc>`), failcounts (`pcs resource cleanup <rsc>`)",
)
def test_location_honoured(running: PacemakerView) -> None:
    findings = Findings(
        expected="a resource runs on its preferred node when that node is up, unless "
        "stickiness outweighs the preference; never on a node it avoids"
    )
    for loc in running.cib.locations:
        if loc.node is None or loc.has_rules or loc.id.startswith("cli-"):
            continue
        problem = rules.location_problem(
            running.status, running.cib, loc.rsc, loc.node, loc.score_value
        )
        if problem:
            findings.add(f"{loc.id}: {problem}")
    findings.raise_if_any()


_SBD: dict[str, list[sbd.SbdNode]] = {}


@pytest.fixture
def sbd_nodes(view: PacemakerView) -> list[sbd.SbdNode]:
    """Each pacemaker node's sbd service state and sbd settings (read once per cluster)."""
    if view.cluster.name not in _SBD:
        _SBD[view.cluster.name] = sbd.read_nodes(view.nodes)
    return _SBD[view.cluster.name]


@check(
    "PCMK-024",
    "Every node's controller is settled",
    severity="critical",
    profiles=READ_ONLY,
    remediation="Find what keeps the cluster busy: `crm_mon -1`, `crmadmin -S <node>`, "
    "`crm_simulate -sL`; a node stuck in S_ELECTION/S_PENDING needs its pacemaker restarted "
    "(`pcs cluster stop <node> && pcs cluster start <node>`)",
)
def test_controllers_settled(running: PacemakerView) -> None:
    names = [n.name for n in running.nodes]
    dc, problems = controller.wait_settled(lambda: controller.read(running.reporter, names))
    findings = Findings(
        expected=f"`crmadmin -S`: the DC ({dc or 'none'}) in S_IDLE, every other controller "
        "in S_NOT_DC (asked again for 10 s)"
    )
    for name, problem in problems.items():
        findings.add(problem, running.cluster.node(name).label if name else None)
    findings.raise_if_any()


@check(
    "PCMK-025",
    "Fencing timeout leaves room for the fence devices",
    severity="critical",
    profiles=ACCEPTANCE,
    remediation="Raise the cluster's fencing timeout above the devices' own timeouts (and "
    "1.2 x SBD msgwait): `pcs property set stonith-timeout=<seconds>s` "
    "(Pacemaker 3: fencing-timeout)",
)
def test_fencing_timeout(running: PacemakerView, sbd_nodes: list[sbd.SbdNode]) -> None:
    judgement = timing.judge_fencing_timeout(running.cib, sbd.figure_s(sbd_nodes, running.cib))
    require(
        not judgement.problems,
        expected="stonith-timeout / fencing-timeout >= every fence device's "
        "pcmk_reboot_timeout, pcmk_off_timeout and power_timeout, and >= 1.2 x SBD msgwait",
        found=f"{judgement.setting} ({judgement.timeout_s:g}s) < " + ", ".join(judgement.problems),
        host=running.reporter.label,
    )


@check(
    "PCMK-026",
    "priority-fencing-delay is set on a two-node cluster",
    severity="normal",
    profiles=ACCEPTANCE,
    remediation="`pcs property set priority-fencing-delay=15s` (with `priority` meta on the "
    "important resources), or a delay on one fence device: `pcs stonith update <dev> "
    "pcmk_delay_max=15s`",
)
def test_priority_fencing_delay(running: PacemakerView) -> None:
    nodes = len(running.nodes)
    if nodes != 2:
        pytest.skip(f"not applicable: {nodes} nodes (a fence race needs exactly 2)")
    delay = timing.fencing_delay(running.cib)
    require(
        delay is not None,
        expected="priority-fencing-delay > 0 (or pcmk_delay_base/pcmk_delay_max > 0 on a "
        "fence device)",
        found="priority-fencing-delay "
        + (running.cib.properties.get("priority-fencing-delay") or "unset")
        + ", no fence device delay",
        host=running.reporter.label,
    )


@check(
    "PCMK-027",
    "SBD is consistent where it is used",
    severity="critical",
    profiles=ACCEPTANCE,
    remediation="Copy one sbd file to every node (/etc/default/sbd or /etc/sysconfig/sbd) with "
    "SBD_WATCHDOG_DEV set, `systemctl enable sbd` on every node; diskless SBD: `pcs property "
    "set stonith-watchdog-timeout=<2 x SBD_WATCHDOG_TIMEOUT>`; then restart the cluster",
)
def test_sbd_consistent(running: PacemakerView, sbd_nodes: list[sbd.SbdNode]) -> None:
    if not sbd.used(sbd_nodes):
        pytest.skip("not applicable: SBD is not used on this cluster")
    findings = Findings(
        expected="sbd enabled and one sbd configuration on every node, SBD_WATCHDOG_DEV set; "
        "diskless: stonith-watchdog-timeout >= 2 x SBD_WATCHDOG_TIMEOUT"
    )
    for host, problem in sbd.problems(sbd_nodes, running.cib):
        findings.add(problem, host)
    findings.raise_if_any()

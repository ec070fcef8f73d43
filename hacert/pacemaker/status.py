"""`crm_mon --output-as=xml --inactive`: the cluster's live state, typed.

Covers the `<pacemaker-result>` schemas of Pacemaker 2.0.3+ and 3.x (``removed`` beside
``orphaned``, ``fencing-*`` beside ``stonith-*``), the legacy `<crm_mon>` root of
``--as-xml``, and `<crm-mon-disconnected>` of the schema. When pacemaker is not running,
a one-shot crm_mon 2.1 and 3.0.x print a `<status code="102">` error instead (captures in
tests/data/pacemaker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from hacert.errors import UnexpectedOutput
from hacert.xmlutil import flag, number, parse_xml

ACTIVE_ROLES = frozenset({"Started", "Promoted", "Unpromoted", "Master", "Slave"})
PROMOTED_ROLES = frozenset({"Promoted", "Master"})


@dataclass(frozen=True)
class NodeState:
    name: str
    id: str
    online: bool
    standby: bool = False
    standby_onfail: bool = False
    maintenance: bool = False
    pending: bool = False
    unclean: bool = False
    shutdown: bool = False
    is_dc: bool = False
    type: str = "member"

    def problems(self) -> list[str]:
        """What keeps this node from being a fully usable member, in words."""
        wrong = [] if self.online else ["offline"]
        for attribute in ("unclean", "standby", "standby_onfail", "maintenance", "pending"):
            if getattr(self, attribute):
                wrong.append(attribute.replace("_", " "))
        if self.shutdown:
            wrong.append("shutting down")
        return wrong


@dataclass(frozen=True)
class ResourceState:
    """One resource instance (a clone yields one per instance)."""

    id: str
    agent: str
    role: str
    active: bool
    nodes: tuple[str, ...] = ()
    target_role: str | None = None
    orphaned: bool = False
    blocked: bool = False
    managed: bool = True
    failed: bool = False
    failure_ignored: bool = False
    maintenance: bool = False
    group: str | None = None
    clone: str | None = None
    promotable: bool = False
    clone_disabled: bool = False

    @property
    def is_fence_device(self) -> bool:
        return self.agent.startswith("stonith:")

    @property
    def disabled(self) -> bool:
        return self.clone_disabled or (self.target_role or "").lower() == "stopped"

    @property
    def owner(self) -> str:
        """The id constraints use for it: the clone's, else the group's, else its own."""
        return self.clone or self.group or self.id


@dataclass(frozen=True)
class Failure:
    op_key: str
    node: str
    task: str
    exitstatus: str
    exitreason: str
    exitcode: int
    status: str
    last_rc_change: str

    @property
    def resource(self) -> str:
        return self.op_key.rsplit("_", 2)[0]


@dataclass(frozen=True)
class FenceEvent:
    target: str
    action: str
    status: str
    delegate: str = ""
    origin: str = ""
    client: str = ""
    completed: str = ""
    exit_reason: str = ""


@dataclass(frozen=True)
class Ban:
    id: str
    resource: str
    node: str
    weight: int


@dataclass(frozen=True)
class Operation:
    node: str
    resource: str
    call: int
    task: str
    rc: int
    rc_text: str
    interval_ms: int = 0
    last_rc_change: str = ""


@dataclass(frozen=True)
class ClusterStatus:
    connected: bool
    pacemakerd_state: str = ""
    disconnected_reason: str = ""
    dc_present: bool = False
    dc_name: str | None = None
    dc_version: str | None = None
    with_quorum: bool = False
    options: dict[str, str] = field(default_factory=dict)
    nodes: tuple[NodeState, ...] = ()
    resources: tuple[ResourceState, ...] = ()
    failures: tuple[Failure, ...] = ()
    fence_events: tuple[FenceEvent, ...] = ()
    bans: tuple[Ban, ...] = ()
    operations: tuple[Operation, ...] = ()
    fail_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    last_change: str = ""

    def option(self, *names: str) -> str | None:
        """The first of ``names`` the cluster reports (Pacemaker 3 name first, then 2.x)."""
        for name in names:
            if name in self.options:
                return self.options[name]
        return None

    @property
    def fencing_enabled(self) -> bool | None:
        value = self.option("fencing-enabled", "stonith-enabled")
        return None if value is None else value.lower() in {"true", "1", "yes", "on"}

    @property
    def maintenance_mode(self) -> bool:
        return (self.option("maintenance-mode") or "false").lower() == "true"

    def node(self, name: str) -> NodeState | None:
        return next((n for n in self.nodes if n.name == name), None)

    def instances(self, rsc: str) -> list[ResourceState]:
        """Instances of a primitive, group or clone id."""
        return [r for r in self.resources if rsc in (r.id, r.group, r.clone)]

    def locations(self, rsc: str) -> set[str]:
        return {n for r in self.instances(rsc) if r.active for n in r.nodes}

    def running_on(self, node: str) -> list[ResourceState]:
        return [r for r in self.resources if r.active and node in r.nodes]

    def fence_devices(self) -> list[ResourceState]:
        return [r for r in self.resources if r.is_fence_device]

    def operations_of(self, rsc: str, node: str | None = None) -> list[Operation]:
        return [
            o for o in self.operations if o.resource == rsc and (node is None or o.node == node)
        ]


def parse_crm_mon(text: str, *, host: str | None = None) -> ClusterStatus:
    root = parse_xml(text, "crm_mon --output-as=xml", host=host)
    if root.tag == "crm-mon-disconnected" or root.find("crm-mon-disconnected") is not None:
        element = root if root.tag == "crm-mon-disconnected" else root.find("crm-mon-disconnected")
        assert element is not None
        return ClusterStatus(
            connected=False,
            pacemakerd_state=element.get("pacemakerd-state", ""),
            disconnected_reason=element.get("description", "pacemaker is not running"),
        )
    if root.tag not in {"pacemaker-result", "crm_mon"}:
        raise UnexpectedOutput(f"crm_mon printed an unknown root <{root.tag}>", host=host)
    if root.tag == "pacemaker-result" and root.find("summary") is None:
        status = root.find("status")
        message = status.get("message", "") if status is not None else ""
        errors = " ".join((e.text or "").strip() for e in root.iter("error"))
        return ClusterStatus(
            connected=False,
            pacemakerd_state=_pacemakerd_state(root, None),
            disconnected_reason=f"{message} {errors}".strip() or "no summary",
        )
    summary = root.find("summary")
    dc = summary.find("current_dc") if summary is not None else None
    options = summary.find("cluster_options") if summary is not None else None
    return ClusterStatus(
        connected=True,
        pacemakerd_state=_pacemakerd_state(root, summary),
        dc_present=dc is not None and flag(dc, "present"),
        dc_name=dc.get("name") if dc is not None else None,
        dc_version=dc.get("version") if dc is not None else None,
        with_quorum=dc is not None and flag(dc, "with_quorum"),
        options=dict(options.attrib) if options is not None else {},
        nodes=tuple(_node(n) for n in root.findall("nodes/node")),
        resources=tuple(_resources(root.find("resources"))),
        failures=tuple(_failure(f) for f in root.findall("failures/failure")),
        fence_events=tuple(parse_fence_events(root)),
        bans=tuple(
            Ban(b.get("id", ""), b.get("resource", ""), b.get("node", ""), number(b, "weight"))
            for b in root.findall("bans/ban")
        ),
        operations=tuple(_operations(root)),
        fail_counts=_fail_counts(root),
        last_change=_last_change(summary),
    )


def _pacemakerd_state(root: Element, summary: Element | None) -> str:
    """2.1 prints `<pacemakerd state=...>`; 3.0.3 (api 2.42) `<stack pacemakerd-state=...>`."""
    pacemakerd = root.find("pacemakerd")
    if pacemakerd is not None:
        return pacemakerd.get("state", "")
    stack = summary.find("stack") if summary is not None else None
    return stack.get("pacemakerd-state", "") if stack is not None else ""


def _last_change(summary: Element | None) -> str:
    change = summary.find("last_change") if summary is not None else None
    if change is None:
        return ""
    return (
        f"{change.get('time', '?')} by {change.get('user', '?')} via "
        f"{change.get('client', '?')} on {change.get('origin', '?')}"
    )


def _node(element: Element) -> NodeState:
    return NodeState(
        name=element.get("name", ""),
        id=element.get("id", ""),
        online=flag(element, "online"),
        standby=flag(element, "standby"),
        standby_onfail=flag(element, "standby_onfail"),
        maintenance=flag(element, "maintenance"),
        pending=flag(element, "pending"),
        unclean=flag(element, "unclean"),
        shutdown=flag(element, "shutdown"),
        is_dc=flag(element, "is_dc"),
        type=element.get("type", "member"),
    )


def _resources(
    parent: Element | None,
    group: str | None = None,
    clone: Element | None = None,
) -> list[ResourceState]:
    found: list[ResourceState] = []
    if parent is None:
        return found
    for child in parent:
        if child.tag == "resource":
            found.append(_resource(child, group, clone))
        elif child.tag == "group":
            found.extend(_resources(child, child.get("id", "").split(":")[0], clone))
        elif child.tag == "clone":
            found.extend(_resources(child, group, child))
        elif child.tag == "bundle":
            for replica in child.findall("replica"):
                found.extend(_resources(replica, child.get("id"), clone))
    return found


def _resource(element: Element, group: str | None, clone: Element | None) -> ResourceState:
    return ResourceState(
        id=element.get("id", ""),
        agent=element.get("resource_agent", ""),
        role=element.get("role", ""),
        active=flag(element, "active"),
        nodes=tuple(n.get("name", "") for n in element.findall("node")),
        target_role=element.get("target_role"),
        orphaned=flag(element, "orphaned") or flag(element, "removed"),
        blocked=flag(element, "blocked"),
        managed=flag(element, "managed", True),
        failed=flag(element, "failed"),
        failure_ignored=flag(element, "failure_ignored"),
        maintenance=flag(element, "maintenance"),
        group=group,
        clone=clone.get("id") if clone is not None else None,
        promotable=clone is not None and flag(clone, "multi_state"),
        clone_disabled=clone is not None and flag(clone, "disabled"),
    )


def _failure(element: Element) -> Failure:
    return Failure(
        op_key=element.get("op_key", ""),
        node=element.get("node", ""),
        task=element.get("task", ""),
        exitstatus=element.get("exitstatus", ""),
        exitreason=element.get("exitreason", ""),
        exitcode=number(element, "exitcode", -1),
        status=element.get("status", ""),
        last_rc_change=element.get("last-rc-change", ""),
    )


def parse_fence_events(root: Element) -> list[FenceEvent]:
    """Every `<fence_event>` under ``root`` (crm_mon's fence_history, stonith_admin's list)."""
    return [
        FenceEvent(
            target=e.get("target", ""),
            action=e.get("action", ""),
            status=e.get("status", ""),
            delegate=e.get("delegate", ""),
            origin=e.get("origin", ""),
            client=e.get("client", ""),
            completed=e.get("completed", ""),
            exit_reason=e.get("exit-reason", ""),
        )
        for e in root.iter("fence_event")
    ]


def _operations(root: Element) -> list[Operation]:
    found: list[Operation] = []
    for node in root.findall("node_history/node"):
        for history in node.findall("resource_history"):
            for op in history.findall("operation_history"):
                found.append(
                    Operation(
                        node=node.get("name", ""),
                        resource=history.get("id", ""),
                        call=number(op, "call", -1),
                        task=op.get("task", ""),
                        rc=number(op, "rc", -1),
                        rc_text=op.get("rc_text", ""),
                        interval_ms=number(op, "interval"),
                        last_rc_change=op.get("last-rc-change", ""),
                    )
                )
    return found


def _fail_counts(root: Element) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for node in root.findall("node_history/node"):
        for history in node.findall("resource_history"):
            raw = history.get("fail-count")
            if raw:
                counts[(history.get("id", ""), node.get("name", ""))] = int(raw)
    return counts

"""`crmadmin`: which node is the DC and whether every controller is settled.

Pacemaker 2.1.5 prints (tests/data/pacemaker/crmadmin-*.xml)::

    <pacemaker-result api-version="2.25" request="crmadmin -S node2 --output-as=xml">
      <crmd node_name="node2" state="S_NOT_DC" result="ok"/>
      <status code="0" message="OK"/>
    </pacemaker-result>

and ``<dc node_name="node1"/>`` for ``crmadmin -D``. A controller that does not answer
leaves only ``<status code="124" message="Timeout occurred">`` with ``<errors>``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from hacert.cluster import Node
from hacert.errors import UnexpectedOutput
from hacert.wait import poll
from hacert.xmlutil import parse_xml

DC_STATE = "S_IDLE"
MEMBER_STATE = "S_NOT_DC"
# crmadmin without -t waits minutes for a controller that does not answer.
CRMADMIN_TIMEOUT = "5s"


@dataclass(frozen=True)
class ControllerState:
    node: str
    state: str | None
    code: int = 0
    message: str = ""
    errors: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.state:
            return self.state
        detail = "; ".join(self.errors) or self.message
        return f"no answer (crmadmin status {self.code}: {detail})"


def _status(root: Element, what: str, host: str | None) -> tuple[int, str, tuple[str, ...]]:
    status = root.find("status")
    if status is None:
        raise UnexpectedOutput(f"{what} printed no <status>", host=host)
    errors = tuple((e.text or "").strip() for e in status.findall("errors/error"))
    try:
        code = int(status.get("code", ""))
    except ValueError:
        raise UnexpectedOutput(f"{what}: status code {status.get('code')!r}", host=host) from None
    return code, status.get("message", ""), errors


def parse_state(text: str, node: str, *, host: str | None = None) -> ControllerState:
    """``crmadmin -S <node> --output-as=xml``."""
    what = f"crmadmin -S {node}"
    root = parse_xml(text, what, host=host)
    if root.tag != "pacemaker-result":
        raise UnexpectedOutput(f"{what} printed <{root.tag}>, not <pacemaker-result>", host=host)
    code, message, errors = _status(root, what, host)
    crmd = root.find("crmd")
    state = crmd.get("state") if crmd is not None else None
    name = crmd.get("node_name", node) if crmd is not None else node
    return ControllerState(
        node=name, state=state or None, code=code, message=message, errors=errors
    )


def parse_dc(text: str, *, host: str | None = None) -> str | None:
    """``crmadmin -D --output-as=xml``: the DC's node name, None when there is none."""
    root = parse_xml(text, "crmadmin -D", host=host)
    if root.tag != "pacemaker-result":
        raise UnexpectedOutput(f"crmadmin -D printed <{root.tag}>", host=host)
    dc = root.find("dc")
    return (dc.get("node_name") or None) if dc is not None else None


def problems(dc: str | None, states: dict[str, ControllerState]) -> dict[str, str]:
    """node -> what is wrong: the DC must be S_IDLE, every other controller S_NOT_DC."""
    found: dict[str, str] = {}
    if dc is None:
        found[""] = "no DC (`crmadmin -D` names none)"
    for node, state in states.items():
        wanted = DC_STATE if node == dc else MEMBER_STATE
        if state.state != wanted:
            role = "the DC" if node == dc else "not the DC"
            found[node] = f"{state.describe()} ({role}, want {wanted})"
    return found


def read(reporter: Node, nodes: Iterable[str]) -> tuple[str | None, dict[str, ControllerState]]:
    """The DC and every node's controller state, asked from ``reporter``."""
    base = ["crmadmin", "-t", CRMADMIN_TIMEOUT, "--output-as=xml"]
    result = reporter.run([*base, "-D"], timeout=30)
    dc = parse_dc(result.stdout, host=reporter.label) if result.stdout.strip() else None
    states: dict[str, ControllerState] = {}
    for node in nodes:
        answer = reporter.run([*base, "-S", node], timeout=30)
        if not answer.stdout.strip():
            answer.check()
            raise UnexpectedOutput(f"crmadmin -S {node} printed nothing", host=reporter.label)
        states[node] = parse_state(answer.stdout, node, host=reporter.label)
    return dc, states


def wait_settled(
    look: Callable[[], tuple[str | None, dict[str, ControllerState]]],
    *,
    within_s: float = 10.0,
    interval_s: float = 3.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str | None, dict[str, str]]:
    """Looks again while a transition may still be running; the last problems (empty: settled)."""
    dc: str | None = None
    found: dict[str, str] = {}
    for _ in poll(timeout=within_s, interval=interval_s, clock=clock, sleep=sleep):
        dc, states = look()
        found = problems(dc, states)
        if not found:
            break
    return dc, found

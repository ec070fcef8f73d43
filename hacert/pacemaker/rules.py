"""Judging the live cluster against constraints: colocation, order and location honoured."""

from __future__ import annotations

from datetime import datetime

from hacert.pacemaker.cib import CibConfig, ColocationConstraint, score_number
from hacert.pacemaker.status import PROMOTED_ROLES, ClusterStatus, Operation

_TIME_FORMATS = ("%a %b %d %H:%M:%S %Y", "%Y-%m-%d %H:%M:%SZ", "%Y-%m-%d %H:%M:%S")


def parse_time(text: str) -> datetime | None:
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(" ".join(text.split()), fmt)
        except ValueError:
            continue
    return None


def nodes_in_role(status: ClusterStatus, rsc: str, role: str | None) -> set[str]:
    instances = [r for r in status.instances(rsc) if r.active]
    if role in {"Promoted", "Master"}:
        instances = [r for r in instances if r.role in PROMOTED_ROLES]
    elif role in {"Unpromoted", "Slave"}:
        instances = [r for r in instances if r.role not in PROMOTED_ROLES]
    return {n for r in instances for n in r.nodes}


def colocation_problem(status: ClusterStatus, rule: ColocationConstraint) -> str | None:
    """Why the live placement breaks a mandatory colocation (None: it holds or can't be judged)."""
    score = score_number(rule.score)
    if abs(score) != float("inf"):
        return None
    mine = nodes_in_role(status, rule.rsc, rule.rsc_role)
    theirs = nodes_in_role(status, rule.with_rsc, rule.with_rsc_role)
    if not mine:
        return None
    if score > 0 and not mine <= theirs:
        return (
            f"{rule.rsc} on {', '.join(sorted(mine))} but {rule.with_rsc} on "
            f"{', '.join(sorted(theirs)) or 'no node'}"
        )
    if score < 0 and mine & theirs:
        return f"{rule.rsc} and {rule.with_rsc} share {', '.join(sorted(mine & theirs))}"
    return None


def last_start(status: ClusterStatus, rsc: str, action: str = "start") -> Operation | None:
    nodes = nodes_in_role(status, rsc, None)
    ops = [
        o
        for r in [rsc, *[i.id for i in status.instances(rsc)]]
        for node in nodes
        for o in status.operations_of(r, node)
        if o.task == action and o.rc in (0, 8)
    ]
    return max(
        ops, key=lambda o: (parse_time(o.last_rc_change) or datetime.min, o.call), default=None
    )


def order_problem(
    status: ClusterStatus, first: str, then: str, action: str = "start"
) -> str | None:
    """Why ``then`` looks started before ``first`` (None: in order, or not judgeable)."""
    a, b = last_start(status, first, action), last_start(status, then, action)
    if a is None or b is None:
        return None
    if a.node == b.node:
        if b.call < a.call:
            return (
                f"on {a.node}: {then} {action} call {b.call} before {first} {action} call {a.call}"
            )
        return None
    ta, tb = parse_time(a.last_rc_change), parse_time(b.last_rc_change)
    if ta and tb and tb < ta:
        return (
            f"{then} {action} at {tb:%H:%M:%S} on {b.node}, before {first} "
            f"at {ta:%H:%M:%S} on {a.node}"
        )
    return None


def stickiness(cib: CibConfig, rsc: str) -> float:
    return score_number(cib.meta(rsc, "resource-stickiness") or "0")


def location_problem(
    status: ClusterStatus, cib: CibConfig, rsc: str, node: str, score: float
) -> str | None:
    """Why a location preference (score > 0) or avoidance (< 0) is not honoured now."""
    where = status.locations(rsc)
    if score < 0:
        return f"{rsc} runs on {node}, which it avoids" if node in where else None
    target = status.node(node)
    if not where or node in where or target is None or target.problems():
        return None
    sticky = stickiness(cib, rsc)
    if score > sticky:
        return (
            f"{rsc} on {', '.join(sorted(where))} although {node} is up and preferred "
            f"(score {score:g} > stickiness {sticky:g})"
        )
    return None

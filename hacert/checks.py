"""Check metadata and the way a failing check reports expected, found, host and fix.

A check is a pytest test function decorated with :func:`check`::

    @check("COROSYNC-001", "Cluster is quorate", severity="critical",
           remediation="Start corosync on enough nodes: `pcs cluster start --all`")
    def test_quorate(cluster): ...
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, TypeVar

import pytest

from hacert.reporting import attach_text
from hacert.technologies import BY_NAME, BY_PREFIX
from hacert.text import quote, too_long_to_quote

Severity = Literal["blocker", "critical", "normal", "minor", "trivial"]
SEVERITIES: tuple[str, ...] = ("blocker", "critical", "normal", "minor", "trivial")
PROFILES: tuple[str, ...] = ("smoke", "acceptance", "grading", "full")
DEFAULT_PROFILES: tuple[str, ...] = ("acceptance", "grading", "full")

CHECK_ID = re.compile(r"^([A-Z][A-Z0-9]*)-\d{3}$")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckMeta:
    """What identifies a check and how much it matters."""

    id: str
    title: str
    severity: str
    remediation: str
    technology: str
    points: float = 1.0
    profiles: tuple[str, ...] = DEFAULT_PROFILES
    per_host: str | None = None
    applies_to: tuple[str, ...] = field(default=())
    destructive: bool = False
    perf: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.id,
            "title": self.title,
            "severity": self.severity,
            "remediation": self.remediation,
            "technology": self.technology,
            "points": self.points,
            "profiles": list(self.profiles),
            "destructive": self.destructive,
        }


def check(
    check_id: str,
    title: str,
    *,
    severity: Severity = "normal",
    remediation: str,
    points: float = 1.0,
    profiles: Iterable[str] = DEFAULT_PROFILES,
    per_host: str | None = None,
    applies_to: Iterable[str] | None = None,
    technology: str | None = None,
    destructive: bool = False,
    perf: bool = False,
) -> Callable[[F], F]:
    """Marks a test function as the check ``check_id``.

    ``per_host`` runs the check once per host having that role (``"*"``: every host);
    ``applies_to`` lists roles of which the cluster needs at least one host, else the check
    is skipped as not applicable (default: the technology's roles).
    """
    match = CHECK_ID.match(check_id)
    if not match:
        raise ValueError(f"check id {check_id!r} must look like ABC-001")
    by_prefix = BY_PREFIX.get(match.group(1))
    tech = technology or (by_prefix.name if by_prefix else None)
    if tech not in BY_NAME:
        raise ValueError(f"check {check_id}: unknown technology {tech!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"check {check_id}: unknown severity {severity!r}")
    profile_tuple = tuple(profiles)
    if destructive:
        profile_tuple = tuple(p for p in profile_tuple if p not in {"smoke", "acceptance"})
        profile_tuple = profile_tuple if "full" in profile_tuple else (*profile_tuple, "full")
    unknown = set(profile_tuple) - set(PROFILES)
    if unknown:
        raise ValueError(f"check {check_id}: unknown profile(s) {sorted(unknown)}")
    meta = CheckMeta(
        id=check_id,
        title=title,
        severity=severity,
        remediation=remediation,
        technology=tech,
        points=points,
        profiles=profile_tuple,
        per_host=per_host,
        applies_to=tuple(applies_to) if applies_to is not None else BY_NAME[tech].roles,
        destructive=destructive,
        perf=perf,
    )

    def decorate(function: F) -> F:
        function.__hacert_check__ = meta  # type: ignore[attr-defined]
        marked: Any = getattr(pytest.mark, tech)(function)
        if destructive:
            marked = pytest.mark.destructive(marked)
        if perf:
            marked = pytest.mark.perf(marked)
        return marked

    return decorate


def meta_of(function: object) -> CheckMeta | None:
    return getattr(function, "__hacert_check__", None)


def get_meta(item: pytest.Item) -> CheckMeta | None:
    """The CheckMeta of a collected pytest item, if it is a check."""
    return meta_of(getattr(item, "function", None))


CURRENT_CHECK: contextvars.ContextVar[CheckMeta | None] = contextvars.ContextVar(
    "hacert_current_check", default=None
)


def format_failure(
    *, expected: str, found: str, host: str | None = None, fix: str | None = None
) -> str:
    meta = CURRENT_CHECK.get()
    remedy = fix if fix is not None else (meta.remediation if meta else "")
    lines = [f"expected: {quote(expected)}", f"found:    {quote(found)}"]
    if host:
        lines.append(f"host:     {quote(host)}")
    if remedy:
        lines.append(f"fix:      {quote(remedy)}")
    return "\n".join(lines)


def fail(*, expected: str, found: str, host: str | None = None, fix: str | None = None) -> NoReturn:
    """Fails the running check with a message a person can act on; a ``found`` too long to
    quote in full is attached to the report."""
    if too_long_to_quote(found):
        attach_text("found (in full)", found)
    pytest.fail(format_failure(expected=expected, found=found, host=host, fix=fix), pytrace=False)


def require(
    condition: object,
    *,
    expected: str,
    found: str | Callable[[], str],
    host: str | None = None,
    fix: str | None = None,
) -> None:
    """Fails the running check unless ``condition`` holds."""
    if not condition:
        fail(expected=expected, found=found() if callable(found) else found, host=host, fix=fix)


@dataclass
class Findings:
    """Collects several problems of one check (per host, per resource) and fails once."""

    expected: str
    problems: list[tuple[str | None, str]] = field(default_factory=list)

    def add(self, found: str, host: str | None = None) -> None:
        self.problems.append((host, found))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, fix: str | None = None) -> None:
        if not self.problems:
            return
        hosts = sorted({h for h, _ in self.problems if h})
        found = "; ".join(f"{h}: {p}" if h else p for h, p in self.problems)
        fail(expected=self.expected, found=found, host=", ".join(hosts) or None, fix=fix)

"""corosync.conf: a small parser for the nested ``section { key: value }`` format."""

from __future__ import annotations

import hashlib
from typing import Any

from hacert.errors import UnexpectedOutput

Section = dict[str, Any]


def parse_conf(text: str, *, host: str | None = None) -> Section:
    """Sections become dicts; repeated sections (``node``, ``interface``) become lists."""
    root: Section = {}
    stack: list[Section] = [root]
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.endswith("{"):
            name = line[:-1].strip()
            child: Section = {}
            parent = stack[-1]
            if name in parent:
                existing = parent[name]
                parent[name] = (
                    [*existing, child] if isinstance(existing, list) else [existing, child]
                )
            else:
                parent[name] = child
            stack.append(child)
        elif line == "}":
            if len(stack) == 1:
                raise UnexpectedOutput(f"corosync.conf line {number}: unbalanced '}}'", host=host)
            stack.pop()
        elif ":" in line:
            key, _, value = line.partition(":")
            stack[-1][key.strip()] = value.strip()
        else:
            raise UnexpectedOutput(f"corosync.conf line {number}: cannot parse {raw!r}", host=host)
    if len(stack) != 1:
        raise UnexpectedOutput("corosync.conf: a section is not closed", host=host)
    return root


def sections(value: Any) -> list[Section]:
    """A section that may appear once or several times, always as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def digest(text: str) -> str:
    """SHA-256 of the file as corosync reads it (comments and blank lines ignored)."""
    meaningful = [
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    ]
    return hashlib.sha256("\n".join(meaningful).encode()).hexdigest()


def node_names(conf: Section) -> list[str]:
    nodelist = conf.get("nodelist") or {}
    return [str(n.get("name") or n.get("ring0_addr")) for n in sections(nodelist.get("node"))]

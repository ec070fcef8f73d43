"""OVSDB JSON as `ovs-vsctl --format=json list <Table>` prints it, decoded into plain Python.

OVSDB encodes a set as ``["set", [v, …]]`` (a one-element set may appear bare), a map as
``["map", [[k, v], …]]`` and references as ``["uuid", "…"]``; see RFC 7047 §5.1.
"""

from __future__ import annotations

import json
from typing import Any

from hacert.errors import UnexpectedOutput

Row = dict[str, Any]


def decode(value: Any) -> Any:
    """One OVSDB datum as Python: set -> list, map -> dict, uuid -> str, atoms unchanged."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        kind, body = value
        if kind == "set":
            return [decode(v) for v in body]
        if kind == "map":
            return {decode(k): decode(v) for k, v in body}
        if kind in ("uuid", "named-uuid"):
            return body
    return value


def as_list(value: Any) -> list[Any]:
    """A decoded column that OVSDB may print as a bare atom when the set has one member."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def optional(value: Any) -> Any:
    """A column of type `optional` (set of 0..1): None when empty."""
    items = as_list(value)
    return items[0] if items else None


def parse_table(text: str, *, host: str | None = None) -> list[Row]:
    """Rows of `ovs-vsctl --format=json list <Table>`."""
    try:
        document = json.loads(text)
        headings = document["headings"]
        rows = document["data"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise UnexpectedOutput(f"ovs-vsctl JSON not understood: {error}", host=host) from None
    return [{name: decode(cell) for name, cell in zip(headings, row, strict=True)} for row in rows]

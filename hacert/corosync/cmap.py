"""`corosync-cmapctl` output: ``key (type) = value`` lines."""

from __future__ import annotations

import re

from hacert.errors import UnexpectedOutput

_LINE = re.compile(r"^(?P<key>\S+) \((?P<type>[a-z0-9]+)\) = ?(?P<value>.*)$")
# Corosync 2.0-2.3 printed ``key=value`` without the type.
_OLD_LINE = re.compile(r"^(?P<key>[A-Za-z0-9_.-]+)=(?P<value>.*)$")
_INTEGER_TYPES = frozenset({"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"})

CmapValue = int | float | str


def parse_cmap(text: str, *, host: str | None = None) -> dict[str, CmapValue]:
    """Key -> value (integers as int, strings stripped) for every line of cmapctl output."""
    values: dict[str, CmapValue] = {}
    for raw in text.splitlines():
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        if match is None and (old := _OLD_LINE.match(raw)):
            value = old.group("value").strip()
            values[old.group("key")] = int(value) if value.isdigit() else value
            continue
        if match is None:
            raise UnexpectedOutput(
                f"corosync-cmapctl printed an unexpected line: {raw!r}", host=host
            )
        kind, value = match.group("type"), match.group("value").strip()
        if kind in _INTEGER_TYPES:
            values[match.group("key")] = int(value)
        elif kind in {"flt", "dbl"}:
            values[match.group("key")] = float(value)
        else:
            values[match.group("key")] = value
    return values


def subtree(values: dict[str, CmapValue], prefix: str) -> dict[str, CmapValue]:
    """The keys under ``prefix.`` with the prefix removed."""
    start = prefix.rstrip(".") + "."
    return {k[len(start) :]: v for k, v in values.items() if k.startswith(start)}

"""Parser for `gfs2_edit -p jindex <device>`: the journals of a GFS2 filesystem."""

from __future__ import annotations

import re

_JOURNAL = re.compile(r"^\s*journal(?P<n>\d+)\b", re.MULTILINE)


def parse_jindex(text: str) -> list[int]:
    """Journal numbers listed in the jindex (`journal0`, `journal1`, ...)."""
    return sorted({int(m.group("n")) for m in _JOURNAL.finditer(text)})

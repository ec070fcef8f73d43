"""Parser for `gfs2_edit -p jindex <device>`: the journals of a GFS2 filesystem."""

from __future__ import annotations

import re

# a jindex directory entry: `   3/3 [FC7745EB] 1/18 (0x1/0x12) +0: File    journal0`
_JOURNAL = re.compile(r"\bFile\s+journal(?P<n>\d+)\s*$", re.MULTILINE)


def parse_jindex(text: str) -> list[int]:
    """Journal numbers listed in the jindex (`journal0`, `journal1`, ...)."""
    return sorted({int(m.group("n")) for m in _JOURNAL.finditer(text)})

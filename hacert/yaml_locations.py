"""Maps a location inside a parsed YAML document back to its line number."""

from __future__ import annotations

from collections.abc import Sequence

import yaml


def compose(text: str) -> yaml.Node | None:
    """Composes the YAML node tree (with marks) without constructing Python objects."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def line_of(root: yaml.Node | None, location: Sequence[str | int]) -> int | None:
    """Returns the 1-based line of the deepest node reachable along ``location``."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value if value is not None else key
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
    return None


def format_location(location: Sequence[str | int]) -> str:
    """Renders a location as ``clusters[0].hosts[1].port``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"

"""XML printed by a host's tools (crm_mon, cibadmin, virsh ...): input from outside, parsed with
defusedxml (no entity expansion, no external fetches); anything else is UnexpectedOutput."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from hacert.errors import UnexpectedOutput


def parse_xml(text: str, what: str, *, host: str | None = None) -> Element:
    # defusedxml < 0.7.1 raises the ParseError of its own copy of ElementTree, not the stdlib's
    try:
        return ElementTree.fromstring(text.strip())
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise UnexpectedOutput(
            f"{what} did not print XML ({error}): {text[:160]!r}", host=host
        ) from None


def attr(element: Element | None, path: str, name: str) -> str | None:
    """Attribute `name` of the first element at `path` under `element` (None if absent)."""
    if element is None:
        return None
    found = element.find(path) if path else element
    return found.get(name) if found is not None else None


def text(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return found.text.strip() if found is not None and found.text else None


def flag(element: Element, name: str, default: bool = False) -> bool:
    value = element.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"true", "1", "yes", "on", "y"}


def number(element: Element, name: str, default: int = 0) -> int:
    raw = (element.get(name) or "").strip().removesuffix("ms")
    try:
        return int(raw)
    except ValueError:
        return default

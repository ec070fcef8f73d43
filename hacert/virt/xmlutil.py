"""Parsing XML that came from a host (defusedxml: no entity expansion, no external fetches)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from hacert.errors import UnexpectedOutput


def parse(text: str, what: str, *, host: str | None = None) -> Element:
    try:
        return ElementTree.fromstring(text)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise UnexpectedOutput(f"{what}: not XML ({error})", host=host) from None


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

"""Parsing XML printed by pacemaker tools (input from outside: defusedxml)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree

from hacert.errors import UnexpectedOutput


def parse_xml(text: str, what: str, *, host: str | None = None) -> Element:
    try:
        return ElementTree.fromstring(text.strip())
    except ParseError as error:
        raise UnexpectedOutput(
            f"{what} did not print XML ({error}): {text[:160]!r}", host=host
        ) from None


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

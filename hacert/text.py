"""What a host printed, made fit to quote: no secrets, no terminal control, bounded size.

Every message a person reads (failure messages, infrastructure errors, report fields, the
terminal) goes through :func:`quote`; a full output kept as an attachment through
:func:`attachment`. XML and HTML escaping stays with the writers of those formats.
"""

from __future__ import annotations

import re

from hacert.secrets import redact

QUOTE_LIMIT = 4 * 1024
REPORT_LIMIT = 32 * 1024
ATTACHMENT_LIMIT = 1024 * 1024

_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks, clipboard
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 but tab and newline, DEL, C1
    r"|[\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidirectional overrides
)


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences or control characters (tab and newline stay)."""
    return _CONTROL.sub("", text)


def too_long_to_quote(text: str, limit: int = QUOTE_LIMIT) -> bool:
    return _size(text) > limit


def summarise(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its first and last lines around a note
    saying how many bytes were left out."""
    size = _size(text)
    if size <= limit:
        return text
    half = limit // 2
    head = _whole_lines(_first_bytes(text, half), keep="head")
    tail = _whole_lines(_last_bytes(text, half), keep="tail")
    omitted = size - _size(head) - _size(tail)
    return f"{head}\n… {omitted} bytes omitted …\n{tail}"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` fit for a message: secrets masked, at most about ``limit`` bytes, no control."""
    return strip_controls(summarise(redact(text), limit))


def attachment(text: str, limit: int = ATTACHMENT_LIMIT) -> str:
    """``text`` fit for a report attachment: secrets masked, no control, cut after ``limit``
    bytes."""
    size = _size(text)
    if size <= limit:
        return strip_controls(redact(text))
    kept = _first_bytes(text, limit)
    omitted = size - _size(kept)
    return f"{strip_controls(redact(kept))}\n… {omitted} more bytes not kept …\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8", "replace"))


def _first_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` UTF-8 bytes."""
    return text[:limit].encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")


def _last_bytes(text: str, limit: int) -> str:
    """The longest end of ``text`` within ``limit`` UTF-8 bytes."""
    return text[-limit:].encode("utf-8", "replace")[-limit:].decode("utf-8", "ignore")


def _whole_lines(text: str, *, keep: str) -> str:
    """Drops the partial line at the cut, unless that would leave nothing."""
    whole = text.rpartition("\n")[0] if keep == "head" else text.partition("\n")[2]
    return whole or text

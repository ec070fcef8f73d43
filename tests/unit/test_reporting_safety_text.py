"""The message builders quote what a host printed as bounded data without terminal control."""

from __future__ import annotations

import unicodedata

import pytest

from hacert.checks import format_failure
from hacert.errors import UnexpectedOutput
from hacert.secrets import REDACTOR
from hacert.text import QUOTE_LIMIT, attachment, quote

CONTROL = [
    pytest.param("\x1b[2J\x1b[31m", id="CSI"),
    pytest.param("\x1b]0;pwned\x07", id="OSC-title"),
    pytest.param("\x1b]8;;http://x\x1b\\", id="OSC-link"),
    pytest.param("\x1bP+q\x1b\\", id="DCS"),
    pytest.param("\x9b2J\x9d", id="C1"),
    pytest.param("\r\b\x00\x7f", id="C0-DEL"),
    pytest.param("\u202e", id="bidi-override"),
]


@pytest.mark.parametrize("control", CONTROL)
def test_control_sequences_never_reach_a_message(control: str) -> None:
    hostname = f"node{control}1"
    for message in (
        quote(hostname),
        format_failure(expected="node1", found=hostname, host=hostname),
        str(UnexpectedOutput(f"bad: {hostname}", host=hostname)),
        attachment(hostname),
    ):
        controls = [c for c in message if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]
        assert not controls, repr(message)
        assert "node" in message


def test_text_tab_and_newline_stay() -> None:
    assert quote("a\tb\nc é ✓") == "a\tb\nc é ✓"


def test_long_output_keeps_first_and_last_lines_and_says_what_was_left_out() -> None:
    text = "".join(f"line {i}\n" for i in range(500_000))
    quoted = quote(text)
    assert len(quoted.encode()) <= QUOTE_LIMIT + 100
    assert quoted.startswith("line 0\nline 1\n") and quoted.endswith("line 499999\n")
    omitted = int(quoted.split("… ")[1].split(" bytes omitted")[0])
    shown = quoted.replace(f"\n… {omitted} bytes omitted …\n", "")
    assert len(shown.encode()) + omitted == len(text.encode())


def test_one_huge_line_of_multibyte_text_is_cut_on_characters() -> None:
    quoted = quote("é" * 1_000_000)
    assert "bytes omitted" in quoted and "\ufffd" not in quoted


def test_failure_message_is_bounded_and_masked() -> None:
    REDACTOR.register("hunter2-text-probe")
    message = format_failure(expected="x", found="hunter2-text-probe " + "y" * 5_000_000)
    assert len(message) < 3 * QUOTE_LIMIT and "hunter2" not in message


def test_attachment_is_capped() -> None:
    kept = attachment("z" * 3_000_000, limit=1024)
    assert kept.startswith("z" * 1024) and "2998976 more bytes not kept" in kept

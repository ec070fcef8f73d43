"""Building shell command lines from values that come from outside."""

from __future__ import annotations

import shlex
from collections.abc import Sequence


def quote(value: object) -> str:
    """Quotes one value (from an inventory, a rubric, a host) for a POSIX shell."""
    return shlex.quote(str(value))


def join(argv: Sequence[object]) -> str:
    """Joins an argument vector into one command line, every argument quoted."""
    return " ".join(quote(arg) for arg in argv)


def glob_args(pattern: object) -> str:
    """A shell line that sets ``"$@"`` to the paths ``pattern`` matches (to the pattern itself
    when nothing matches) by pathname expansion alone: no ``$(...)``, no word splitting."""
    return f"_hacert_glob={quote(pattern)}; IFS=; set -- $_hacert_glob"

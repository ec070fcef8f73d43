"""The one-line error a malformed inventory produces."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hacert.yamlfile import SpecFileError


class InventoryError(SpecFileError):
    """An inventory that cannot be used; the message names file, line, place and problem."""

    def __init__(
        self,
        kind: str | Path,
        path: Path | str | None = None,
        problem: str | None = None,
        *,
        where: Sequence[str | int] = (),
        line: int | None = None,
    ) -> None:
        if problem is None:  # called as InventoryError(path, problem)
            kind, path, problem = "inventory", kind, str(path)
        super().__init__(str(kind), Path(str(path)), problem, where=where, line=line)

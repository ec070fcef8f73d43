"""The one-line error a malformed inventory produces."""

from __future__ import annotations

from pathlib import Path

from hacert.errors import ConfigurationError


class InventoryError(ConfigurationError):
    """An inventory that cannot be used; the message names file, place and problem."""

    def __init__(self, path: Path | str, problem: str, *, where: str = "", line: int | None = None):
        self.path = Path(path)
        self.problem = problem
        self.where = where
        self.line = line
        place = f"{self.path}:{line}" if line else str(self.path)
        text = f"{place}: {where}: {problem}" if where else f"{place}: {problem}"
        super().__init__(f"inventory error: {text}")

"""Change points and the segments they delimit (no numpy: the plugin imports this in every run)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangePoint:
    """A shift in the series: ``index`` is the first point of the new level."""

    index: int
    p_value: float
    q: float
    before: float
    after: float

    @property
    def change(self) -> float:
        """Relative change of the segment means, after vs before (0.1 = +10%)."""
        if self.before == 0:
            return float("inf") if self.after != self.before else 0.0
        return (self.after - self.before) / abs(self.before)


def segment_bounds(length: int, points: Sequence[ChangePoint]) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` ranges of the segments delimited by ``points``."""
    cuts = [0, *sorted(p.index for p in points), length]
    return list(itertools.pairwise(cuts))

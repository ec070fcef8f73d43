"""What the inventory may expect of a cluster's pacemaker setup (the `expect.pacemaker` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class PacemakerExpect(StrictModel):
    """Expected pacemaker state; every field optional so a partial inventory is valid."""

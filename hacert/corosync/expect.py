"""What the inventory may expect of a cluster's corosync setup (the `expect.corosync` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class CorosyncExpect(StrictModel):
    """Expected corosync state; every field optional so a partial inventory is valid."""

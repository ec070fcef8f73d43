"""What the inventory may expect of a cluster's virt setup (the `expect.virt` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class VirtExpect(StrictModel):
    """Expected virt state; every field optional so a partial inventory is valid."""

"""What the inventory may expect of a cluster's ovs setup (the `expect.ovs` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class OvsExpect(StrictModel):
    """Expected ovs state; every field optional so a partial inventory is valid."""

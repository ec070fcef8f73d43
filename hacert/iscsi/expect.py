"""What the inventory may expect of a cluster's iscsi setup (the `expect.iscsi` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class IscsiExpect(StrictModel):
    """Expected iscsi state; every field optional so a partial inventory is valid."""

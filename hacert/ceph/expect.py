"""What the inventory may expect of a cluster's ceph setup (the `expect.ceph` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class CephExpect(StrictModel):
    """Expected ceph state; every field optional so a partial inventory is valid."""

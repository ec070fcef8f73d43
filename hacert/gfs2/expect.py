"""What the inventory may expect of a cluster's gfs2 setup (the `expect.gfs2` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class Gfs2Expect(StrictModel):
    """Expected gfs2 state; every field optional so a partial inventory is valid."""

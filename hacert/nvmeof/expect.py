"""What the inventory may expect of a cluster's nvmeof setup (the `expect.nvmeof` section)."""

from __future__ import annotations

from hacert.modelbase import StrictModel


class NvmeofExpect(StrictModel):
    """Expected nvmeof state; every field optional so a partial inventory is valid."""

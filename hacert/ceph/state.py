"""A snapshot of the Ceph state a destructive scenario must leave as it found it."""

from __future__ import annotations

from typing import Any

from hacert.ceph import commands
from hacert.cluster import Cluster


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """Health, OSD counts and pools (size/min_size): compare before and after a fault."""
    st = commands.status(cluster)
    dump = commands.osd_dump(cluster)
    return {
        "health": st.health.status,
        "checks": sorted(st.health.checks),
        "osds": {"total": st.num_osds, "up": st.num_up_osds, "in": st.num_in_osds},
        "pools": {p.name: {"size": p.size, "min_size": p.min_size} for p in dump.pools.values()},
        "flags": sorted(set(dump.flags) & {"noout", "noup", "nodown", "noin", "pause"}),
    }

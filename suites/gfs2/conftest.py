"""Fixtures of the GFS2/DLM checks."""

from __future__ import annotations

import pytest

from hacert.cluster import Cluster
from hacert.gfs2.expect import Gfs2Expect


@pytest.fixture
def gfs2(cluster: Cluster) -> Gfs2Expect:
    """The cluster's `expect.gfs2` section (the checks are skipped without one)."""
    expect = cluster.expect.gfs2
    if expect is None or not expect.filesystems:
        pytest.skip(f"not applicable: cluster {cluster.name} expects no GFS2 filesystem")
    return expect

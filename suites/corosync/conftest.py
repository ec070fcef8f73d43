"""The corosync suite's shared observation: each node read once per cluster per run."""

from __future__ import annotations

import pytest

from hacert.cluster import Cluster
from hacert.corosync.expect import CorosyncExpect
from hacert.corosync.view import NodeView, read_cluster

_VIEWS: dict[str, list[NodeView]] = {}


@pytest.fixture
def expect(cluster: Cluster) -> CorosyncExpect:
    return cluster.expect.corosync or CorosyncExpect()


@pytest.fixture
def views(cluster: Cluster, expect: CorosyncExpect) -> list[NodeView]:
    """Every corosync node's quorum, membership, links, config and files (read once)."""
    if cluster.name not in _VIEWS:
        _VIEWS[cluster.name] = read_cluster(cluster, expect.conf_path, expect.authkey_path)
    return _VIEWS[cluster.name]

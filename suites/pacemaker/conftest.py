"""The pacemaker suite's shared fixtures: the expectations and one observation per cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hacert.checks import fail
from hacert.cluster import Cluster
from hacert.fixtures.targets import INVENTORY_PATH_KEY
from hacert.pacemaker.expect import PacemakerExpect
from hacert.pacemaker.scenario import Scenario, scenario_run
from hacert.pacemaker.view import PacemakerView, read_cluster
from hacert.reporting import perf_recorder

_VIEWS: dict[str, PacemakerView] = {}


@pytest.fixture
def expect(cluster: Cluster) -> PacemakerExpect:
    return cluster.expect.pacemaker or PacemakerExpect()


@pytest.fixture
def view(cluster: Cluster) -> PacemakerView:
    """crm_mon from the first connected node, CIBs and versions on demand (read once)."""
    if cluster.name not in _VIEWS:
        _VIEWS[cluster.name] = read_cluster(cluster)
    return _VIEWS[cluster.name]


@pytest.fixture
def running(view: PacemakerView) -> PacemakerView:
    """The view, for checks that need a running cluster (they fail, not break, without one)."""
    if not view.status.connected:
        fail(
            expected="pacemaker running and answering crm_mon",
            found=f"crm_mon: {view.status.disconnected_reason or 'not connected'}",
            host=view.reporter.label,
            fix="Start the cluster: `pcs cluster start --all`",
        )
    return view


@pytest.fixture
def scenario(request: pytest.FixtureRequest, destructive_allowed: Cluster) -> Iterator[Scenario]:
    """A destructive scenario on a settled cluster; afterwards the cluster restored and
    verified as before. fixtures.selection holds the cluster's destructive lock meanwhile."""
    cluster = destructive_allowed
    base = request.config.stash[INVENTORY_PATH_KEY].parent
    expect = cluster.expect.pacemaker or PacemakerExpect()
    with scenario_run(cluster, expect, base, perf_recorder(request)) as running:
        yield running

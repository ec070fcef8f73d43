"""Glue between a fio run and the report: Allure attachments, the perf store, the floors."""

from __future__ import annotations

import pytest

from hacert.checks import fail
from hacert.cluster import Cluster, Node
from hacert.fio import judge, plots
from hacert.fio.expect import FioSettings, Floor
from hacert.fio.profiles import Profile, load_profiles
from hacert.fio.runner import FioRun, run_profile
from hacert.fio.targets import FioTarget
from hacert.reporting import perf_recorder


def selected_profile(name: str, settings: FioSettings, section: str) -> Profile:
    if name not in settings.profiles:
        pytest.skip(f"not applicable: profile {name} is not in {section}.fio.profiles")
    return load_profiles()[name]


def attach(run: FioRun, title: str) -> None:
    try:
        import allure
    except ImportError:
        return
    allure.attach(
        " ".join(run.argv), name=f"{title} command", attachment_type=allure.attachment_type.TEXT
    )
    allure.attach(
        run.json_text(), name=f"{title} fio.json", attachment_type=allure.attachment_type.JSON
    )
    try:
        png = plots.plot_run(run.result, title)
    except Exception as error:  # a plot must never break the measurement
        allure.attach(str(error), name="plot failed", attachment_type=allure.attachment_type.TEXT)
        return
    allure.attach(png, name=f"{title} bw/latency", attachment_type=allure.attachment_type.PNG)


def record(
    request: pytest.FixtureRequest,
    cluster: Cluster,
    run: FioRun,
    *,
    profile: Profile,
    target: FioTarget,
    node: Node,
) -> None:
    recorder = perf_recorder(request)
    if recorder is None:
        return
    where = f"{target.label}@{node.name}"
    for fig in judge.figures(profile.name, run.result):
        recorder.record(
            metric=fig.metric,
            value=fig.value,
            unit=fig.unit,
            direction=fig.direction,
            target=where,
            cluster=cluster,
        )
    recorder.verdict(target=where, cluster=cluster)


def measure(
    request: pytest.FixtureRequest,
    cluster: Cluster,
    node: Node,
    *,
    profile: Profile,
    target: FioTarget,
    settings: FioSettings,
    floors: dict[str, Floor],
) -> FioRun:
    """Runs the profile, attaches and stores the figures, fails below the inventory's floor."""
    run = run_profile(node, profile, target, settings)
    title = f"{profile.name} on {target.label} from {node.name}"
    attach(run, title)
    errors = [j for j in run.result.jobs if j.error]
    if errors:
        fail(
            expected="fio jobs finish without I/O errors",
            found=", ".join(f"{j.name}: error {j.error}" for j in errors),
            host=node.label,
        )
    record(request, cluster, run, profile=profile, target=target, node=node)
    problems = judge.below_floor(run.result, floors.get(profile.name))
    if problems:
        fail(
            expected=f"{profile.name} on {target.label} at or above the inventory's floor",
            found="; ".join(problems) + f" ({judge.summary(run.result)})",
            host=node.label,
            fix="Find the bottleneck (network, OSD/backing disk, CPU) before certifying; "
            "lower the floor only if it was wrong",
        )
    return run

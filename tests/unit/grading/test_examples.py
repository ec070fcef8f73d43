"""The shipped example rubric, class inventory and waiver file are valid together."""

from __future__ import annotations

from hacert.certification.waivers import load_waivers
from hacert.grading.catalog import known_check_ids
from hacert.grading.rubric import load_rubric
from hacert.inventory import load_inventory
from tests.unit.grading.project import REPO


def test_example_rubric_fits_the_class_inventory() -> None:
    rubric = load_rubric(REPO / "rubrics" / "example-ha-lab.yaml", known_check_ids())
    inventory = load_inventory(REPO / "inventory" / "class-example.yaml", check_files=False)
    assert {s.cluster for s in rubric.students} == {c.name for c in inventory.clusters}
    merged = [rubric.apply_student_expect(c) for c in inventory.clusters]
    assert merged[1].expect.corosync is not None
    assert merged[1].expect.corosync.cluster_name == "bob-ha"
    assert merged[1].expect.pacemaker is not None
    assert merged[1].expect.pacemaker.resources == ["vip-bob", "web-bob"]
    assert merged[1].expect.pacemaker.min_fence_devices == 1  # the inventory's value is kept


def test_example_waivers_fit_the_lab_inventory() -> None:
    waivers = load_waivers(REPO / "waivers" / "example.yaml", known_check_ids())
    lab = load_inventory(REPO / "inventory" / "lab.yaml", check_files=False)
    waivers.require_known_clusters({c.name for c in lab.clusters})
    assert all(w.justification for w in waivers.waivers)

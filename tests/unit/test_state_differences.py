"""Snapshot differences name every changed leaf."""

from __future__ import annotations

from dataclasses import dataclass

from hacert.state import _plain, differences


def test_differences_name_each_changed_leaf() -> None:
    before = {"pacemaker": {"constraints": ["a"], "nodes": {"n1": ["online"]}}, "ovs": {"x": 1}}
    after = {"pacemaker": {"constraints": ["a", "cli-ban-vip"], "nodes": {"n1": ["standby"]}}}
    assert differences(before, after) == [
        "ovs: {'x': 1} -> (absent)",
        "pacemaker.constraints: ['a'] -> ['a', 'cli-ban-vip']",
        "pacemaker.nodes.n1: ['online'] -> ['standby']",
    ]
    assert differences(before, before) == []


def test_dataclasses_and_sets_become_comparable_json() -> None:
    @dataclass
    class Mount:
        node: str
        options: frozenset[str]

    assert _plain({"m": Mount("vm1", frozenset({"rw", "noatime"}))}) == {
        "m": {"node": "vm1", "options": ["noatime", "rw"]}
    }

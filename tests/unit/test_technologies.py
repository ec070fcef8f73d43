"""The technology table is the only place technologies, roles and check id prefixes are listed."""

from __future__ import annotations

import ast
import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hacert import technologies
from hacert.checks import check
from hacert.hosts import roles
from hacert.inventory import InventoryError, load_inventory
from hacert.inventory.model import ROLES
from hacert.technologies import BY_NAME, ROLE_NAMES, TECHNOLOGIES

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("hacert", "fixtures", "suites", "perf")
TABLE = Path(technologies.__file__).resolve()
PREFIXES = {p for t in TECHNOLOGIES for p in t.prefixes}


def _sources() -> Iterator[Path]:
    for folder in PRODUCT:
        for directory, _, files in os.walk(ROOT / folder):  # the hacert/* symlinks not followed
            yield from (Path(directory) / f for f in files if f.endswith(".py"))


def _strings(nodes: list[ast.expr | None]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _listings(tree: ast.AST) -> Iterator[tuple[int, list[str]]]:
    """Every collection literal and dict's keys: (line, the strings in it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            yield node.lineno, _strings(list(node.elts))
        elif isinstance(node, ast.Dict):
            yield node.lineno, _strings(node.keys)


def test_no_module_but_the_table_lists_roles_or_prefixes() -> None:
    offenders = []
    for path in _sources():
        if path.resolve() == TABLE:
            continue
        for line, strings in _listings(ast.parse(path.read_text(), str(path))):
            listed_roles = [s for s in strings if s in ROLE_NAMES]
            listed_prefixes = [s for s in strings if s in PREFIXES]
            if len(listed_roles) >= 2 or listed_prefixes:
                offenders.append(
                    f"{path.relative_to(ROOT)}:{line}: {listed_roles + listed_prefixes}"
                )
    assert offenders == []


def test_every_state_module_is_a_snapshot_provider() -> None:
    modules = {f"hacert.{p.parent.name}.state" for p in (ROOT / "hacert").glob("*/state.py")}
    providers = {t.snapshot for t in TECHNOLOGIES if t.snapshot}
    assert modules == providers
    for name in providers:
        assert callable(importlib.import_module(name).snapshot)


def test_every_listed_role_is_a_known_role_and_every_role_is_an_inventory_role() -> None:
    assert {r for t in TECHNOLOGIES for r in t.roles} <= set(ROLE_NAMES)
    assert ROLES == ROLE_NAMES
    assert len(set(ROLE_NAMES)) == len(ROLE_NAMES)


def test_a_check_applies_to_its_technologys_roles_by_its_prefix() -> None:
    def probe() -> None: ...

    meta = check("RBD-900", "t", remediation="r")(probe).__hacert_check__  # type: ignore[attr-defined]
    assert (meta.technology, meta.applies_to) == ("ceph", BY_NAME["ceph"].roles)


def test_an_unknown_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown technology"):
        check("NOPE-001", "t", remediation="r")


def test_packages_and_snapshots_come_from_the_table() -> None:
    assert roles.packages_for(["gfs2", "fio-client"]) == ["gfs2-utils", "dlm-controld", "fio"]
    assert {"iscsi", "nvmeof"} <= set(technologies.snapshot_providers())


def _inventory(tmp_path: Path, roles_of_host: str, expect: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "clusters:\n"
        "  - name: c\n"
        f"    hosts: [{{name: a, address: 192.0.2.1, roles: [{roles_of_host}]}}]\n"
        f"    expect: {{{expect}: {{}}}}\n"
    )
    return path


@pytest.mark.parametrize(
    ("host_roles", "section", "valid"),
    [
        ("ceph-client", "ceph", True),  # ceph is asked through a client when there is no mon
        ("ceph-osd", "ceph", False),
        ("iscsi-initiator", "iscsi", True),
        ("hypervisor", "virt", True),
        ("bonding", "ovs", False),  # kernel bonding is not Open vSwitch
    ],
)
def test_an_expect_section_needs_a_host_with_one_of_its_technologys_roles(
    tmp_path: Path, host_roles: str, section: str, valid: bool
) -> None:
    path = _inventory(tmp_path, host_roles, section)
    if valid:
        load_inventory(path)
    else:
        with pytest.raises(InventoryError, match="no host has the role"):
            load_inventory(path)

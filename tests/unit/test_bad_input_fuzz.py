"""Fuzzed inventories, rubrics and waiver files: one clear line each, never a traceback."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError
from hacert.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    document = copy.deepcopy(original)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return document


def _check_one_line(loader: Callable[[Path], object], text: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "input.yaml"
        path.write_text(text)
        try:
            loader(path)
        except ConfigurationError as error:
            message = str(error)
            assert message and "\n" not in message, message
            assert str(path) in message, message


def _documents(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text())


def _load_inventory(path: Path) -> object:
    return load_inventory(path, check_files=False)


@FUZZ
@given(st.text(max_size=200))
def test_random_text_as_inventory(text: str) -> None:
    _check_one_line(_load_inventory, text)


@FUZZ
@given(mutated(_documents("inventory/lab.yaml")))
def test_mutated_lab_inventory(document: Any) -> None:
    _check_one_line(_load_inventory, yaml.safe_dump(document))


@FUZZ
@given(mutated(_documents("rubrics/example-ha-lab.yaml")))
def test_mutated_rubric(document: Any) -> None:
    from hacert.grading.rubric import load_rubric

    _check_one_line(load_rubric, yaml.safe_dump(document))


@FUZZ
@given(mutated(_documents("waivers/example.yaml")))
def test_mutated_waivers(document: Any) -> None:
    _check_one_line(load_waivers, yaml.safe_dump(document))


@FUZZ
@given(st.text(max_size=200))
def test_random_text_as_rubric_and_waivers(text: str) -> None:
    from hacert.grading.rubric import load_rubric

    _check_one_line(load_rubric, text)
    _check_one_line(load_waivers, text)

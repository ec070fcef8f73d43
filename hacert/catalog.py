"""The check catalogue: every check the installed suites define, with its metadata.

Importing the suites is what pytest does too; nothing here talks to a cluster.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import hacert
from hacert.checks import CheckMeta, meta_of

PACKAGE_DIR = Path(hacert.__file__).resolve().parent
SUITES = PACKAGE_DIR / "suites"
SUITES_PACKAGE = "hacert.suites"
RUNNERS = frozenset({"run", "output", "run_json", "run_checked", "sudo"})


@dataclass(frozen=True)
class CatalogEntry:
    meta: CheckMeta
    function: Callable[..., Any]

    @property
    def source(self) -> str:
        file = inspect.getsourcefile(self.function) or "?"
        try:
            rel = Path(file).resolve().relative_to(SUITES.resolve())
            where = f"suites/{rel}"
        except ValueError:
            where = file
        return f"{where}:{inspect.getsourcelines(self.function)[1]}"

    @property
    def verifies(self) -> str:
        doc = inspect.getdoc(self.function) or ""
        return f"{self.meta.title}.\n{doc}".strip()

    def commands(self) -> list[str]:
        return sorted(_commands(self.function))


def _suite_modules() -> Iterator[ModuleType]:
    package = importlib.import_module(SUITES_PACKAGE)
    for info in pkgutil.walk_packages(package.__path__, f"{SUITES_PACKAGE}."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("test_"):
            yield importlib.import_module(info.name)


def load_catalog() -> list[CatalogEntry]:
    """Every check, sorted by id."""
    entries: dict[str, CatalogEntry] = {}
    for module in _suite_modules():
        for _, function in inspect.getmembers(module, inspect.isfunction):
            meta = meta_of(function)
            if meta is not None and function.__module__ == module.__name__:
                entries[meta.id] = CatalogEntry(meta, function)
    return sorted(entries.values(), key=lambda e: _id_key(e.meta.id))


def _id_key(check_id: str) -> tuple[str, int]:
    prefix, _, number = check_id.partition("-")
    return prefix, int(number)


def find(check_id: str) -> CatalogEntry | None:
    wanted = check_id.strip().upper()
    return next((e for e in load_catalog() if e.meta.id == wanted), None)


def _fixtures_of(function: FunctionType) -> list[object]:
    """Fixture functions the check requests, looked up in its module and its suite's conftest."""
    names = inspect.signature(function).parameters
    module = inspect.getmodule(function)
    places: list[ModuleType] = [m for m in [module] if m is not None]
    if module is not None:
        package = module.__name__.rsplit(".", 1)[0]
        with contextlib.suppress(ImportError):
            places.append(importlib.import_module(f"{package}.conftest"))
    found = []
    for place in places:
        for name in names:
            value = getattr(place, name, None)
            if value is not None:
                found.append(getattr(value, "__wrapped__", value))
    return found


def _referenced(obj: object) -> list[object]:
    """hacert functions, classes and modules that ``obj``'s source names."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return []
    scope = getattr(obj, "__globals__", None) or vars(inspect.getmodule(obj) or hacert)
    out: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = scope.get(node.value.id)
            value = getattr(base, node.attr, None) if isinstance(base, ModuleType) else None
        elif isinstance(node, ast.Name):
            value = scope.get(node.id)
        else:
            continue
        if value is not None and getattr(value, "__module__", "").startswith("hacert."):
            out.append(value)
    return out


def _command_text(node: ast.expr, scope: dict[str, Any]) -> str | None:
    if isinstance(node, ast.Name):
        value = scope.get(node.id)
        if isinstance(value, str):
            return value
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return " ".join(value)
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{…}"
            for v in node.values
        )
    if isinstance(node, ast.List | ast.Tuple) and node.elts:
        return " ".join(_command_text(e, scope) or "{…}" for e in node.elts)
    return None


def _literals(obj: object) -> set[str]:
    """The commands ``obj`` hands to a host (``node.run(...)``, ``output``, ``run_json``)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return set()
    scope = getattr(obj, "__globals__", None) or vars(inspect.getmodule(obj) or hacert)
    found = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNNERS
            and node.args
        ):
            continue
        text = _command_text(node.args[0], scope)
        if text and text.strip():
            found.add(" ".join(text.split()))
    return found


def _commands(function: Callable[..., Any], depth: int = 5) -> set[str]:
    seen: set[int] = set()
    todo: list[tuple[object, int]] = [(function, 0)]
    todo += [(f, 1) for f in _fixtures_of(function)]  # type: ignore[arg-type]
    commands: set[str] = set()
    while todo:
        obj, level = todo.pop()
        if id(obj) in seen or level > depth:
            continue
        seen.add(id(obj))
        commands |= _literals(obj)
        todo += [(o, level + 1) for o in _referenced(obj)]
    return commands

"""The check ids the suite defines, read from its source without importing test modules,
so rubric and waiver files can be checked before any test runs (and offline)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from hacert.checks import CHECK_ID

DEFAULT_SUITES = Path(__file__).resolve().parents[1] / "suites"


def _decorator_ids(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or not decorator.args:
                continue
            name = decorator.func
            called = name.attr if isinstance(name, ast.Attribute) else getattr(name, "id", "")
            first = decorator.args[0]
            value = first.value if isinstance(first, ast.Constant) else None
            if called == "check" and isinstance(value, str) and CHECK_ID.match(value):
                yield value


def known_check_ids(roots: Iterable[Path] = (DEFAULT_SUITES,)) -> set[str]:
    ids: set[str] = set()
    for root in roots:
        for file in sorted(Path(root).rglob("*.py")):
            try:
                tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
            except (OSError, SyntaxError, UnicodeDecodeError):
                continue
            ids.update(_decorator_ids(tree))
    return ids


def ids_for_run(rootpath: Path) -> set[str]:
    """Ids a run can select: hacert's checks and a ``suites/`` folder of the run's own root."""
    extra = rootpath / "suites"
    return known_check_ids([DEFAULT_SUITES, *([extra] if extra.is_dir() else [])])

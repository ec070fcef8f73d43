"""Reads a user's YAML file (inventory, rubric, waivers) into a pydantic model, or fails in one line.

Every problem -- missing file, bad YAML, duplicate key, unknown key, wrong type, bad date --
becomes a ``SpecFileError`` whose message names the file, the line, the place in the
document and the problem. Callers turn it into pytest's usage error (exit 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hacert.errors import ConfigurationError
from hacert.yaml_locations import compose, format_location, line_of

M = TypeVar("M", bound=BaseModel)


class SpecFileError(ConfigurationError):
    """An inventory, rubric or waiver file that cannot be used; the message is one line."""

    def __init__(
        self,
        kind: str,
        path: Path | str,
        problem: str,
        *,
        where: Sequence[str | int] = (),
        line: int | None = None,
    ) -> None:
        self.kind = kind
        self.path = Path(path)
        self.problem = " ".join(problem.split())
        self.where = format_location(where) if where else ""
        self.line = line
        place = f"{self.path}:{line}" if line else str(self.path)
        text = f"{place}: {self.where}: {self.problem}" if self.where else f"{place}: {problem}"
        super().__init__(f"{kind} error: {' '.join(text.split())}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text (pydantic parses them, with a location) and
    rejects duplicate keys instead of silently keeping the last one."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_text(kind: str, path: Path | str, error: type[SpecFileError] = SpecFileError) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(kind, path, "file not found") from None
    except IsADirectoryError:
        raise error(kind, path, "is a directory, not a YAML file") from None
    except UnicodeDecodeError as exc:
        raise error(kind, path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise error(kind, path, f"cannot read: {exc.strerror or exc}") from None


def parse_yaml(
    kind: str, path: Path | str, text: str, error: type[SpecFileError] = SpecFileError
) -> tuple[Any, yaml.Node | None]:
    """Parses ``text`` (duplicate keys are errors); returns the document and its node tree."""
    try:
        data = yaml.load(text, Loader=_Loader)
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(kind, path, f"bad YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise error(kind, path, f"bad YAML: {exc}") from None
    if data is None:
        raise error(kind, path, "file is empty")
    if not isinstance(data, dict):
        raise error(kind, path, f"expected a mapping at the top, found {_kind_of(data)}", line=1)
    return data, root


def read_yaml(
    kind: str, path: Path | str, error: type[SpecFileError] = SpecFileError
) -> tuple[Any, yaml.Node | None]:
    """Returns the parsed document and its node tree (for line numbers)."""
    return parse_yaml(kind, path, read_text(kind, path, error), error)


def load_model(kind: str, path: Path | str, model: type[M]) -> tuple[M, yaml.Node | None]:
    """Loads ``path`` as ``model`` (and its node tree, to place later errors on a line);
    the first validation problem becomes a SpecFileError."""
    data, root = read_yaml(kind, path)
    try:
        return model.model_validate(data), root
    except ValidationError as exc:
        raise error_from_validation(kind, path, exc, root) from None


def first_problem(exc: ValidationError) -> tuple[list[str | int], str]:
    """The location and wording of the validation error worth showing."""
    # Of a union's several branch errors the deepest names the real problem; and an unknown
    # key (a typo) explains the missing key it was meant to be.
    first = max(
        exc.errors(include_url=False),
        key=lambda e: (len(e["loc"]), e["type"] == "extra_forbidden"),
    )
    location = _clean_location(first["loc"])
    return location, _describe(first, location)


def error_from_validation(
    kind: str,
    path: Path | str,
    exc: ValidationError,
    root: yaml.Node | None,
    error: type[SpecFileError] = SpecFileError,
) -> SpecFileError:
    location, problem = first_problem(exc)
    return error(kind, path, problem, where=location, line=line_of(root, location))


def _clean_location(loc: Sequence[Any]) -> list[str | int]:
    # pydantic inserts union-branch names ("list[Step]", "literal[...]") into locations.
    return [p for p in loc if isinstance(p, int) or ("[" not in p and "(" not in p)]


def _describe(error: Any, location: Sequence[str | int]) -> str:
    kind = error["type"]
    last = location[-1] if location else ""
    if kind == "extra_forbidden":
        return f"unknown key '{last}'"
    if kind == "missing":
        return f"missing required key '{last}'"
    message = str(error["msg"]).removeprefix("Value error, ")
    if any(_is_secret_name(part) for part in location):
        return message
    if "input" in error and kind not in ("model_type", "dict_type", "list_type"):
        shown = repr(error["input"])
        if len(shown) <= 60:
            message += f" (found {shown})"
    elif kind in ("model_type", "dict_type", "list_type"):
        message += f" (found {_kind_of(error.get('input'))})"
    return message


def _is_secret_name(part: str | int) -> bool:
    return isinstance(part, str) and any(w in part.lower() for w in ("password", "secret", "token"))


def _kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}
    return names.get(type(value), f"a {type(value).__name__}")

"""Reads a user's YAML file (inventory, rubric, waivers) into a pydantic model, or fails in one line.

Every problem -- missing file, bad YAML, duplicate key, unknown key, wrong type, bad date --
becomes a ``SpecFileError`` whose message names the file, the line, the place in the
document and the problem. Callers turn it into pytest's usage error (exit 4).

Hostile files are bounded: at most ``MAX_BYTES`` are read, and a document may not nest
deeper than ``MAX_DEPTH`` nor hold more than ``MAX_NODES`` values, counted with every alias
expanded (so an alias bomb is refused before anything walks it). Merge keys (``<<: *base``)
work as in YAML 1.1. No value under a secret-looking key is ever shown in a message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ValidationError

from hacert.errors import ConfigurationError
from hacert.yaml_locations import format_location, line_of

M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000
MERGE_TAG = "tag:yaml.org,2002:merge"


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
        self.problem = _bounded(problem, 300)
        self.where = _bounded(format_location(where), 120) if where else ""
        self.line = line
        place = f"{self.path}:{line}" if line else str(self.path)
        text = (
            f"{place}: {self.where}: {self.problem}" if self.where else f"{place}: {self.problem}"
        )
        super().__init__(f"{kind} error: {' '.join(text.split())}")


def _bounded(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters (a file's keys and values can be huge)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class _TooComplex(yaml.MarkedYAMLError):
    """The document is nested too deep, too large, or an alias contains itself."""


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# libyaml scans and parses many times faster than PyYAML's Python parser; nodes are still
# composed in Python, below, to be measured.
_Parser: type = getattr(getattr(yaml, "cyaml", None), "CParser", _PyParser)


class _Loader(
    yaml.composer.Composer,
    _Parser,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """A safe loader that leaves dates as text (pydantic parses them, with a location),
    rejects duplicate keys instead of silently keeping the last one, and measures each
    node as it is composed (values and depth with aliases expanded) to refuse hostile files
    before they are constructed."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)  # type: ignore[misc]
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._nesting = 0
        self._composed = 0
        self._measures: dict[int, tuple[int, int]] = {}  # id(node): (values, depth)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        is_alias = self.check_event(yaml.AliasEvent)
        mark = self.peek_event().start_mark
        if is_alias:
            node = super().compose_node(parent, index)
            if id(node) not in self._measures:  # its anchor is still being composed
                raise _TooComplex(None, None, "an alias refers to a value that contains it", mark)
            return node
        self._nesting += 1
        self._composed += 1
        if self._nesting > MAX_DEPTH or self._composed > MAX_NODES:
            raise _TooComplex(None, None, _too_complex(self._composed, self._nesting), mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._nesting -= 1
        self._measure(node, mark)
        return node

    def _measure(self, node: yaml.Node | None, mark: yaml.Mark) -> None:
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        measures = [self._measures[id(child)] for child in children]
        values = 1 + sum(m[0] for m in measures)
        depth = 1 + max((m[1] for m in measures), default=0)
        if values > MAX_NODES or depth > MAX_DEPTH:
            problem = _too_complex(values, depth) + " (with its aliases expanded)"
            raise _TooComplex(None, None, problem, mark)
        self._measures[id(node)] = (values, depth)


def _too_complex(values: int, depth: int) -> str:
    if depth > MAX_DEPTH:
        return f"too deep: values nested more than {MAX_DEPTH} levels"
    return f"too large: more than {MAX_NODES} values"


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    # Keys merged in by `<<` may be overridden; only the mapping's own keys must be unique.
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == MERGE_TAG:
            continue
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool | None):
            continue  # construct_mapping refuses an unhashable key with its own error
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
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise error(kind, path, f"larger than {MAX_BYTES // 1024 // 1024} MiB")
        return data.decode("utf-8")
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
        root, data = _compose_and_construct(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if not isinstance(exc, _TooComplex):
            problem = f"bad YAML: {problem}"
        raise error(kind, path, problem, line=line) from None
    except yaml.YAMLError as exc:
        raise error(kind, path, f"bad YAML: {exc}") from None
    if data is None:
        raise error(kind, path, "file is empty")
    if not isinstance(data, dict):
        raise error(kind, path, f"expected a mapping at the top, found {_kind_of(data)}", line=1)
    return data, root


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


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
    found = error.get("input")
    if isinstance(found, dict | list):
        # Only the kind: a whole mapping may hold a password, and an alias-expanded one
        # may be huge.
        return f"{message} (found {_kind_of(found)})" if kind.endswith("_type") else message
    if any(is_secret_name(part) for part in location) or "input" not in error:
        return message
    if isinstance(found, str) and len(found) > 50:
        return message
    return f"{message} (found {found!r})"


_SECRET_PARTS = ("passw", "passphrase", "secret", "token", "vault", "credential", "private")
_SECRET_WORDS = {"pass", "pwd", "key", "auth", "apikey"}


def is_secret_name(name: str | int) -> bool:
    """Whether a key's value may be a secret (password, passphrase, token, key material...)."""
    if not isinstance(name, str):
        return False
    lowered = name.lower()
    return any(part in lowered for part in _SECRET_PARTS) or bool(
        _SECRET_WORDS & set(re.split(r"[^a-z0-9]+", lowered))
    )


def listed_twice(values: Iterable[Hashable]) -> list[str]:
    """The values a list of a user's file holds more than once, sorted (in linear time)."""
    return sorted(str(value) for value, count in Counter(values).items() if count > 1)


def _refuse_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


# Annotate numbers read from a user's file with this: YAML's `true` is not 1.
NotBool = BeforeValidator(_refuse_bool)


def _kind_of(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}
    return names.get(type(value), f"a {type(value).__name__}")

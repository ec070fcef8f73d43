"""Runs hacert's lock tool (hacert/gfs2/locktool.py) on cluster nodes.

The tool is copied into a private temp dir on each node; the files it locks live in a
private directory on the shared filesystem. Both are removed by ``close()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from hacert import shell
from hacert.cluster import Node
from hacert.errors import ToolMissing, UnexpectedOutput

TOOL_SOURCE = Path(__file__).with_name("locktool.py")
T = TypeVar("T")


def parse_tool_output(text: str, *, host: str | None = None) -> dict[str, Any]:
    """The JSON object the tool prints (its last non-empty line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UnexpectedOutput("the lock tool printed nothing", host=host)
    try:
        value = json.loads(lines[-1])
    except json.JSONDecodeError as error:
        raise UnexpectedOutput(f"the lock tool printed no JSON: {error.msg}", host=host) from None
    if not isinstance(value, dict):
        raise UnexpectedOutput("the lock tool printed JSON that is not an object", host=host)
    return value


def parallel(nodes: Sequence[Node], work: Callable[[Node], T]) -> list[T]:
    """Runs ``work`` on every node at once; results in the order of ``nodes``."""
    with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
        return list(pool.map(work, nodes))


class LockTool:
    """The lock tool deployed on ``nodes``, working in a private dir under ``mountpoint``."""

    def __init__(self, nodes: Sequence[Node], mountpoint: str) -> None:
        self.nodes = list(nodes)
        self.mountpoint = mountpoint
        self.tool: dict[str, str] = {}
        self.workdir = ""

    def __enter__(self) -> LockTool:
        try:
            self.deploy()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _put(self, node: Node) -> str:
        if not node.has_command("python3"):
            raise ToolMissing("python3 (needed by hacert's lock tool)", host=node.label)
        tmp = node.output("mktemp -d /tmp/hacert-locktool.XXXXXX", timeout=20).strip()
        node.run(
            f"cat > {shell.quote(tmp + '/locktool.py')} && sync -f {shell.quote(tmp)}",
            stdin=TOOL_SOURCE.read_text(),
            check=True,
        )
        return f"{tmp}/locktool.py"

    def redeploy(self, node: Node) -> None:
        """Copies the tool again (a node that was power-cycled lost what was not on disk)."""
        self.tool[node.name] = self._put(node)

    def deploy(self) -> None:
        for node, path in zip(self.nodes, parallel(self.nodes, self._put), strict=True):
            self.tool[node.name] = path
        first = self.nodes[0]
        self.workdir = first.output(
            f"mktemp -d {shell.quote(self.mountpoint.rstrip('/') + '/.hacert-gfs2.XXXXXX')}",
            timeout=60,
        ).strip()

    def path(self, name: str) -> str:
        return f"{self.workdir}/{name}"

    def run(self, node: Node, *args: object, timeout: float = 120) -> dict[str, Any]:
        result = node.run(["python3", self.tool[node.name], *args], timeout=timeout)
        return parse_tool_output(result.stdout or result.stderr, host=node.label)

    def start(self, node: Node, *args: object, timeout: float = 120) -> Any:
        """Runs the tool in a background thread; ``.result()`` gives its JSON."""
        pool = ThreadPoolExecutor(max_workers=1)
        future = pool.submit(self.run, node, *args, timeout=timeout)
        pool.shutdown(wait=False)
        return future

    def exists_on(self, node: Node, name: str) -> bool:
        return node.exists(self.path(name))

    def close(self) -> None:
        """Removes every file the tool made (best effort per node, errors re-raised once)."""
        errors: list[BaseException] = []
        if self.workdir:
            for node in self.nodes:
                try:
                    node.run(["rm", "-rf", "--", self.workdir], timeout=60, check=True)
                    break
                except Exception as error:
                    errors.append(error)
            self.workdir = ""
        for node in self.nodes:
            path = self.tool.pop(node.name, None)
            if path:
                try:
                    node.run(["rm", "-rf", "--", path.rsplit("/", 1)[0]], timeout=30)
                except Exception as error:
                    errors.append(error)
        if errors and len(errors) == len(self.nodes):
            raise errors[0]

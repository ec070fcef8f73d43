"""A testinfra backend that runs through hacert's own transport (timeouts, pooling, sudo -n)."""

from __future__ import annotations

from typing import Any

import testinfra.backend.base
import testinfra.host

from hacert.cluster import Node


class HacertBackend(testinfra.backend.base.BaseBackend):
    """Lets testinfra's modules (service, file, package, ...) use a hacert Node."""

    NAME = "hacert"

    def __init__(self, node: Node, **kwargs: Any) -> None:
        self._node = node
        super().__init__(node.name, **kwargs)

    def run(self, command: str, *args: str, **kwargs: Any) -> testinfra.backend.base.CommandResult:
        line = self.get_command(command, *args)
        result = self._node.run(line, missing_ok=True)
        return self.result(result.exit_status, self.encode(line), result.stdout, result.stderr)


def testinfra_host(node: Node) -> testinfra.host.Host:
    return testinfra.host.Host(HacertBackend(node))

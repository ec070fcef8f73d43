"""Live handles on a cluster and its hosts, on top of the inventory and the transport."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hacert import shell
from hacert.errors import UnexpectedOutput
from hacert.inventory.model import ClusterSpec, Expectations, HostSpec, Inventory, Platform
from hacert.inventory.settings import ConnectionSettings, resolve
from hacert.transport import POOL, CommandResult, Connection, ConnectionPool


class Node:
    """One host of a cluster, able to run commands."""

    def __init__(self, spec: HostSpec, settings: ConnectionSettings, pool: ConnectionPool) -> None:
        self.spec = spec
        self.settings = settings
        self._pool = pool

    def __repr__(self) -> str:
        return f"Node({self.settings.label})"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.settings.label

    @property
    def address(self) -> str:
        return self.settings.address

    @property
    def roles(self) -> list[str]:
        return list(self.spec.roles)

    def forget_unreachable(self) -> None:
        """Lets the next command try to connect at once (after a fence or reboot)."""
        self._pool.forget(self.settings.cluster, self.settings.host)

    def connection(self) -> Connection:
        return self._pool.connect(self.settings)

    def run(
        self,
        command: str | Sequence[object],
        *,
        timeout: float | None = None,
        sudo: bool | None = None,
        stdin: str | None = None,
        check: bool = False,
        missing_ok: bool = False,
    ) -> CommandResult:
        return self.connection().run(
            command, timeout=timeout, sudo=sudo, stdin=stdin, check=check, missing_ok=missing_ok
        )

    def output(self, command: str | Sequence[object], *, timeout: float | None = None) -> str:
        """Stdout of a command that must succeed."""
        return self.run(command, timeout=timeout, check=True).stdout

    def run_json(self, command: str | Sequence[object], *, timeout: float | None = None) -> Any:
        """Parses the JSON a command that must succeed prints."""
        text = self.output(command, timeout=timeout)
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            shown = command if isinstance(command, str) else shell.join(command)
            raise UnexpectedOutput(
                f"`{shown}` did not print JSON ({error.msg} at char {error.pos})", host=self.label
            ) from None

    def read_file(self, path: str, *, missing_ok: bool = False) -> str | None:
        result = self.run(["cat", "--", path])
        if result.ok:
            return result.stdout
        if missing_ok and "No such file" in result.stderr:
            return None
        result.check()
        return None

    def exists(self, path: str) -> bool:
        return self.run(["test", "-e", path]).ok

    def has_command(self, name: str) -> bool:
        return self.run(f"command -v {shell.quote(name)} >/dev/null").ok


class Cluster:
    """A cluster of the inventory with its nodes."""

    def __init__(
        self,
        spec: ClusterSpec,
        inventory: Inventory,
        *,
        base: Path | None = None,
        pool: ConnectionPool = POOL,
    ) -> None:
        self.spec = spec
        self.inventory = inventory
        self.nodes = [Node(h, resolve(inventory, spec, h, base), pool) for h in spec.hosts]

    def __repr__(self) -> str:
        return f"Cluster({self.name})"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def expect(self) -> Expectations:
        return self.spec.expect

    @property
    def platform(self) -> Platform:
        return self.spec.platform

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"cluster {self.name} has no host {name!r}")

    def nodes_with(self, *roles: str) -> list[Node]:
        return [n for n in self.nodes if any(r in n.spec.roles for r in roles)]

    def has_role(self, *roles: str) -> bool:
        return bool(self.nodes_with(*roles))

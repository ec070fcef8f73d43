"""Resolves each host's effective connection settings: defaults < cluster < host."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import paramiko

from hacert.inventory.model import ClusterSpec, ConnectionDefaults, HostSpec, Inventory


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything the transport needs to reach one host. ``password`` never gets logged."""

    host: str
    cluster: str
    address: str
    port: int
    user: str
    key_file: Path | None
    password: str | None
    sudo: bool
    host_keys: str
    known_hosts: Path | None
    connect_timeout: float
    command_timeout: float

    def __repr__(self) -> str:
        return (
            f"ConnectionSettings(host={self.host!r}, address={self.address!r}, port={self.port},"
            f" user={self.user!r}, sudo={self.sudo}, host_keys={self.host_keys!r})"
        )

    @property
    def label(self) -> str:
        return f"{self.cluster}/{self.host}"


def resolve(
    inventory: Inventory, cluster: ClusterSpec, host: HostSpec, base: Path | None = None
) -> ConnectionSettings:
    values = inventory.defaults.model_dump()
    if cluster.connection is not None:
        values.update(_explicit(cluster.connection))
    alias = _ssh_alias(host.ssh_alias) if host.ssh_alias else {}
    values.update(alias)
    values.update({k: v for k, v in host.model_dump().items() if v is not None and k in values})
    password = values.get("password")
    secret = password.get_secret_value() if password is not None else None
    key_file = _absolute(values.get("key_file"), base)
    known_hosts = _absolute(values.get("known_hosts"), base)
    return ConnectionSettings(
        host=host.name,
        cluster=cluster.name,
        address=host.address or str(alias.get("address", host.ssh_alias)),
        port=int(values["port"]),
        user=str(values["user"]),
        key_file=key_file,
        password=secret,
        sudo=bool(values["sudo"]),
        host_keys=str(values["host_keys"]),
        known_hosts=known_hosts,
        connect_timeout=float(values["connect_timeout"]),
        command_timeout=float(values["command_timeout"]),
    )


def resolve_all(
    inventory: Inventory, cluster: ClusterSpec, base: Path | None = None
) -> list[ConnectionSettings]:
    return [resolve(inventory, cluster, host, base) for host in cluster.hosts]


def _explicit(defaults: ConnectionDefaults) -> dict[str, object]:
    dumped = defaults.model_dump()
    return {k: dumped[k] for k in defaults.model_fields_set}


def _absolute(value: object, base: Path | None) -> Path | None:
    if value is None:
        return None
    path = Path(str(value)).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    return path


def _ssh_alias(alias: str) -> dict[str, object]:
    """Reads HostName, Port, User and IdentityFile for ``alias`` from ~/.ssh/config."""
    config_path = Path("~/.ssh/config").expanduser()
    if not config_path.exists():
        return {}
    config = paramiko.SSHConfig.from_path(str(config_path))
    entry = config.lookup(alias)
    found: dict[str, object] = {"address": entry.get("hostname", alias)}
    if "port" in entry:
        found["port"] = int(entry["port"])
    if "user" in entry:
        found["user"] = entry["user"]
    if entry.get("identityfile"):
        found["key_file"] = Path(entry["identityfile"][0])
    return found

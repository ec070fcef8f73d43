"""The inventory: clusters, their hosts and what each cluster is expected to have."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from hacert.ceph.expect import CephExpect
from hacert.corosync.expect import CorosyncExpect
from hacert.gfs2.expect import Gfs2Expect
from hacert.hosts.expect import HostsExpect
from hacert.iscsi.expect import IscsiExpect
from hacert.modelbase import StrictModel
from hacert.nvmeof.expect import NvmeofExpect
from hacert.ovs.expect import OvsExpect
from hacert.pacemaker.expect import PacemakerExpect
from hacert.technologies import ROLE_NAMES, package_roles
from hacert.virt.expect import VirtExpect
from hacert.yamlfile import NotBool, listed_twice

if TYPE_CHECKING:
    Role = str
else:
    Role = Literal[ROLE_NAMES]
ROLES: tuple[str, ...] = ROLE_NAMES

Environment = Literal["lab", "staging", "production"]
HostKeyPolicy = Literal["verify", "accept-new", "ignore"]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
_DNS_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")

Port = Annotated[int, NotBool, Field(ge=1, le=65535)]
Seconds = Annotated[float, NotBool, Field(gt=0)]


def host_address(value: str) -> str:
    """A host name, an IPv4 or an IPv6 address; ``[v6]`` (URL style) becomes ``v6``."""
    bracketed = value.startswith("[") and value.endswith("]")
    literal = value[1:-1] if bracketed else value
    try:
        ipaddress.ip_address(literal)
    except ValueError:
        pass
    else:
        return literal
    labels = value.removesuffix(".").split(".")
    if (
        bracketed
        or len(value) > 253
        or not all(_DNS_LABEL.fullmatch(label) for label in labels)
        or all(label.isdigit() for label in labels)
    ):
        raise ValueError("not a host name, an IPv4 or an IPv6 address (IPv6 may be written [addr])")
    return value


class ConnectionDefaults(StrictModel):
    """Connection settings shared by all hosts unless a host overrides them."""

    user: str = "root"
    port: Port = 22
    key_file: Path | None = None
    password: SecretStr | None = None
    sudo: bool = False
    host_keys: HostKeyPolicy = "verify"
    known_hosts: Path | None = None
    connect_timeout: Annotated[Seconds, Field(le=120)] = 5.0
    command_timeout: Annotated[Seconds, Field(le=7200)] = 60.0


class HostSpec(StrictModel):
    """One host of a cluster: where it is, how to log in, what it does."""

    name: str = Field(pattern=NAME_PATTERN)
    address: str | None = Field(default=None, min_length=1)
    ssh_alias: str | None = Field(default=None, min_length=1)
    port: Port | None = None
    user: str | None = Field(default=None, min_length=1)
    key_file: Path | None = None
    password: SecretStr | None = None
    sudo: bool | None = None
    roles: list[Role] = Field(default_factory=list)

    @model_validator(mode="after")
    def _needs_a_way_to_connect(self) -> HostSpec:
        if self.address is None and self.ssh_alias is None:
            raise ValueError("a host needs an 'address' or an 'ssh_alias'")
        return self

    @field_validator("address")
    @classmethod
    def _address_valid(cls, address: str | None) -> str | None:
        return None if address is None else host_address(address)

    @field_validator("roles")
    @classmethod
    def _roles_unique(cls, roles: list[str]) -> list[str]:
        duplicates = listed_twice(roles)
        if duplicates:
            raise ValueError(f"role listed twice: {', '.join(duplicates)}")
        return roles


class Platform(StrictModel):
    """Facts the cluster's platform forces, which checks take as given rather than fail."""

    kvm: bool = True
    watchdog: bool = True
    ovs_datapath: Literal["system", "netdev"] = "system"
    container_hosts: bool = False
    shared_clock: bool = False
    ntp: bool = True
    notes: list[str] = Field(default_factory=list)


class Expectations(StrictModel):
    """What the cluster is expected to have, one section per technology."""

    hosts: HostsExpect = Field(default_factory=HostsExpect)
    corosync: CorosyncExpect | None = None
    pacemaker: PacemakerExpect | None = None
    virt: VirtExpect | None = None
    ovs: OvsExpect | None = None
    ceph: CephExpect | None = None
    iscsi: IscsiExpect | None = None
    nvmeof: NvmeofExpect | None = None
    gfs2: Gfs2Expect | None = None


class ClusterSpec(StrictModel):
    """One cluster under test."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    environment: Environment = "production"
    allow_destructive: bool = False
    connection: ConnectionDefaults | None = None
    platform: Platform = Field(default_factory=Platform)
    hosts: list[HostSpec] = Field(min_length=1)
    expect: Expectations = Field(default_factory=Expectations)

    @model_validator(mode="after")
    def _hosts_unique_and_roles_present(self) -> ClusterSpec:
        seen: set[str] = set()
        for host in self.hosts:
            if host.name in seen:
                raise ValueError(f"host '{host.name}' is listed twice in cluster '{self.name}'")
            seen.add(host.name)
        for section, roles in package_roles().items():
            if not roles or getattr(self.expect, section) is None:
                continue
            if not any(role in host.roles for host in self.hosts for role in roles):
                raise ValueError(
                    f"expect.{section} is set but no host has the role "
                    f"{' or '.join(repr(r) for r in roles)}"
                )
        return self

    def hosts_with(self, role: str) -> list[HostSpec]:
        return [h for h in self.hosts if role in h.roles]

    def host(self, name: str) -> HostSpec:
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(name)


class Inventory(StrictModel):
    """A whole inventory file: defaults and one or more clusters."""

    version: Literal[1] = 1
    defaults: ConnectionDefaults = Field(default_factory=ConnectionDefaults)
    clusters: list[ClusterSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _clusters_unique(self) -> Inventory:
        seen: set[str] = set()
        for cluster in self.clusters:
            if cluster.name in seen:
                raise ValueError(f"cluster '{cluster.name}' is defined twice")
            seen.add(cluster.name)
        return self

    def cluster(self, name: str) -> ClusterSpec:
        for c in self.clusters:
            if c.name == name:
                return c
        raise KeyError(name)

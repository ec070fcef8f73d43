"""Fixed lab facts (other tiers and the test-suite code against these) and path settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CLUSTER_NAME = "hacert-lab"
BRIDGES: dict[str, str] = {"hcbr0": "10.213.0.1/24", "hcbr1": "10.213.1.1/24"}
POWER_TCP = ("10.213.0.1", 7410)
POWER_TCP_ALLOWED_PREFIX = "10.213.0."
VIP = "10.213.0.100"
REPO = Path(__file__).resolve().parent.parent
LAB_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Host:
    name: str
    addr0: str
    addr1: str | None
    cluster_node: bool
    nodeid: int = 0

    @property
    def machine(self) -> str:
        return f"hacert-{self.name}"

    @property
    def netns(self) -> str:
        return f"hacert-{self.name}"


HOSTS: list[Host] = [
    Host("node1", "10.213.0.11", "10.213.1.11", True, 1),
    Host("node2", "10.213.0.12", "10.213.1.12", True, 2),
    Host("node3", "10.213.0.13", "10.213.1.13", True, 3),
    Host("ceph1", "10.213.0.21", None, False),
]
CLUSTER_NODES = [h for h in HOSTS if h.cluster_node]

# OVS "cables" between node1 and node2: (bond, mode, bridge, subnet, cable names)
OVS_BONDS = [
    ("bond0", "active-backup", "br-bond", "10.213.2", ("cab0", "cab1")),
    ("bond1", "balance-slb", "br-slb", "10.213.3", ("cab2", "cab3")),
]
OVS_HOSTS = ("node1", "node2")


def host(name: str) -> Host:
    for h in HOSTS:
        if h.name == name:
            return h
    raise KeyError(f"unknown lab host {name!r}; known: {', '.join(h.name for h in HOSTS)}")


@dataclass(frozen=True)
class Paths:
    cache: Path
    state: Path

    @property
    def base(self) -> Path:
        return self.cache / "base"

    @property
    def ssh_dir(self) -> Path:
        return self.state / "ssh"

    @property
    def key(self) -> Path:
        return self.ssh_dir / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.ssh_dir / "known_hosts"

    @property
    def ssh_config(self) -> Path:
        return self.ssh_dir / "config"

    @property
    def power_dir(self) -> Path:
        return self.state / "power"

    @property
    def power_socket(self) -> Path:
        return self.power_dir / "sock" / "power.sock"

    @property
    def power_token(self) -> Path:
        return self.power_dir / "token"

    @property
    def cluster_dir(self) -> Path:
        return self.state / "cluster"

    @property
    def run_dir(self) -> Path:
        return self.state / "run"

    @property
    def log_dir(self) -> Path:
        return self.state / "log"

    def host_dir(self, name: str) -> Path:
        return self.state / "hosts" / name

    def upper(self, name: str) -> Path:
        return self.host_dir(name) / "upper"

    def work(self, name: str) -> Path:
        return self.host_dir(name) / "work"

    def root(self, name: str) -> Path:
        return self.host_dir(name) / "root"


def paths() -> Paths:
    return Paths(
        cache=Path(os.environ.get("HACERT_LAB_CACHE", "/var/cache/hacert-lab")),
        state=Path(os.environ.get("HACERT_LAB_STATE", "/var/lib/hacert-lab")),
    )


CGROUP_ROOTS = [Path("/sys/fs/cgroup") / c for c in ("systemd", "unified")]
CGROUP_NAME = "hacert-lab"

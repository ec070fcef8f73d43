"""NVMe-oF: the host's ``nvme list-subsys -o json`` (nvme-cli 1.x and 2.x shapes) and the
target's nvmet configfs (listed by :data:`TARGET_SCRIPT`).

nvme-cli 1.x prints ``{"Subsystems": [{Name, NQN}, {Paths: [...]}, ...]}`` (paths in a
separate object after their subsystem; later 1.x inline them); nvme-cli 2.x prints a list of
hosts ``[{HostNQN, Subsystems: [{Name, NQN, Paths: [{Name, Transport, Address, State,
ANAState}]}]}]``; 2.x also nests paths under ``Namespaces[].Paths`` in some versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hacert.errors import UnexpectedOutput


@dataclass(frozen=True)
class Path:
    name: str
    transport: str
    address: str
    state: str | None  # None: nvme-cli 1.x did not say
    ana_state: str | None

    @property
    def live(self) -> bool:
        return self.state in (None, "live")

    @property
    def traddr(self) -> str:
        for part in self.address.replace(",", " ").split():
            key, _, value = part.partition("=")
            if key == "traddr":
                return value
        return self.address


@dataclass(frozen=True)
class Subsystem:
    name: str
    nqn: str
    paths: tuple[Path, ...]

    def ana_groups_problems(self) -> list[str]:
        """With ANA: at least one live optimized path (the kernel tracks ANA per path)."""
        states = [p.ana_state for p in self.paths if p.live]
        if not any(s == "optimized" for s in states):
            return [f"{self.nqn}: no live optimized path ({', '.join(map(str, states)) or 'none'})"]
        return []


def _path(raw: dict[str, Any]) -> Path:
    return Path(
        name=str(raw.get("Name") or raw.get("Controller") or raw.get("Path") or "?"),
        transport=str(raw.get("Transport", "")),
        address=str(raw.get("Address", "")),
        state=raw.get("State"),
        ana_state=raw.get("ANAState"),
    )


def _paths_of(raw: dict[str, Any]) -> list[Path]:
    paths = [_path(p) for p in raw.get("Paths", [])]
    for ns in raw.get("Namespaces", []) or []:
        paths += [_path(p) for p in ns.get("Paths", []) if isinstance(p, dict)]
    return paths


def parse_list_subsys(data: Any) -> list[Subsystem]:
    if not data:  # nothing connected: `[]` (2.x) or `{}`
        return []
    hosts = data if isinstance(data, list) else [data]
    subsystems: list[Subsystem] = []
    for host in hosts:
        if not isinstance(host, dict) or "Subsystems" not in host:
            raise UnexpectedOutput("nvme list-subsys: no 'Subsystems' in the JSON")
        pending: dict[str, Any] | None = None
        extra: list[Path] = []
        for entry in host["Subsystems"]:
            if "NQN" in entry:
                if pending is not None:
                    subsystems.append(_subsystem(pending, extra))
                pending, extra = entry, []
            elif "Paths" in entry and pending is not None:  # nvme-cli 1.x
                extra += _paths_of(entry)
        if pending is not None:
            subsystems.append(_subsystem(pending, extra))
    return subsystems


def _subsystem(raw: dict[str, Any], extra: list[Path]) -> Subsystem:
    return Subsystem(
        name=str(raw.get("Name", "")), nqn=str(raw["NQN"]), paths=tuple(_paths_of(raw) + extra)
    )


# -- target side: nvmet configfs -----------------------------------------------------------

TARGET_SCRIPT = r"""
cd /sys/kernel/config/nvmet 2>/dev/null || { echo NO_NVMET; exit 0; }
for s in subsystems/*; do
  [ -d "$s" ] || continue; n=${s#subsystems/}
  echo "SUBSYS $n allow_any=$(cat $s/attr_allow_any_host)"
  for ns in $s/namespaces/*; do
    [ -d "$ns" ] && echo "NS $n ${ns##*/} enable=$(cat $ns/enable) path=$(cat $ns/device_path)"
  done
  for h in $s/allowed_hosts/*; do [ -e "$h" ] && echo "HOST $n ${h##*/}"; done
done
for p in ports/*; do
  [ -d "$p" ] || continue
  echo "PORT ${p#ports/} $(cat $p/addr_trtype):$(cat $p/addr_traddr):$(cat $p/addr_trsvcid)"
  for s in $p/subsystems/*; do [ -e "$s" ] && echo "PORTSUB ${p#ports/} ${s##*/}"; done
done
"""


@dataclass
class TargetSubsystem:
    nqn: str
    allow_any_host: bool
    namespaces: dict[int, tuple[bool, str]] = field(default_factory=dict)
    hosts: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list)  # "tcp:addr:svcid"


def parse_target(text: str) -> dict[str, TargetSubsystem] | None:
    """Lines of :data:`TARGET_SCRIPT`; None when the host has no nvmet configfs."""
    if text.strip() == "NO_NVMET":
        return None
    subs: dict[str, TargetSubsystem] = {}
    ports: dict[str, str] = {}
    links: list[tuple[str, str]] = []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        fields = rest.split()
        if kind == "SUBSYS":
            subs[fields[0]] = TargetSubsystem(fields[0], fields[1].endswith("=1"))
        elif kind == "NS":
            enabled = fields[2] == "enable=1"
            subs[fields[0]].namespaces[int(fields[1])] = (enabled, fields[3].removeprefix("path="))
        elif kind == "HOST":
            subs[fields[0]].hosts.append(fields[1])
        elif kind == "PORT":
            ports[fields[0]] = fields[1]
        elif kind == "PORTSUB":
            links.append((fields[0], fields[1]))
    for port, nqn in links:
        if nqn in subs and port in ports:
            subs[nqn].ports.append(ports[port])
    return subs

"""SBD (storage-based death / watchdog fencing): its sysconfig file and where it is used.

The file is ``/etc/default/sbd`` on Debian (tests/data/pacemaker/sbd.default.debian-*: the
file Debian's sbd package ships) and ``/etc/sysconfig/sbd`` on RHEL/SUSE: shell variable
assignments with comments.
"""

from __future__ import annotations

import re
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hacert.cluster import Node
from hacert.pacemaker.cib import CibConfig
from hacert.pacemaker.timing import seconds

CONFIG_PATHS = ("/etc/default/sbd", "/etc/sysconfig/sbd")
DEFAULT_WATCHDOG_TIMEOUT_S = 5.0
ENABLED = frozenset({"enabled", "enabled-runtime"})
# `sbd -d <dev> dump` prints "Timeout (msgwait)  : %lu" (format string of sbd 1.5.2's binary).
_MSGWAIT = re.compile(r"^\s*Timeout \(msgwait\)\s*:\s*(?P<s>[0-9]+)\s*$", re.MULTILINE)
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


def parse_sysconfig(text: str) -> dict[str, str]:
    """KEY=value lines (quotes removed, comments and blank lines ignored); last one wins."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        match = _ASSIGNMENT.match(raw)
        if match is None:
            continue
        try:
            words = shlex.split(match.group("value"), comments=True)
        except ValueError:
            words = [match.group("value").strip()]
        values[match.group("key")] = " ".join(words)
    return values


@dataclass(frozen=True)
class SbdConfig:
    values: dict[str, str]

    @property
    def devices(self) -> list[str]:
        return [d.strip() for d in self.values.get("SBD_DEVICE", "").split(";") if d.strip()]

    @property
    def diskless(self) -> bool:
        return not self.devices

    @property
    def watchdog_dev(self) -> str | None:
        return self.values.get("SBD_WATCHDOG_DEV") or None

    @property
    def watchdog_timeout_s(self) -> float:
        raw = self.values.get("SBD_WATCHDOG_TIMEOUT")
        try:
            return seconds(raw) if raw else DEFAULT_WATCHDOG_TIMEOUT_S
        except ValueError:
            return DEFAULT_WATCHDOG_TIMEOUT_S

    def canonical(self) -> str:
        return "\n".join(f"{k}={v}" for k, v in sorted(self.values.items()))


def parse_msgwait(text: str) -> float | None:
    match = _MSGWAIT.search(text)
    return float(match.group("s")) if match else None


@dataclass(frozen=True)
class SbdNode:
    label: str
    enabled: str
    path: str | None
    config: SbdConfig | None
    msgwait_s: float | None = None

    @property
    def used(self) -> bool:
        return self.enabled in ENABLED


def read_node(node: Node) -> SbdNode:
    enabled = node.run(["systemctl", "is-enabled", "sbd"], timeout=15).stdout.strip() or "absent"
    for path in CONFIG_PATHS:
        text = node.read_file(path, missing_ok=True)
        if text is not None:
            config = SbdConfig(parse_sysconfig(text))
            msgwait = None
            if enabled in ENABLED and config.devices:
                dump = node.run(["sbd", "-d", config.devices[0], "dump"], timeout=30)
                msgwait = parse_msgwait(dump.stdout) if dump.ok else None
            return SbdNode(node.label, enabled, path, config, msgwait)
    return SbdNode(node.label, enabled, None, None)


def read_nodes(nodes: list[Node]) -> list[SbdNode]:
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(nodes)))) as pool:
        return list(pool.map(read_node, nodes))


def used(nodes: list[SbdNode]) -> bool:
    return any(n.used for n in nodes)


def figure_s(nodes: list[SbdNode], cib: CibConfig) -> float | None:
    """How long SBD fencing takes: msgwait (disk), else stonith-watchdog-timeout (diskless),
    else 2 x SBD_WATCHDOG_TIMEOUT; None when SBD is not used."""
    if not used(nodes):
        return None
    figures: list[float] = []
    for node in nodes:
        if node.config is None:
            continue
        if node.msgwait_s is not None:
            figures.append(node.msgwait_s)
            continue
        watchdog = _watchdog_timeout(cib)
        if node.config.diskless and watchdog is not None and watchdog > 0:
            figures.append(watchdog)
        else:
            figures.append(2 * node.config.watchdog_timeout_s)
    return max(figures) if figures else None


def _watchdog_timeout(cib: CibConfig) -> float | None:
    value = cib.property("fencing-watchdog-timeout", "stonith-watchdog-timeout")
    if value is None:
        return None
    text = value.strip()
    negative = text.startswith("-")
    try:
        number = seconds(text.lstrip("-"))
    except ValueError:
        return None
    return -number if negative else number


def problems(nodes: list[SbdNode], cib: CibConfig) -> list[tuple[str | None, str]]:
    """(host, problem) for a cluster using SBD."""
    found: list[tuple[str | None, str]] = []
    for node in nodes:
        if not node.used:
            found.append((node.label, f"sbd service is {node.enabled}, not enabled"))
        if node.config is None:
            found.append((node.label, f"no {' or '.join(CONFIG_PATHS)}"))
        elif not node.config.watchdog_dev:
            found.append((node.label, "SBD_WATCHDOG_DEV not set"))
    configs = {n.label: n.config.canonical() for n in nodes if n.config is not None}
    if len(set(configs.values())) > 1:
        groups: dict[str, list[str]] = {}
        for label, text in configs.items():
            groups.setdefault(text, []).append(label)
        found.append(
            (
                None,
                "the sbd settings differ: "
                + " vs ".join("/".join(sorted(labels)) for labels in groups.values()),
            )
        )
    diskless = [n for n in nodes if n.config is not None and n.config.diskless]
    if diskless:
        wanted = max(2 * n.config.watchdog_timeout_s for n in diskless if n.config)
        value = _watchdog_timeout(cib)
        raw = cib.property("fencing-watchdog-timeout", "stonith-watchdog-timeout")
        if value is None or value == 0:
            found.append((None, f"diskless SBD but stonith-watchdog-timeout is {raw or 'unset'}"))
        elif 0 < value < wanted:
            found.append(
                (None, f"stonith-watchdog-timeout={raw} < 2 x SBD_WATCHDOG_TIMEOUT = {wanted:g}s")
            )
    return found

"""Scratch-target safety: fio writes only where the inventory says it may.

A block device is written to only when the inventory names it as a scratch target (compared
after resolving symlinks) and nothing has it mounted; whatever signatures ``lsblk -f``,
``wipefs -n`` and ``blkid -p`` find are named in the refusal. An RBD image must be a scratch
image of the inventory and have no watchers (no VM or kernel mapping using it). A file must
lie under a scratch directory.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from hacert.cluster import Node


@dataclass(frozen=True)
class DeviceState:
    """What the host's tools say a block device holds."""

    device: str
    exists: bool
    signatures: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    holders: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        parts = []
        if self.signatures:
            parts.append("signatures " + ", ".join(self.signatures))
        if self.children:
            parts.append("partitions/holders " + ", ".join(self.children))
        if self.mounts:
            parts.append("mounted at " + ", ".join(self.mounts))
        return "; ".join(parts) or "no filesystem or partition signature found"


def parse_lsblk(data: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """``lsblk -J -o NAME,PATH,TYPE,FSTYPE,MOUNTPOINT DEV`` → (fstypes, mountpoints, children)."""
    fstypes: list[str] = []
    mounts: list[str] = []
    children: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        if node.get("fstype"):
            fstypes.append(f"{node['fstype']} ({node.get('path') or node.get('name')})")
        if node.get("mountpoint"):
            mounts.append(str(node["mountpoint"]))
        for mp in node.get("mountpoints") or []:
            if mp and mp not in mounts:
                mounts.append(str(mp))
        if depth:
            children.append(str(node.get("path") or node.get("name")))
        for child in node.get("children", []):
            walk(child, depth + 1)

    for dev in data.get("blockdevices", []):
        walk(dev, 0)
    return fstypes, mounts, children


def parse_wipefs(data: dict[str, Any]) -> list[str]:
    """``wipefs --no-act --json DEV`` → signature descriptions."""
    return [
        f"{s.get('type', '?')} at offset {s.get('offset', '?')}" for s in data.get("signatures", [])
    ]


def parse_blkid(text: str) -> list[str]:
    """``blkid -p -o export DEV`` → TYPE/PTTYPE/USAGE values."""
    out = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("TYPE", "PTTYPE") and value:
            out.append(f"{key.lower()} {value}")
    return out


def inspect_device(node: Node, device: str) -> DeviceState:
    if not node.run(["test", "-b", device]).ok:
        return DeviceState(device=device, exists=False)
    lsblk = node.run_json(["lsblk", "-J", "-o", "NAME,PATH,TYPE,FSTYPE,MOUNTPOINT", device])
    fstypes, mounts, children = parse_lsblk(lsblk)
    signatures = list(fstypes)
    wipefs = node.run(["wipefs", "--no-act", "--json", device])
    if wipefs.ok and wipefs.stdout.strip():
        signatures += [f"wipefs: {s}" for s in parse_wipefs(json.loads(wipefs.stdout))]
    blkid = node.run(["blkid", "-p", "-o", "export", device])
    if blkid.ok:
        signatures += [f"blkid: {s}" for s in parse_blkid(blkid.stdout)]
    return DeviceState(
        device=device,
        exists=True,
        signatures=tuple(signatures),
        mounts=tuple(mounts),
        children=tuple(children),
    )


def realpath(node: Node, path: str) -> str:
    result = node.run(["readlink", "-f", "--", path])
    return result.stdout.strip() if result.ok and result.stdout.strip() else path


def refuse_block(state: DeviceState, scratch: list[str], resolved: dict[str, str]) -> str | None:
    """The reason to refuse writing to ``state.device`` (None: allowed).

    ``resolved`` maps every path (the device and the scratch entries) to its real path."""
    real = resolved.get(state.device, state.device)
    named = any(resolved.get(s, s) == real for s in scratch)
    if not state.exists:
        return f"refused: {state.device} is not a block device on this host"
    if not named:
        return (
            f"refused: {state.device} is not named as a scratch target in the inventory; "
            f"it holds: {state.describe()}"
        )
    if state.mounts:
        return f"refused: scratch device {state.device} is in use: {state.describe()}"
    return None


def refuse_rbd(
    spec: str, scratch: list[str], watchers: list[str], metadata: dict[str, str] | None = None
) -> str | None:
    if spec not in scratch:
        mark = (
            " (its image-meta says hacert.scratch=true, the inventory does not)"
            if (metadata or {}).get("hacert.scratch") == "true"
            else ""
        )
        return f"refused: RBD image {spec} is not a scratch image of the inventory{mark}"
    if watchers:
        return f"refused: scratch image {spec} is in use (watchers: {', '.join(watchers)})"
    return None


def refuse_file(path: str, scratch_dirs: list[str]) -> str | None:
    norm = posixpath.normpath(path)
    for d in scratch_dirs:
        base = posixpath.normpath(d)
        if norm.startswith(base.rstrip("/") + "/"):
            return None
    return f"refused: {path} is not under a scratch directory of the inventory"

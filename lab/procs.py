"""Find lab processes by their command line (PIDs wrap fast here: never cache them)."""

from __future__ import annotations

import os
from pathlib import Path


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def find(*needles: str) -> list[int]:
    """PIDs whose argv contains every needle as a whole argument."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            args = cmdline(int(d))
            if args and all(n in args for n in needles):
                out.append(int(d))
    return sorted(out)


def children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            kids += [int(x) for x in Path(f"/proc/{pid}/task/{t}/children").read_text().split()]
    except OSError:
        pass
    return kids


def nspawn_pids(machine: str) -> list[int]:
    return [p for p in find("-M", machine) if any("systemd-nspawn" in a for a in cmdline(p)[:1])]


def launcher_pids(host: str) -> list[int]:
    return find("lab.launcher", host)


def container_init(machine: str) -> int | None:
    for p in nspawn_pids(machine):
        for c in children(p):
            return c
    return None


def start_time(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None

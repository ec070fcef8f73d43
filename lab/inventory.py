"""Check that the suite's default inventory (inventory/lab.yaml) describes this lab.

stdlib only (runs before the project venv exists), so this reads the `- name:` /
`address:` pairs line by line rather than parsing YAML: every lab host must be listed with
its lab address. Other hosts (the VM tier's) only get a warning if their address is not
one the lab hands out.
"""

from __future__ import annotations

import re

from .config import HOSTS, REPO
from .shell import say

INVENTORY = REPO / "inventory" / "lab.yaml"
VM_TIER_ADDRESSES = {"vm1": "10.213.0.31", "vm2": "10.213.0.32"}


def host_addresses(text: str) -> list[tuple[str, str]]:
    """(name, address) of the entries under every `hosts:` key."""
    pairs, name = [], None
    hosts_indent: int | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if re.match(r"\s*hosts:\s*$", line):
            hosts_indent = indent
            continue
        if hosts_indent is None or (indent <= hosts_indent and not line.lstrip().startswith("-")):
            hosts_indent = None
            continue
        m = re.match(r"\s*-?\s*name:\s*([\w.-]+)\s*(#.*)?$", line)
        if m:
            name = m.group(1)
            continue
        m = re.match(r"\s*address:\s*([\w.:-]+)\s*(#.*)?$", line)
        if m and name:
            pairs.append((name, m.group(1)))
            name = None
    return pairs


def problems() -> tuple[list[str], list[str]]:
    """(errors, warnings)"""
    pairs = host_addresses(INVENTORY.read_text())
    listed: dict[str, set[str]] = {}
    for n, a in pairs:
        listed.setdefault(n, set()).add(a)
    errors, warnings = [], []
    for h in HOSTS:
        if h.name not in listed:
            errors.append(f"host {h.name} missing")
        elif listed[h.name] != {h.addr0}:
            errors.append(
                f"{h.name} has address {','.join(sorted(listed[h.name]))}, lab: {h.addr0}"
            )
    lab_names = {h.name for h in HOSTS}
    for n, addrs in listed.items():
        if n not in lab_names and addrs != {VM_TIER_ADDRESSES.get(n, "")}:
            warnings.append(f"{n} ({','.join(sorted(addrs))}) is not a lab host")
    return errors, warnings


def verify() -> None:
    rel = INVENTORY.relative_to(REPO)
    if not INVENTORY.exists():
        say(f"note: {rel} not present yet; skipping the inventory check")
        return
    errors, warnings = problems()
    for w in warnings:
        say(f"warning: {rel}: {w}")
    if errors:
        raise SystemExit(f"lab: {rel} does not match the lab: " + "; ".join(errors))
    say(f"{rel} matches the lab hosts and addresses")

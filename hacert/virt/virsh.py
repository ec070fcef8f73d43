"""Parsers of virsh's text outputs (list tables, `key: value` reports) and virt-host-validate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hacert.errors import UnexpectedOutput

_RULE = re.compile(r"^-{3,}$")
_VALIDATE = re.compile(
    r"^\s*(?P<driver>\w+): Checking (?P<what>.+?)\s*: (?P<result>PASS|WARN|FAIL)"
    r"(?: \((?P<detail>.*)\))?\s*$"
)


def parse_table(
    text: str, *, what: str = "virsh table", host: str | None = None
) -> list[dict[str, str]]:
    """Rows of a virsh table (`list`, `net-list`, `pool-list --details`, `snapshot-list`).

    Columns are cut at the header's column starts, since values (state "shut off") have
    spaces in them.
    """
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not _RULE.match(lines[1].strip()):
        raise UnexpectedOutput(f"{what}: no header/rule in {text[:120]!r}", host=host)
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S+(?: \S+)*", header)]
    names = [header[s:e].strip() for s, e in zip(starts, [*starts[1:], None], strict=True)]
    rows = []
    for line in lines[2:]:
        cells = _cut(line, starts)
        rows.append(dict(zip(names, cells, strict=True)))
    return rows


def _cut(line: str, starts: list[int]) -> list[str]:
    """Cells of a row: each starts at its column (or where a word begins just before it)."""
    cells = []
    bounds = []
    for start in starts:
        s = start
        while 0 < s < len(line) and line[s - 1] != " ":
            s -= 1  # a value right-aligned under a wider header starts earlier
        bounds.append(s)
    for i, s in enumerate(bounds):
        e = bounds[i + 1] if i + 1 < len(bounds) else None
        cells.append(line[s:e].strip() if s < len(line) else "")
    return cells


def parse_kv(text: str) -> dict[str, str]:
    """`Key: value` lines (`dominfo`, `domjobinfo`, `nodeinfo`, `net-info`, `pool-info`)."""
    result = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            result[key.strip()] = value.strip()
    return result


def parse_dommemstat(text: str) -> dict[str, int]:
    """`virsh dommemstat`: `actual 262144` lines (KiB)."""
    result = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            result[parts[0]] = int(parts[1])
    return result


def parse_vcpuinfo(text: str) -> list[dict[str, str]]:
    """`virsh vcpuinfo`: one `key: value` block per vCPU, blank-line separated."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return [parse_kv(b) for b in blocks]


@dataclass(frozen=True)
class ValidateResult:
    driver: str
    what: str
    result: str
    detail: str


def parse_host_validate(text: str) -> list[ValidateResult]:
    found = []
    for line in text.splitlines():
        m = _VALIDATE.match(line)
        if m:
            found.append(
                ValidateResult(
                    m.group("driver"),
                    m.group("what").strip(),
                    m.group("result"),
                    m.group("detail") or "",
                )
            )
    return found


def parse_version(text: str) -> dict[str, str]:
    """`virsh version --daemon` -> {'libvirt': …, 'QEMU': running hypervisor, 'daemon': …}."""
    versions: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        words = value.split()
        if not words:
            continue
        if key == "Running hypervisor" and len(words) == 2:
            versions[words[0]] = words[1]
            versions["hypervisor"] = words[1]
        elif key == "Running against daemon":
            versions["daemon"] = words[-1]
        elif key == "Using library" and len(words) == 2:
            versions[words[0]] = words[1]
    return versions


def dominfo_flag(info: dict[str, str], key: str) -> bool:
    """`Persistent: yes`, `Autostart: enable` as a bool."""
    return info.get(key, "").lower() in ("yes", "enable", "enabled")


def size_to_bytes(value: str) -> float:
    """`84.123 MiB`, `2.000 GiB`, `1.23 KiB`, `512 B` -> bytes."""
    number, _, unit = value.strip().partition(" ")
    scale = {"b": 1, "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}
    return float(number) * scale.get(unit.strip().lower() or "b", 1)

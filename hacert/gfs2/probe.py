"""Commands that read GFS2/DLM state from one node, returning parsed, typed results."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from hacert.cluster import Node
from hacert.corosync.cmap import parse_cmap, subtree
from hacert.errors import UnexpectedOutput
from hacert.gfs2.dlm import DlmStatus, Lockspace, parse_dump_config, parse_ls, parse_status
from hacert.gfs2.journals import parse_jindex

SYSFS_SCRIPT = (
    'for d in /sys/fs/gfs2/*/; do [ -d "$d" ] || continue; '
    'printf \'%s\\t%s\\t%s\\t%s\\n\' "$(basename "$d")" "$(cat "$d/id")" '
    '"$(cat "$d/lock_module/proto_name" 2>/dev/null)" "$(cat "$d/withdraw" 2>/dev/null)"; '
    "done"
)
FINDMNT = ["findmnt", "-J", "-t", "gfs2", "-o", "TARGET,SOURCE,FSTYPE,OPTIONS,MAJ:MIN"]
_WITHDRAW = re.compile(r"gfs2.*withdr[ae]w", re.IGNORECASE)


@dataclass(frozen=True)
class Gfs2Sysfs:
    """/sys/fs/gfs2/<table>/: the kernel's view of one mounted GFS2 filesystem."""

    table: str
    devid: str
    proto: str
    withdrawn: bool

    @property
    def cluster_name(self) -> str:
        return self.table.split(":", 1)[0] if ":" in self.table else ""

    @property
    def fs_name(self) -> str:
        return self.table.split(":", 1)[1] if ":" in self.table else self.table


@dataclass(frozen=True)
class Gfs2Mount:
    """A mounted GFS2 filesystem: /proc/mounts (findmnt) joined with sysfs by device id."""

    mountpoint: str
    source: str
    options: tuple[str, ...]
    devid: str
    sysfs: Gfs2Sysfs | None

    def option(self, name: str) -> str | None:
        """Value of `name=value`, '' for a flag present, None when absent."""
        for opt in self.options:
            key, sep, value = opt.partition("=")
            if key == name:
                return value if sep else ""
        return None


MountRow = tuple[str, str, tuple[str, ...], str]


def parse_findmnt(text: str, *, host: str | None = None) -> list[MountRow]:
    """findmnt -J output -> (target, source, options, maj:min) for each gfs2 mount."""
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnexpectedOutput(f"findmnt -J printed no JSON: {error.msg}", host=host) from None
    out = []
    for fs in data.get("filesystems", []):
        out.append(
            (
                str(fs["target"]),
                str(fs.get("source", "")),
                tuple(str(fs.get("options", "")).split(",")),
                str(fs.get("maj:min", "")),
            )
        )
    return out


def parse_sysfs(text: str) -> dict[str, Gfs2Sysfs]:
    """Lines `table<TAB>maj:min<TAB>proto<TAB>withdraw` -> by maj:min."""
    out: dict[str, Gfs2Sysfs] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        table, devid, proto, withdraw = (p.strip() for p in parts)
        out[devid] = Gfs2Sysfs(table, devid, proto, withdraw == "1")
    return out


def mounts(node: Node) -> list[Gfs2Mount]:
    found = node.run(FINDMNT, timeout=20)
    if found.exit_status not in (0, 1):  # 1: nothing mounted
        found.check()
    sysfs = parse_sysfs(node.output(SYSFS_SCRIPT, timeout=20))
    return [
        Gfs2Mount(target, source, options, devid, sysfs.get(devid))
        for target, source, options, devid in parse_findmnt(found.stdout, host=node.label)
    ]


def mount_at(node: Node, mountpoint: str) -> Gfs2Mount | None:
    for mount in mounts(node):
        if mount.mountpoint == mountpoint:
            return mount
    return None


def journals(node: Node, device: str) -> int:
    """Number of journals of the filesystem on `device` (gfs2_edit -p jindex, read-only)."""
    return len(parse_jindex(node.output(["gfs2_edit", "-p", "jindex", device], timeout=60)))


def cluster_name(node: Node) -> str:
    values = parse_cmap(node.output(["corosync-cmapctl", "totem.cluster_name"], timeout=20))
    return str(values.get("totem.cluster_name", ""))


def node_names(node: Node) -> dict[int, str]:
    """corosync nodeid -> node name from the nodelist."""
    text = node.output(["corosync-cmapctl", "-b", "nodelist.node"], timeout=20)
    values = subtree(parse_cmap(text, host=node.label), "nodelist.node")
    out: dict[int, str] = {}
    for key, value in values.items():
        index, _, leaf = key.partition(".")
        if leaf == "nodeid":
            name = values.get(f"{index}.name") or values.get(f"{index}.ring0_addr", "")
            out[int(value)] = str(name)
    return out


def dlm_ls(node: Node) -> list[Lockspace]:
    return parse_ls(node.output(["dlm_tool", "ls"], timeout=20), host=node.label)


def dlm_status(node: Node) -> DlmStatus:
    return parse_status(node.output(["dlm_tool", "status"], timeout=20), host=node.label)


def dlm_config(node: Node) -> dict[str, str]:
    return parse_dump_config(node.output(["dlm_tool", "dump_config"], timeout=20))


def dlm_daemon_active(node: Node) -> tuple[bool, str]:
    """(dlm_controld running, how we know)."""
    unit = node.run(["systemctl", "is-active", "dlm.service"], timeout=15)
    if unit.stdout.strip() == "active":
        return True, "dlm.service active"
    pid = node.run(["pidof", "dlm_controld"], timeout=15)
    if pid.ok:
        return True, f"dlm_controld pid {pid.stdout.strip()}"
    return False, f"dlm.service {unit.stdout.strip() or 'unknown'}, no dlm_controld process"


def withdraw_messages(node: Node) -> list[str]:
    """Kernel log lines saying a GFS2 filesystem withdrew."""
    result = node.run("dmesg 2>/dev/null || journalctl -k -q --no-pager -o cat", timeout=30)
    return [line for line in result.stdout.splitlines() if _WITHDRAW.search(line)]

"""iSCSI: LIO target state from configfs and initiator sessions from sysfs.

Both are read with small shell scripts over ``/sys`` (stable across targetcli and
open-iscsi versions, unlike their text output); each prints one fact per line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

TARGET_SCRIPT = r"""
cd /sys/kernel/config/target/iscsi 2>/dev/null || { echo NO_LIO; exit 0; }
for t in iqn.* eui.* naa.*; do
  [ -d "$t" ] || continue
  for g in $t/tpgt_*; do
    [ -d "$g" ] || continue; tpg=${g##*/tpgt_}
    echo "TPG $t $tpg enable=$(cat $g/enable) auth=$(cat $g/attrib/authentication)" \
      "demo=$(cat $g/attrib/generate_node_acls)"
    for l in $g/lun/lun_*; do [ -d "$l" ] && echo "LUN $t $tpg ${l##*/lun_}"; done
    for n in $g/np/*; do [ -d "$n" ] && echo "NP $t $tpg ${n##*/}"; done
    for a in $g/acls/*; do
      [ -d "$a" ] || continue
      u=unset; [ -n "$(cat $a/auth/userid 2>/dev/null)" ] && u=set
      echo "ACL $t $tpg ${a##*/} chap_user=$u"
    done
  done
done
"""

SESSION_SCRIPT = r"""
[ -d /sys/class/iscsi_session ] || { echo NO_ISCSI_SESSIONS; exit 0; }
for s in /sys/class/iscsi_session/session*; do
  [ -d "$s" ] || continue; n=${s##*/session}
  c=$(ls -d /sys/class/iscsi_connection/connection$n:* 2>/dev/null | head -1)
  addr=$(cat $c/persistent_address 2>/dev/null):$(cat $c/persistent_port 2>/dev/null)
  devs=$(ls $s/device/target*/*/block 2>/dev/null | grep -v : | tr '\n' ,)
  echo "SESSION $n $(cat $s/targetname) $(cat $s/state) $addr ${devs%,}"
done
"""


@dataclass
class Tpg:
    iqn: str
    tag: int
    enabled: bool
    authentication: bool
    demo_mode: bool
    luns: list[int] = field(default_factory=list)
    portals: list[str] = field(default_factory=list)
    acls: dict[str, bool] = field(default_factory=dict)  # initiator -> CHAP user set


def _portal(np: str) -> str:
    """configfs np names look like ``10.0.0.1:3260`` or ``[::1]:3260``."""
    return np


def parse_target(text: str) -> dict[str, list[Tpg]] | None:
    """Lines of :data:`TARGET_SCRIPT` → {target iqn: [tpg]}; None when LIO is absent."""
    if text.strip() == "NO_LIO":
        return None
    targets: dict[str, list[Tpg]] = {}
    tpgs: dict[tuple[str, str], Tpg] = {}
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        f = rest.split()
        if kind == "TPG":
            opts = dict(x.split("=", 1) for x in f[2:])
            tpg = Tpg(
                f[0],
                int(f[1]),
                opts.get("enable") == "1",
                opts.get("auth") == "1",
                opts.get("demo") == "1",
            )
            tpgs[(f[0], f[1])] = tpg
            targets.setdefault(f[0], []).append(tpg)
        elif kind == "LUN":
            tpgs[(f[0], f[1])].luns.append(int(f[2]))
        elif kind == "NP":
            tpgs[(f[0], f[1])].portals.append(_portal(f[2]))
        elif kind == "ACL":
            tpgs[(f[0], f[1])].acls[f[2]] = f[3] == "chap_user=set"
    return targets


@dataclass(frozen=True)
class Session:
    sid: int
    target: str
    state: str
    portal: str
    devices: tuple[str, ...]

    @property
    def logged_in(self) -> bool:
        return self.state == "LOGGED_IN"


def parse_sessions(text: str) -> list[Session]:
    """Lines of :data:`SESSION_SCRIPT` → sessions (none when open-iscsi has none)."""
    out = []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind != "SESSION":
            continue
        f = rest.split(" ")
        devices = tuple(d for d in (f[4] if len(f) > 4 else "").split(",") if d)
        out.append(Session(int(f[0]), f[1], f[2], f[3] if len(f) > 3 else "", devices))
    return out


@dataclass(frozen=True)
class MultipathMap:
    name: str
    paths: int
    active_paths: int
    dm_state: str

    @property
    def healthy(self) -> bool:
        return self.dm_state == "active" and self.paths > 0 and self.active_paths == self.paths


def parse_multipath_maps(data: dict[str, Any] | str) -> list[MultipathMap]:
    """``multipathd show maps json``: maps[].{name, dm_st, paths, path_groups[].paths[]}."""
    doc = json.loads(data) if isinstance(data, str) else data
    out = []
    for m in doc.get("maps", []):
        paths = [p for g in m.get("path_groups", []) for p in g.get("paths", [])]
        active = [p for p in paths if p.get("chk_st") == "ready" and p.get("dm_st") == "active"]
        out.append(
            MultipathMap(
                str(m.get("name")),
                len(paths) or int(m.get("paths", 0)),
                len(active),
                str(m.get("dm_st", "")),
            )
        )
    return out

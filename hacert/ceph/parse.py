"""Parsers of Ceph's JSON outputs into typed data, tolerant of the shapes of several releases.

- ``ceph -s -f json``: luminous..octopus nest the OSD counters as ``osdmap.osdmap`` (with
  ``full``/``nearfull`` booleans up to mimic); pacific and later put them in ``osdmap``.
- health checks: ``{CODE: {severity, summary: {message}, detail: [{message}]}}`` since
  luminous (``ceph health detail -f json`` adds ``detail``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hacert.errors import UnexpectedOutput


@dataclass(frozen=True)
class HealthCheck:
    code: str
    severity: str
    message: str
    details: tuple[str, ...] = ()
    muted: bool = False

    def describe(self) -> str:
        extra = f" ({'; '.join(self.details[:3])}{' …' if len(self.details) > 3 else ''})"
        return f"{self.code} [{self.severity}] {self.message}" + (extra if self.details else "")


@dataclass(frozen=True)
class Health:
    status: str
    checks: dict[str, HealthCheck] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "HEALTH_OK"

    def unaccepted(self, accepted: list[str] | tuple[str, ...] = ()) -> list[HealthCheck]:
        return [c for c in self.checks.values() if c.code not in accepted and not c.muted]


@dataclass(frozen=True)
class Status:
    fsid: str
    health: Health
    quorum_names: tuple[str, ...]
    num_mons: int | None
    num_osds: int
    num_up_osds: int
    num_in_osds: int
    full: bool | None
    nearfull: bool | None
    pgs_by_state: dict[str, int]
    num_pgs: int

    @property
    def unclean_pgs(self) -> dict[str, int]:
        return {s: n for s, n in self.pgs_by_state.items() if s != "active+clean"}


def _need(data: Any, key: str, what: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise UnexpectedOutput(f"{what}: no '{key}' in the JSON")
    return data[key]


def parse_health(data: dict[str, Any]) -> Health:
    """``ceph health detail -f json`` or the ``health`` object of ``ceph -s -f json``."""
    status = _need(data, "status", "ceph health")
    checks: dict[str, HealthCheck] = {}
    for code, raw in (data.get("checks") or {}).items():
        summary = raw.get("summary", {})
        message = summary.get("message", "") if isinstance(summary, dict) else str(summary)
        details = tuple(
            d.get("message", "") if isinstance(d, dict) else str(d) for d in raw.get("detail", [])
        )
        checks[code] = HealthCheck(
            code=code,
            severity=str(raw.get("severity", "")),
            message=message,
            details=details,
            muted=bool(raw.get("muted", False)),
        )
    return Health(status=str(status), checks=checks)


def parse_status(data: dict[str, Any]) -> Status:
    """``ceph -s -f json`` (``ceph status --format json``) of luminous to reef."""
    osdmap = _need(data, "osdmap", "ceph status")
    if "osdmap" in osdmap:  # luminous .. octopus
        osdmap = osdmap["osdmap"]
    pgmap = _need(data, "pgmap", "ceph status")
    monmap = data.get("monmap", {})
    num_mons = monmap.get("num_mons")
    if num_mons is None and isinstance(monmap.get("mons"), list):
        num_mons = len(monmap["mons"])
    by_state: dict[str, int] = {}
    for entry in pgmap.get("pgs_by_state", []):
        by_state[entry["state_name"]] = by_state.get(entry["state_name"], 0) + int(entry["count"])
    return Status(
        fsid=str(data.get("fsid", "")),
        health=parse_health(_need(data, "health", "ceph status")),
        quorum_names=tuple(data.get("quorum_names", [])),
        num_mons=num_mons,
        num_osds=int(_need(osdmap, "num_osds", "ceph status osdmap")),
        num_up_osds=int(_need(osdmap, "num_up_osds", "ceph status osdmap")),
        num_in_osds=int(_need(osdmap, "num_in_osds", "ceph status osdmap")),
        full=osdmap.get("full"),
        nearfull=osdmap.get("nearfull"),
        pgs_by_state=by_state,
        num_pgs=int(pgmap.get("num_pgs", sum(by_state.values()))),
    )


@dataclass(frozen=True)
class Pool:
    name: str
    id: int
    size: int
    min_size: int
    replicated: bool
    applications: tuple[str, ...]


@dataclass(frozen=True)
class Osd:
    id: int
    up: bool
    in_: bool


@dataclass(frozen=True)
class OsdDump:
    pools: dict[str, Pool]
    osds: dict[int, Osd]
    full_ratio: float
    nearfull_ratio: float
    flags: tuple[str, ...]


def parse_osd_dump(data: dict[str, Any]) -> OsdDump:
    """``ceph osd dump -f json`` (pools with size/min_size/type; osds up/in; ratios)."""
    pools = {}
    for p in _need(data, "pools", "ceph osd dump"):
        apps = p.get("application_metadata") or {}
        pools[p["pool_name"]] = Pool(
            name=p["pool_name"],
            id=int(p["pool"]),
            size=int(p["size"]),
            min_size=int(p["min_size"]),
            replicated=int(p.get("type", 1)) == 1,
            applications=tuple(sorted(apps)),
        )
    osds = {
        int(o["osd"]): Osd(id=int(o["osd"]), up=bool(o["up"]), in_=bool(o["in"]))
        for o in _need(data, "osds", "ceph osd dump")
    }
    flags = data.get("flags", "")
    return OsdDump(
        pools=pools,
        osds=osds,
        full_ratio=float(data.get("full_ratio", 0.95)),
        nearfull_ratio=float(data.get("nearfull_ratio", 0.85)),
        flags=tuple(f for f in str(flags).split(",") if f),
    )


def parse_osd_df(data: dict[str, Any]) -> dict[int, float]:
    """``ceph osd df -f json`` → {osd id: utilisation in percent}."""
    return {int(n["id"]): float(n["utilization"]) for n in _need(data, "nodes", "ceph osd df")}


def parse_osd_objectstores(data: list[dict[str, Any]]) -> dict[int, str]:
    """``ceph osd metadata -f json`` → {osd id: objectstore}."""
    if not isinstance(data, list):
        raise UnexpectedOutput("ceph osd metadata: expected a JSON list")
    return {int(m["id"]): str(m.get("osd_objectstore", "unknown")) for m in data}


@dataclass(frozen=True)
class Image:
    pool: str
    name: str
    size: int
    features: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)


def parse_rbd_info(pool: str, data: dict[str, Any]) -> Image:
    """``rbd info POOL/IMAGE --format json``."""
    return Image(
        pool=pool,
        name=str(_need(data, "name", "rbd info")),
        size=int(_need(data, "size", "rbd info")),
        features=tuple(data.get("features", [])),
    )


def parse_image_meta(text: str) -> dict[str, str]:
    """``rbd image-meta list IMG --format json``: an object, or nothing at all when empty."""
    import json

    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise UnexpectedOutput("rbd image-meta list: not JSON") from None
    return {str(k): str(v) for k, v in data.items()}


def parse_auth_lookup(text: str) -> dict[str, str]:
    """Lines ``key=value`` (our ``ceph-conf --lookup`` loop) → dict."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class FileMode:
    path: str
    mode: int
    owner: str
    group: str

    @property
    def world_or_group_readable(self) -> bool:
        return bool(self.mode & 0o077)


def parse_stat(text: str) -> list[FileMode]:
    """Lines of ``stat -c '%n %a %U %G' FILES``."""
    out = []
    for line in text.splitlines():
        parts = line.rsplit(" ", 3)
        if len(parts) == 4:
            out.append(FileMode(parts[0], int(parts[1], 8), parts[2], parts[3]))
    return out

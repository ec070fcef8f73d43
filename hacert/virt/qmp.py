"""QMP replies (through `virsh qemu-monitor-command` or a raw socket) and migration figures."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from hacert.errors import UnexpectedOutput
from hacert.virt.virsh import parse_kv, size_to_bytes


class QmpError(UnexpectedOutput):
    """QEMU answered a QMP command with an error object."""


def command(name: str, **arguments: Any) -> str:
    body: dict[str, Any] = {"execute": name}
    if arguments:
        body["arguments"] = arguments
    return json.dumps(body, separators=(",", ":"))


def parse_reply(text: str, *, host: str | None = None) -> Any:
    """The `return` member of a QMP reply; QmpError for an `error` reply."""
    try:
        reply = json.loads(text)
    except json.JSONDecodeError:
        raise UnexpectedOutput(f"QMP reply is not JSON: {text[:200]!r}", host=host) from None
    if not isinstance(reply, dict):
        raise UnexpectedOutput(f"QMP reply is not an object: {text[:200]!r}", host=host)
    if "error" in reply:
        err = reply["error"]
        raise QmpError(f"QMP error {err.get('class')}: {err.get('desc')}", host=host)
    if "return" not in reply:
        raise UnexpectedOutput(f"QMP reply without return: {text[:200]!r}", host=host)
    return reply["return"]


@dataclass
class MigrationStats:
    """Figures of one completed migration (units: ms, bytes, MiB/s)."""

    status: str
    total_time_ms: float | None = None
    downtime_ms: float | None = None
    setup_time_ms: float | None = None
    transferred_bytes: float | None = None
    total_bytes: float | None = None
    throughput_mib_s: float | None = None
    dirty_sync_count: int | None = None
    source: str = ""

    def figures(self) -> dict[str, float]:
        return {
            k: float(v)
            for k, v in asdict(self).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }


def stats_from_query_migrate(reply: dict[str, Any]) -> MigrationStats:
    """From QMP `query-migrate` (ram.mbps is megabits/s)."""
    ram = reply.get("ram") or {}
    mbps = ram.get("mbps")
    return MigrationStats(
        status=str(reply.get("status", "none")),
        total_time_ms=reply.get("total-time"),
        downtime_ms=reply.get("downtime"),
        setup_time_ms=reply.get("setup-time"),
        transferred_bytes=ram.get("transferred"),
        total_bytes=ram.get("total"),
        throughput_mib_s=None if mbps is None else mbps * 1e6 / 8 / 1024**2,
        dirty_sync_count=ram.get("dirty-sync-count"),
        source="qmp query-migrate",
    )


def _ms(info: dict[str, str], key: str) -> float | None:
    value = info.get(key)
    return float(value.split()[0]) if value else None


def stats_from_domjobinfo(text: str) -> MigrationStats:
    """From `virsh domjobinfo --completed` (text; sizes like `84.123 MiB`)."""
    info = parse_kv(text)
    bandwidth = info.get("Memory bandwidth")
    processed = info.get("Data processed") or info.get("Memory processed")
    total = info.get("Data total") or info.get("Memory total")
    iteration = info.get("Iteration")
    return MigrationStats(
        status=info.get("Job type", "").lower(),
        total_time_ms=_ms(info, "Time elapsed"),
        downtime_ms=_ms(info, "Total downtime"),
        setup_time_ms=_ms(info, "Setup time"),
        transferred_bytes=size_to_bytes(processed) if processed else None,
        total_bytes=size_to_bytes(total) if total else None,
        throughput_mib_s=size_to_bytes(bandwidth.removesuffix("/s")) / 1024**2
        if bandwidth
        else None,
        dirty_sync_count=int(iteration) if iteration else None,
        source="virsh domjobinfo --completed",
    )

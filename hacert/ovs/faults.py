"""Fault injection on OVS bonds: take a member link down under traffic, bring it back."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hacert import shell
from hacert.cluster import Node
from hacert.errors import UnexpectedOutput
from hacert.wait import wait_for

REMOTE = Path(__file__).parent / "remote"
SINK_PATH = "/tmp/hacert-ovs-sink.py"


@dataclass
class FailoverResult:
    bond: str
    member: str
    failover_ms: float | None
    restore_ms: float | None
    ping_sent: int
    ping_received: int
    stream_error: str | None
    stream_bytes_received: int
    stream_max_gap_ms: float
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ping_loss_pct(self) -> float:
        return 100.0 * (self.ping_sent - self.ping_received) / max(self.ping_sent, 1)

    def figures(self) -> dict[str, float]:
        return {
            "failover_ms": self.failover_ms if self.failover_ms is not None else -1.0,
            "restore_ms": self.restore_ms if self.restore_ms is not None else -1.0,
            "ping_loss_pct": self.ping_loss_pct,
            "ping_lost": float(self.ping_sent - self.ping_received),
            "stream_max_gap_ms": self.stream_max_gap_ms,
        }


def _start_sink(peer: Node, port: int, seconds: float) -> str:
    out = f"/tmp/hacert-ovs-sink-{port}.json"
    peer.run(f"cat > {SINK_PATH}", stdin=(REMOTE / "sink.py").read_text(), check=True)
    peer.run(
        f"rm -f {out}; setsid nohup python3 {SINK_PATH} {port} {seconds:g} "
        f"> {out} 2>&1 < /dev/null &",
        check=True,
    )
    return out


def _sink_result(peer: Node, out: str, wait_s: float = 10.0) -> dict[str, Any]:
    def report() -> str:
        return peer.run(["cat", out]).stdout.strip()

    text = wait_for(
        report,
        timeout=wait_s,
        interval=0.5,
        what="the TCP sink's report",
        host=peer.label,
    )
    try:
        return dict(json.loads(text.splitlines()[-1]))
    except json.JSONDecodeError:
        raise UnexpectedOutput(f"TCP sink printed {text[:200]!r}", host=peer.label) from None


def fail_member(
    node: Node,
    peer: Node,
    *,
    bond: str,
    member: str,
    peer_address: str,
    settle_s: float = 1.0,
    hold_s: float = 2.0,
) -> FailoverResult:
    """Takes `member` down on `node` under ping + TCP traffic to `peer_address`, then back up.

    The driver script brings the link back up in its own `finally`; the caller still
    re-checks it (see :func:`ensure_up`).
    """
    port = 20000 + secrets.randbelow(20000)
    budget = settle_s * 2 + hold_s + 30
    out = _start_sink(peer, port, budget)
    time.sleep(0.5)
    argv = [bond, member, peer_address, port, settle_s, hold_s]
    result = node.run(
        "python3 - " + shell.join(argv),
        stdin=(REMOTE / "failover.py").read_text(),
        timeout=budget + 15,
    )
    if not result.ok:
        ensure_up(node, member)
        raise UnexpectedOutput(f"failover driver failed: {result.stderr[-400:]}", host=node.label)
    try:
        raw = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    except (json.JSONDecodeError, IndexError):
        raise UnexpectedOutput(
            f"failover driver printed {result.stdout[:200]!r}", host=node.label
        ) from None
    try:
        sink = _sink_result(peer, out)
    finally:
        peer.run(["rm", "-f", out, SINK_PATH], timeout=10)
    raw["sink"] = sink
    ping = raw.get("ping", {})
    return FailoverResult(
        bond=bond,
        member=member,
        failover_ms=None if raw.get("failover_s") is None else raw["failover_s"] * 1000,
        restore_ms=None if raw.get("restore_s") is None else raw["restore_s"] * 1000,
        ping_sent=int(ping.get("sent", 0)),
        ping_received=int(ping.get("received", 0)),
        stream_error=raw.get("stream", {}).get("error") or sink.get("error"),
        stream_bytes_received=int(sink.get("bytes", 0)),
        stream_max_gap_ms=float(sink.get("max_gap_s", 0.0)) * 1000,
        raw=raw,
    )


def ensure_up(node: Node, member: str) -> None:
    """Brings a member link back up (idempotent)."""
    node.run(["ip", "link", "set", member, "up"], check=True, timeout=15)

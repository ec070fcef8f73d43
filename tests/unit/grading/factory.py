"""Builds synthetic results.json documents (our own format) for grading and certification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TECH = {"PCMK": "pacemaker", "COROSYNC": "corosync", "HOSTS": "hosts", "OVS": "ovs"}


def host(address: str, reachable: bool = True, error: str | None = None) -> dict[str, Any]:
    return {
        "address": address,
        "reachable": reachable,
        "host_key_sha256": "SHA256:abc" if reachable else None,
        "boot_time": 1795626181 if reachable else None,  # epoch, as the foundation writes it
        "error": error,
    }


def item(
    check_id: str,
    cluster: str,
    outcome: str,
    host_name: str | None = None,
    message: str = "",
    points: float = 1,
    **extra: Any,
) -> dict[str, Any]:
    suffix = f"{cluster}-{host_name}" if host_name else cluster
    return {
        "nodeid": f"suites/x/test_x.py::test_{check_id.lower()}[{suffix}]",
        "check_id": check_id,
        "title": f"title of {check_id}",
        "severity": "normal",
        "technology": TECH[check_id.split("-", maxsplit=1)[0]],
        "cluster": cluster,
        "host": host_name,
        "outcome": outcome,
        "message": message,
        "remediation": f"fix {check_id}",
        "points": points,
        "duration": 0.1,
        "destructive": False,
        **extra,
    }


def document(
    clusters: dict[str, dict[str, Any]],
    checks: list[dict[str, Any]],
    finished: str = "2026-11-25T17:00:00Z",
    profile: str | None = "grading",
) -> dict[str, Any]:
    return {
        "schema": "hacert-results/1",
        "run_id": "20261125T170000Z-abcd",
        "started": "2026-11-25T16:59:00Z",
        "finished": finished,
        "inventory": "inventory/class.yaml",
        "profile": profile,
        "clusters": {
            name: {"environment": "lab", "hosts": hosts, "versions": {"pacemaker": "2.1.5"}}
            for name, hosts in clusters.items()
        },
        "checks": checks,
    }


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path

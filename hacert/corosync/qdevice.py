"""The quorum device (corosync-qdevice): whether one is configured and connected.

Configured: corosync's cmap has ``quorum.device.*`` keys (read with ``corosync-cmapctl -b
quorum``, tests/data/corosync/cmapctl-quorum*.txt). Connected: ``corosync-qdevice-tool -s``.
The lab has no quorum device and no corosync-qdevice, so its output was never captured: the
parser only looks for a ``State:`` line and takes ``Connected`` as connected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hacert.cluster import Node

_STATE = re.compile(r"^\s*State:\s*(?P<state>\S.*?)\s*$", re.MULTILINE)


def configured(config: Mapping[str, object]) -> bool:
    return any(key.startswith("quorum.device.") for key in config)


def model(config: Mapping[str, object]) -> str | None:
    value = config.get("quorum.device.model")
    return str(value) if value is not None else None


def parse_state(text: str) -> str | None:
    """The last ``State:`` value in ``corosync-qdevice-tool -s`` output (None if there is none)."""
    states = _STATE.findall(text)
    return states[-1] if states else None


def status(node: Node) -> tuple[bool, str]:
    """(connected, what was found) on ``node``."""
    result = node.run(["corosync-qdevice-tool", "-s"], timeout=20, missing_ok=True)
    if result.exit_status == 127:
        return False, "corosync-qdevice-tool not installed (corosync-qdevice package missing)"
    if not result.ok:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        return False, f"corosync-qdevice-tool -s exited {result.exit_status}" + (
            f": {tail[0]}" if tail else ""
        )
    state = parse_state(result.stdout)
    if state is None:
        return False, "corosync-qdevice-tool -s printed no State: line"
    return state.lower() == "connected", f"State: {state}"

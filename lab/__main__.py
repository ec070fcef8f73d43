"""python3 -m lab {up,status,down,destroy,wait-healthy,power} — the hacert lab CLI."""

from __future__ import annotations

import argparse
import os
import sys

from . import lifecycle, power, status
from .config import paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m lab", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    upp = sub.add_parser("up", help="build (once) and start the lab; idempotent")
    upp.add_argument("--tier", choices=["containers", "ceph", "vm", "all"], default="all")
    st = sub.add_parser(
        "status", help="health of hosts, services and cluster; exit 1 if not healthy"
    )
    st.add_argument("--json", action="store_true")
    st.add_argument(
        "--tier",
        choices=["containers", "ceph", "vm", "all"],
        default="containers",
        help="also fail when this plug-in tier's status.sh fails",
    )
    dn = sub.add_parser("down", help="stop everything the lab made (state and image are kept)")
    dn.add_argument(
        "--fast", action="store_true", help="power off without stopping pacemaker first"
    )
    sub.add_parser("destroy", help="down, then remove the lab state and the cached image")
    wh = sub.add_parser("wait-healthy", help="wait until status is healthy")
    wh.add_argument("--timeout", type=float, default=120)
    pw = sub.add_parser("power", help="the lab power switch: on|off|reboot|status <host>")
    pw.add_argument("action", choices=["on", "off", "reboot", "status"])
    pw.add_argument("host")
    a = ap.parse_args(argv)
    if os.geteuid() != 0:
        print("lab: must run as root", file=sys.stderr)
        return 2
    p = paths()
    if a.cmd in ("up", "down", "destroy"):
        lifecycle.lock()  # one lab-changing command at a time (several people share the lab)
    if a.cmd == "up":
        lifecycle.up(p, a.tier)
        return 0
    if a.cmd == "status":
        return status.show(p, a.json, a.tier)
    if a.cmd == "down":
        lifecycle.down(p, graceful=not a.fast)
        return 0
    if a.cmd == "destroy":
        lifecycle.destroy(p)
        return 0
    if a.cmd == "wait-healthy":
        return status.wait_healthy(p, a.timeout)
    if a.cmd == "power":
        print(power.request(p, a.action, a.host))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: N small commands over the lab's hosts through hacert's transport vs `ssh host cmd`.

    .venv/bin/python perf/bench_transport.py [--commands 300] [--inventory inventory/lab.yaml]

Prints both times and their ratio (target: hacert at least 3x faster). The transport reuses
one SSH connection per host; the plain loop pays a new SSH handshake per command.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

from hacert.cluster import Cluster
from hacert.inventory import load_inventory
from hacert.transport import ConnectionPool

COMMAND = "cat /proc/loadavg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--inventory", default="inventory/lab.yaml")
    parser.add_argument("--cluster", default="lab")
    args = parser.parse_args()

    inventory = load_inventory(args.inventory)
    pool = ConnectionPool()
    cluster = Cluster(
        inventory.cluster(args.cluster), inventory, base=Path(args.inventory).parent, pool=pool
    )
    nodes = cluster.nodes
    plan = [nodes[i % len(nodes)] for i in range(args.commands)]

    started = time.perf_counter()
    for node in plan:
        node.run(COMMAND, timeout=10, check=True)
    transport_s = time.perf_counter() - started
    connections = pool.open_count()
    pool.close_all()

    started = time.perf_counter()
    for node in plan:
        s = node.settings
        ssh = [
            "ssh",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            f"ConnectTimeout={int(s.connect_timeout)}",
            "-p",
            str(s.port),
        ]
        if s.key_file:
            ssh += ["-i", str(s.key_file)]
        subprocess.run(
            [*ssh, f"{s.user}@{s.address}", COMMAND], check=True, capture_output=True, timeout=30
        )
    plain_s = time.perf_counter() - started

    print(f"commands:            {args.commands} over {len(nodes)} hosts ({COMMAND!r})")
    per_command = transport_s / args.commands * 1000
    print(
        f"hacert transport:    {transport_s:7.2f} s  ({per_command:.1f} ms/command, "
        f"{connections} connections)"
    )
    print(
        f"plain `ssh host cmd`: {plain_s:7.2f} s  ({plain_s / args.commands * 1000:.1f} ms/command)"
    )
    print(f"speed-up:            {plain_s / transport_s:7.1f}x (target >= 3x)")


if __name__ == "__main__":
    main()

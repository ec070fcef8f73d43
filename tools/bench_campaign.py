"""The destructive campaign, round after round, with the cluster compared before and after.

    .venv/bin/python perf/bench_campaign.py [--rounds 10] [--cluster lab] [--cluster labvm]

Each round runs every destructive scenario of every suite (`-m destructive
--allow-destructive`) against the chosen clusters, then compares the state of each cluster
(hacert.state: CIB configuration, constraints, node states, placement, firewall rules, OVS
configuration, libvirt domains and networks, Ceph health and pools, GFS2) with the state
before the round. Prints rounds restored N/N, the time per round and every difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hacert.cluster import Cluster
from hacert.inventory import load_inventory
from hacert.state import differences, snapshot
from hacert.transport import ConnectionPool

ROOT = Path(__file__).resolve().parents[1]
SETTLE_S = 180
STABLE_S = 10


@dataclass
class Round:
    number: int
    seconds: float
    exit_code: int
    outcomes: dict[str, int] = field(default_factory=dict)
    not_passed: list[str] = field(default_factory=list)
    differences: dict[str, list[str]] = field(default_factory=dict)

    @property
    def restored(self) -> bool:
        return not any(self.differences.values())


def _clusters(inventory_path: Path, names: list[str], pool: ConnectionPool) -> list[Cluster]:
    inventory = load_inventory(inventory_path)
    return [
        Cluster(inventory.cluster(n), inventory, base=inventory_path.parent, pool=pool)
        for n in names
    ]


def _stable_snapshot(cluster: Cluster) -> dict[str, Any]:
    """A snapshot that two readings STABLE_S apart agree on: a cluster still finishing a
    recovery (a resource agent rewriting its utilization, say) is not a baseline."""
    deadline = time.monotonic() + SETTLE_S
    current = snapshot(cluster)
    while time.monotonic() < deadline:
        time.sleep(STABLE_S)
        again = snapshot(cluster)
        if not differences(current, again):
            return again
        current = again
    return current


def _settled_differences(cluster: Cluster, before: dict[str, Any]) -> list[str]:
    deadline = time.monotonic() + SETTLE_S
    while True:
        found = differences(before, snapshot(cluster))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(10)


def run_round(
    number: int, inventory: Path, names: list[str], work: Path, extra: list[str]
) -> Round:
    pool = ConnectionPool()
    try:
        clusters = _clusters(inventory, names, pool)
        before = {c.name: _stable_snapshot(c) for c in clusters}
        results = work / f"round{number}.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "suites",
            "-m",
            "destructive",
            "--allow-destructive",
            "--inventory",
            str(inventory),
            *[f"--cluster={n}" for n in names],
            "-p",
            "no:randomly",
            f"--alluredir={work / f'allure{number}'}",
            f"--junitxml={work / f'junit{number}.xml'}",
            f"--results-json={results}",
            "-q",
            *(["-n", str(len(names)), "--dist", "loadgroup"] if len(names) > 1 else []),
            *extra,
        ]
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)
        seconds = round(time.monotonic() - started, 1)
        (work / f"round{number}.log").write_text(done.stdout + done.stderr)
        outcome_counts: dict[str, int] = {}
        not_passed: list[str] = []
        if results.exists():
            for check in json.loads(results.read_text())["checks"]:
                outcome_counts[check["outcome"]] = outcome_counts.get(check["outcome"], 0) + 1
                if check["outcome"] in ("failed", "broken"):
                    not_passed.append(
                        f"{check.get('check_id')} {check.get('nodeid')}: {check['outcome']}"
                    )
        pool.close_all()
        after = {c.name: _settled_differences(c, before[c.name]) for c in clusters}
        return Round(number, seconds, done.returncode, outcome_counts, not_passed, after)
    finally:
        pool.close_all()


def campaign(
    rounds: int, inventory: Path, names: list[str], extra: list[str] | None = None
) -> list[Round]:
    work = Path(tempfile.mkdtemp(prefix="hacert-campaign-"))
    done: list[Round] = []
    for number in range(1, rounds + 1):
        result = run_round(number, inventory, names, work, extra or [])
        done.append(result)
        verdict = "restored" if result.restored else "NOT RESTORED"
        print(
            f"round {number}: {result.seconds:.0f} s, exit {result.exit_code}, {result.outcomes}, {verdict}"
        )
        for line in result.not_passed:
            print(f"  {line}")
        for cluster, lines in result.differences.items():
            for line in lines:
                print(f"  {cluster}: {line}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventory" / "lab.yaml")
    parser.add_argument("--cluster", action="append", default=[])
    args = parser.parse_args()
    names = args.cluster or ["lab"]
    rounds = campaign(args.rounds, args.inventory, names)
    restored = sum(r.restored for r in rounds)
    print(
        f"rounds restored: {restored}/{len(rounds)}; mean round {sum(r.seconds for r in rounds) / len(rounds):.0f} s"
    )


if __name__ == "__main__":
    main()

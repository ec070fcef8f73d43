"""Load benchmark: grade a class of N clusters (the lab's nodes reused read-only under N names).

    .venv/bin/python perf/bench_class_load.py [--clusters 30] [--workers 2]

Prints wall time, the peak number of SSH connections from this machine to the lab, and the
peak resident memory of the controller and of each xdist worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "inventory" / "lab.yaml"
CHECKS = ["HOSTS-001", "HOSTS-003", "HOSTS-004", "COROSYNC-001", "PCMK-001", "PCMK-002", "PCMK-003"]


@dataclass
class LoadFigures:
    clusters: int
    workers: int
    wall_s: float = 0.0
    exit_code: int = 0
    peak_connections: int = 0
    peak_rss_mib: dict[str, float] = field(default_factory=dict)
    gradebook_rows: int = 0
    checks: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def class_files(work: Path, clusters: int) -> tuple[Path, Path]:
    lab = next(c for c in yaml.safe_load(LAB.read_text())["clusters"] if c["name"] == "lab")
    defaults = yaml.safe_load(LAB.read_text())["defaults"]
    nodes = [
        {"name": h["name"], "address": h["address"], "roles": ["corosync", "pacemaker"]}
        for h in lab["hosts"]
        if "corosync" in h["roles"]
    ]
    names = [f"student{i:02d}" for i in range(1, clusters + 1)]
    inventory = {
        "version": 1,
        "defaults": defaults,
        "clusters": [
            {"name": name, "environment": "lab", "platform": lab["platform"], "hosts": nodes}
            for name in names
        ],
    }
    rubric = {
        "version": 1,
        "assignment": "load-test",
        "title": f"{clusters} clusters graded at once",
        "checks": [{"id": check, "points": 1} for check in CHECKS],
        "students": [{"name": name, "cluster": name} for name in names],
    }
    inventory_path, rubric_path = work / "class.yaml", work / "rubric.yaml"
    inventory_path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    rubric_path.write_text(yaml.safe_dump(rubric, sort_keys=False))
    return inventory_path, rubric_path


def _ssh_connections(pids: set[int]) -> int:
    """Established SSH connections to the lab owned by the given processes."""
    out = subprocess.run(
        ["ss", "-Htnp", "state", "established", "dport", "= :22"], capture_output=True, text=True
    ).stdout
    owned = 0
    for line in out.splitlines():
        if "10.213.0." in line and any(f"pid={pid}," in line for pid in pids):
            owned += 1
    return owned


def _tree_pids(root_pid: int) -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        pid, ppid = (int(x) for x in line.split())
        children.setdefault(ppid, []).append(pid)
    found, stack = {root_pid}, [root_pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _tree_rss(root_pid: int) -> dict[str, float]:
    out = subprocess.run(
        ["ps", "-eo", "pid=,ppid=,rss=,args="], capture_output=True, text=True
    ).stdout
    rows = [line.split(None, 3) for line in out.splitlines()]
    children: dict[int, list[tuple[int, int, str]]] = {}
    for row in rows:
        command = row[3] if len(row) > 3 else ""
        children.setdefault(int(row[1]), []).append((int(row[0]), int(row[2]), command))
    found: dict[str, float] = {}
    own = next((r for r in rows if int(r[0]) == root_pid), None)
    if own:
        found["controller"] = int(own[2]) / 1024
    worker = 0
    stack = [root_pid]
    while stack:
        for child, rss, command in children.get(stack.pop(), []):
            if "python" in command:
                worker += 1
                found[f"worker{worker}"] = rss / 1024
            stack.append(child)
    return found


def measure(clusters: int = 30, workers: int = 2, work: Path | None = None) -> LoadFigures:
    work = work or Path(tempfile.mkdtemp(prefix="hacert-load-"))
    inventory, rubric = class_files(work, clusters)
    figures = LoadFigures(clusters=clusters, workers=workers)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "suites/hosts",
        "suites/corosync",
        "suites/pacemaker",
        "--inventory",
        str(inventory),
        "--rubric",
        str(rubric),
        "--grade-out",
        str(work / "grades"),
        "-n",
        str(workers),
        "--dist",
        "loadgroup",
        "-q",
        "-p",
        "no:randomly",
        f"--alluredir={work / 'allure'}",
        f"--junitxml={work / 'junit.xml'}",
        f"--results-json={work / 'results.json'}",
    ]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            figures.peak_connections = max(
                figures.peak_connections, _ssh_connections(_tree_pids(process.pid))
            )
            for name, mib in _tree_rss(process.pid).items():
                figures.peak_rss_mib[name] = max(figures.peak_rss_mib.get(name, 0.0), round(mib, 1))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate(timeout=1800)
    done.set()
    sampler.join()
    figures.wall_s = round(time.monotonic() - started, 1)
    figures.exit_code = process.returncode
    (work / "pytest.log").write_text(output)
    results = json.loads((work / "results.json").read_text())
    figures.checks = len(results["checks"])
    for check in results["checks"]:
        figures.outcomes[check["outcome"]] = figures.outcomes.get(check["outcome"], 0) + 1
    gradebook = work / "grades" / "gradebook.csv"
    if gradebook.exists():
        figures.gradebook_rows = len(gradebook.read_text().splitlines()) - 1
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    figures = measure(args.clusters, args.workers)
    print(json.dumps(figures.__dict__, indent=2))


if __name__ == "__main__":
    main()

"""Lab budgets: `python3 -m lab.bench [--build] [--cold]`.

Prints: the base image build time (measured now into a scratch cache with --build, else the
recorded one), container-tier up time from the cached base to a quorate cluster with every
resource started (--cold takes the lab down first, so only run it when nobody else is using
the lab), memory (PSS of every process in the lab's hosts and of the lab's own daemons) and
disk use (cached base, per-host overlays, whole state dir).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import lifecycle, procs
from .config import HOSTS, LAB_DIR, paths

TARGET_UP_SECONDS = 60


def du_mib(path: Path) -> float:
    if not path.exists():
        return 0.0
    cp = subprocess.run(["du", "-sxk", str(path)], capture_output=True, text=True, check=False)
    return int(cp.stdout.split()[0]) / 1024 if cp.stdout else 0.0


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += procs.children(p)
    return out


def memory_mib() -> dict[str, float]:
    mem = {}
    for h in HOSTS:
        pids = [q for p in procs.nspawn_pids(h.machine) for q in tree(p)]
        mem[h.name] = sum(pss_kib(p) for p in pids) / 1024
    own = procs.find("lab.power", "serve") + [p for h in HOSTS for p in procs.launcher_pids(h.name)]
    mem["lab daemons"] = sum(pss_kib(p) for p in own) / 1024
    mem["total"] = sum(mem.values())
    return mem


def build_seconds(measure: bool) -> float | None:
    p = paths()
    if measure:
        scratch = Path(tempfile.mkdtemp(prefix="hacert-bench-", dir=p.cache.parent))
        try:
            t0 = time.monotonic()
            subprocess.run(
                [
                    "bash",
                    str(LAB_DIR / "image/build-base.sh"),
                    str(scratch / "base"),
                    str(LAB_DIR / "image/base-files"),
                ],
                check=True,
            )
            return time.monotonic() - t0
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    f = p.cache / "build-seconds"
    return float(f.read_text()) if f.exists() else None


def main() -> int:
    ap = argparse.ArgumentParser(prog="python3 -m lab.bench", description=__doc__)
    ap.add_argument("--build", action="store_true", help="measure a base build from nothing")
    ap.add_argument("--cold", action="store_true", help="lab down, then time lab up")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    p = paths()
    result: dict[str, object] = {"build_seconds": build_seconds(a.build)}
    lifecycle.lock()
    if a.cold:
        lifecycle.down(p, graceful=False)
    t = lifecycle.up_containers(p)
    result["up_seconds"] = round(t["total"], 1)
    result["up_seconds_boot_to_healthy"] = round(t["cluster"], 1)
    result["up_was_cold"] = a.cold
    memory = {k: round(v) for k, v in memory_mib().items()}
    disk = {
        "base image": round(du_mib(p.base)),
        **{f"overlay {h.name}": round(du_mib(p.upper(h.name))) for h in HOSTS},
        "state dir total": round(du_mib(p.state)),
    }
    result["memory_mib"], result["disk_mib"] = memory, disk
    if a.json:
        print(json.dumps(result, indent=2))
        return 0
    b = result["build_seconds"]
    print(f"base image build from nothing: {f'{b:.0f} s' if b else 'not recorded (use --build)'}")
    verdict = "ok" if t["total"] <= TARGET_UP_SECONDS else "OVER"
    print(
        f"container tier up ({'cold, cached base' if a.cold else 'lab already up'}): "
        f"{t['total']:.1f} s (target <= {TARGET_UP_SECONDS} s: {verdict}); "
        f"boot to healthy {t['cluster']:.1f} s"
    )
    print("memory (PSS):")
    for k, v in memory.items():
        print(f"  {k:12} {v:6} MiB")
    print("disk:")
    for k, v in disk.items():
        print(f"  {k:16} {v:6} MiB")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())

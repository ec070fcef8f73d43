"""Tier plug-ins owned by other engineers: lab/<tier>/{up,down,status}.sh."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .config import LAB_DIR, Paths
from .shell import say

PLUGIN_TIERS = ("ceph", "vm")


def env(p: Paths) -> dict[str, str]:
    return dict(
        os.environ,
        HACERT_LAB_STATE=str(p.state),
        HACERT_LAB_CACHE=str(p.cache),
        HACERT_LAB_KEY=str(p.key),
        HACERT_LAB_KNOWN_HOSTS=str(p.known_hosts),
        HACERT_LAB_POWER_TOKEN=str(p.power_token),
    )


def script(tier: str, action: str) -> Path:
    return LAB_DIR / tier / f"{action}.sh"


def run_plugin(p: Paths, tier: str, action: str, *, required: bool) -> int | None:
    """Run a tier's script; None when the tier has no such script ("tier not available")."""
    s = script(tier, action)
    if not s.exists():
        if required:
            say(f"tier {tier}: not available ({s.relative_to(LAB_DIR.parent)} missing)")
        return None
    say(f"tier {tier}: running {s.relative_to(LAB_DIR.parent)}")
    rc = subprocess.run(["bash", str(s)], env=env(p)).returncode
    say(f"tier {tier}: {action} exited {rc}")
    return rc

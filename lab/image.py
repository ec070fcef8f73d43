"""Machine packages and the cached base image (built once, outside the repo)."""

from __future__ import annotations

import shutil
import subprocess
import time

from .config import LAB_DIR, Paths
from .shell import say

MACHINE_PACKAGES = {  # command -> Debian package providing it on the lab machine
    "debootstrap": "debootstrap",
    "systemd-nspawn": "systemd-container",
    "qemu-system-x86_64": "qemu-system-x86",
    "qemu-img": "qemu-utils",
    "ip": "iproute2",
    "iptables": "iptables",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
    "socat": "socat",
    "jq": "jq",
    "setsid": "util-linux",
}


def ensure_machine_packages() -> None:
    missing = sorted({pkg for cmd, pkg in MACHINE_PACKAGES.items() if shutil.which(cmd) is None})
    if not missing:
        return
    say(f"installing machine packages: {' '.join(missing)}")
    env_cmd = ["env", "DEBIAN_FRONTEND=noninteractive"]
    for attempt in range(60):  # another apt run may hold the dpkg lock
        cp = subprocess.run(
            [*env_cmd, "apt-get", "install", "-y", "-q", *missing], capture_output=True, text=True
        )
        if cp.returncode == 0:
            return
        if "Unable to locate" in cp.stderr or "has no installation candidate" in cp.stderr:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        elif "lock" not in cp.stderr:
            raise RuntimeError(
                f"apt-get install {' '.join(missing)} failed: {cp.stderr.strip()[-500:]}"
            )
        say(f"apt busy or lists stale, retrying ({attempt + 1})")
        time.sleep(5)
    raise RuntimeError("could not install machine packages (dpkg lock held for 5 minutes)")


def base_ready(p: Paths) -> bool:
    return (p.base / "usr/sbin/corosync").exists() and (
        p.base / "usr/share/hacert/guest/initrd.cpio.gz"
    ).exists()


def ensure_base(p: Paths) -> float:
    """Build the base image unless cached; returns build seconds (0 when cached)."""
    if base_ready(p):
        return 0.0
    say(f"building the base image in {p.base} (once; a few minutes)")
    t0 = time.monotonic()
    tmp = p.cache / "base.tmp"
    p.cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "bash",
            str(LAB_DIR / "image" / "build-base.sh"),
            str(tmp),
            str(LAB_DIR / "image" / "base-files"),
        ],
        check=True,
    )
    if p.base.exists():
        shutil.rmtree(p.base)
    tmp.rename(p.base)
    dt = time.monotonic() - t0
    (p.cache / "build-seconds").write_text(f"{dt:.1f}\n")
    say(f"base image built in {dt:.0f}s")
    return dt

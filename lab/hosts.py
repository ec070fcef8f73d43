"""Container hosts: overlay root per host on the shared base, per-host identity and config files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import keys
from .config import CLUSTER_NODES, HOSTS, LAB_DIR, OVS_BONDS, OVS_HOSTS, Host, Paths
from .shell import run

ROOTFS_LAYER = LAB_DIR / "files" / "rootfs"


def is_mounted(path: Path) -> bool:
    target = str(path)
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == target for line in f)


def mount_root(p: Paths, h: Host) -> None:
    root, upper, work = p.root(h.name), p.upper(h.name), p.work(h.name)
    for d in (root, upper, work):
        d.mkdir(parents=True, exist_ok=True)
    if not is_mounted(root):
        opts = f"lowerdir={p.base},upperdir={upper},workdir={work}"
        run(["mount", "-t", "overlay", f"hacert-{h.name}", "-o", opts, str(root)])


def umount_root(p: Paths, h: Host) -> None:
    root = p.root(h.name)
    for _ in range(3):
        if not is_mounted(root):
            return
        run(["umount", str(root)], check=False)
    if is_mounted(root):
        run(["umount", "-l", str(root)], check=False)


def _write(path: Path, text: str, mode: int = 0o644, owner: tuple[int, int] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".hacert-tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    if owner:
        os.chown(tmp, *owner)
    tmp.replace(path)


def _ids(root: Path, user: str) -> tuple[int, int]:
    for line in (root / "etc/passwd").read_text().splitlines():
        f = line.split(":")
        if f[0] == user:
            return int(f[2]), int(f[3])
    raise KeyError(user)


def etc_hosts() -> str:
    lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"]
    lines += [f"{h.addr0} {h.name}" for h in HOSTS]
    lines += [f"{h.addr1} {h.name}-link1" for h in HOSTS if h.addr1]
    return "\n".join(lines) + "\n"


def corosync_conf() -> str:
    nodes = "".join(
        f"    node {{\n        ring0_addr: {h.addr0}\n        ring1_addr: {h.addr1}\n"
        f"        name: {h.name}\n        nodeid: {h.nodeid}\n    }}\n"
        for h in CLUSTER_NODES
    )
    return f"""# written by hacert lab (python3 -m lab up)
totem {{
    version: 2
    cluster_name: hacert-lab
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    token: 5000
    interface {{
        linknumber: 0
        knet_link_priority: 1
    }}
    interface {{
        linknumber: 1
        knet_link_priority: 0
    }}
}}

nodelist {{
{nodes}}}

quorum {{
    provider: corosync_votequorum
}}

logging {{
    to_logfile: no
    to_syslog: yes
    timestamp: on
}}
"""


def chrony_conf(h: Host) -> str:
    common = "driftfile /var/lib/chrony/chrony.drift\nmakestep 1 3\ncmdallow 127.0.0.1\n"
    if h.name == "node1":
        # node1 is the lab's time source (its clock is the machine's clock); no outside servers
        return common + "local stratum 8\nallow 10.213.0.0/24\n"
    return common + "server 10.213.0.11 iburst minpoll 4 maxpoll 6\n"


def ovs_env(h: Host) -> str:
    idx = OVS_HOSTS.index(h.name) + 1
    lines = [
        f'BOND{i}="{b} {mode} {br} {net}.{idx} {" ".join(c)}"'
        for i, (b, mode, br, net, c) in enumerate(OVS_BONDS)
    ]
    return "\n".join(lines) + f"\nVLAN_IP=10.213.4.{idx}\n"


def provision(p: Paths, h: Host) -> None:
    """Write per-host identity and config into the host's overlay (the host is not running)."""
    root = p.root(h.name)
    subprocess.run(
        ["cp", "-a", "--no-preserve=ownership", f"{ROOTFS_LAYER}/.", str(root)], check=True
    )
    _write(root / "etc/hostname", h.name + "\n")
    _write(root / "etc/hosts", etc_hosts())
    mid = root / "etc/machine-id"
    if not mid.exists() or len(mid.read_text().strip()) != 32:
        _write(mid, os.urandom(16).hex() + "\n", 0o444)
    for f in keys.host_key_files(p, h.name):
        mode = 0o644 if f.name.endswith(".pub") else 0o600
        _write(root / "etc/ssh" / f.name, f.read_text(), mode)
    pub = p.key.with_suffix(".pub").read_text()
    known = p.known_hosts.read_text()
    for user, home in (("root", "root"), ("hacert", "home/hacert"), ("hacertpw", "home/hacertpw")):
        ids = _ids(root, user)
        sshd = root / home / ".ssh"
        sshd.mkdir(mode=0o700, exist_ok=True)
        os.chown(sshd, *ids)
        _write(sshd / "authorized_keys", pub, 0o600, ids)
        _write(sshd / "known_hosts", known, 0o644, ids)
        if user == "root":
            _write(sshd / "id_ed25519", p.key.read_text(), 0o600, ids)
            _write(sshd / "id_ed25519.pub", pub, 0o644, ids)
    _write(root / "etc/chrony/chrony.conf", chrony_conf(h))
    if h.cluster_node:
        _write(root / "etc/corosync/corosync.conf", corosync_conf())
        _write(root / "etc/corosync/authkey", "", 0o400)
        shutil.copyfile(p.cluster_dir / "authkey", root / "etc/corosync/authkey")
        os.chmod(root / "etc/corosync/authkey", 0o400)
        for unit in ("corosync", "pacemaker", "pcsd"):
            (root / f"etc/systemd/system/{unit}.service").unlink(missing_ok=True)
    else:
        (root / "etc/corosync/corosync.conf").unlink(missing_ok=True)
        for unit in ("corosync", "pacemaker", "pcsd"):
            link = root / f"etc/systemd/system/{unit}.service"
            if not link.is_symlink():
                link.unlink(missing_ok=True)
                link.symlink_to("/dev/null")
    ovs = root / "etc/hacert/ovs.env"
    if h.name in OVS_HOSTS:
        _write(ovs, ovs_env(h))
    else:
        ovs.unlink(missing_ok=True)
    (root / "var/log/hacert").mkdir(parents=True, exist_ok=True)


def prepare_all(p: Paths, running: set[str]) -> None:
    for h in HOSTS:
        mount_root(p, h)
        if h.name not in running:
            provision(p, h)

"""Lab secrets: the lab SSH key, per-host SSH host keys, known_hosts, corosync authkey,
power token."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .config import HOSTS, Paths
from .shell import run

HOST_KEY_TYPES = ("ed25519", "ecdsa", "rsa")


def host_key_files(p: Paths, name: str) -> list[Path]:
    d = p.host_dir(name) / "ssh"
    return [d / f"ssh_host_{t}_key{s}" for t in HOST_KEY_TYPES for s in ("", ".pub")]


def ensure_keys(p: Paths) -> None:
    p.ssh_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not p.key.exists():
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hacert-lab", "-f", str(p.key)])
    known = []
    for h in HOSTS:
        d = p.host_dir(h.name) / "ssh"
        d.mkdir(parents=True, exist_ok=True)
        for t in HOST_KEY_TYPES:
            f = d / f"ssh_host_{t}_key"
            if not f.exists():
                extra = ["-b", "3072"] if t == "rsa" else []
                run(
                    [
                        "ssh-keygen",
                        "-q",
                        "-t",
                        t,
                        *extra,
                        "-N",
                        "",
                        "-C",
                        f"root@{h.name}",
                        "-f",
                        str(f),
                    ]
                )
            kt, kb = (d / f"ssh_host_{t}_key.pub").read_text().split()[:2]
            names = [h.name, h.addr0] + ([f"{h.name}-link1", h.addr1] if h.addr1 else [])
            known.append(f"{','.join(names)} {kt} {kb}")
    p.known_hosts.write_text("\n".join(known) + "\n")
    cfg = [
        f"Host {h.name}\n  HostName {h.addr0}\n  User root\n  IdentityFile {p.key}\n"
        f"  UserKnownHostsFile {p.known_hosts}\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
        for h in HOSTS
    ]
    p.ssh_config.write_text("".join(cfg))
    p.cluster_dir.mkdir(parents=True, exist_ok=True)
    authkey = p.cluster_dir / "authkey"
    if not authkey.exists():
        authkey.write_bytes(os.urandom(256))
        os.chmod(authkey, 0o400)
    p.power_dir.mkdir(parents=True, exist_ok=True)
    if not p.power_token.exists():
        p.power_token.write_text(secrets.token_hex(24) + "\n")
        os.chmod(p.power_token, 0o600)

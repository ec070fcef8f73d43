"""Fixtures of the project's own tests: a real sshd on loopback, a host that drops packets."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"


@dataclass(frozen=True)
class LoopbackSshd:
    port: int
    key_file: Path
    other_key_file: Path
    known_hosts: Path
    host_key_pub: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@pytest.fixture(scope="session")
def loopback_sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackSshd]:
    """A real OpenSSH server on 127.0.0.1 accepting root with a test key."""
    if not Path(SSHD).exists():
        pytest.fail("openssh-server is not installed: run bin/bootstrap")
    work = tmp_path_factory.mktemp("sshd")
    _keygen(work / "host_key")
    _keygen(work / "client_key")
    _keygen(work / "other_key")
    (work / "authorized_keys").write_text((work / "client_key.pub").read_text())
    port = _free_port()
    config = work / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work / 'host_key'}\n"
        f"PidFile {work / 'sshd.pid'}\nAuthorizedKeysFile {work / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nMaxSessions 50\n"
        "MaxStartups 100:30:200\nLogLevel ERROR\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    host_pub = (work / "host_key.pub").read_text().split()
    known_hosts = work / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    yield LoopbackSshd(
        port=port,
        key_file=work / "client_key",
        other_key_file=work / "other_key",
        known_hosts=known_hosts,
        host_key_pub=f"{host_pub[0]} {host_pub[1]}",
    )
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def dropping_address() -> Iterator[str]:
    """An address in a network namespace whose firewall silently drops every TCP packet."""
    if shutil.which("ip") is None or shutil.which("iptables") is None:
        pytest.fail("iproute2 and iptables are needed: run bin/bootstrap")
    tag = uuid.uuid4().hex[:6]
    netns, outer, inner = f"hct-{tag}", f"hcta{tag}", f"hctb{tag}"
    commands = [
        ["ip", "netns", "add", netns],
        ["ip", "link", "add", outer, "type", "veth", "peer", "name", inner],
        ["ip", "link", "set", inner, "netns", netns],
        ["ip", "addr", "add", "10.213.254.1/30", "dev", outer],
        ["ip", "link", "set", outer, "up"],
        ["ip", "-n", netns, "addr", "add", "10.213.254.2/30", "dev", inner],
        ["ip", "-n", netns, "link", "set", inner, "up"],
        ["ip", "netns", "exec", netns, "iptables", "-A", "INPUT", "-p", "tcp", "-j", "DROP"],
    ]
    try:
        for command in commands:
            subprocess.run(command, check=True, capture_output=True)
        yield "10.213.254.2"
    finally:
        subprocess.run(["ip", "link", "del", outer], capture_output=True)
        subprocess.run(["ip", "netns", "del", netns], capture_output=True)

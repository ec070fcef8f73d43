"""The lab power switch: a generic dispatcher `on|off|reboot|status|list <host>`.

For host H it runs the executables STATE/power/H/{on,off,status} (the container tier writes
them for its hosts; other tiers write their own). It listens on a unix socket (bind-mounted
into every container host at /run/hacert-power/power.sock, used by fence_hacert) and on TCP
10.213.0.1:7410 for VMs (peer must be in 10.213.0.0/24 and the line must start with the token).
Protocol: one request line, one reply line: `ok <on|off|...>` or `error <message>`.
`reboot` returns once the host is off; power-on follows in the background.
"""

from __future__ import annotations

import hmac
import os
import socket
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

from .config import (
    CGROUP_NAME,
    CGROUP_ROOTS,
    POWER_TCP,
    POWER_TCP_ALLOWED_PREFIX,
    REPO,
    Paths,
    paths,
)

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(host: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(host, threading.Lock())


def _script(p: Paths, host: str, action: str) -> Path:
    return p.power_dir / host / action


def known_hosts(p: Paths) -> list[str]:
    return (
        sorted(d.name for d in p.power_dir.iterdir() if (d / "status").exists())
        if p.power_dir.exists()
        else []
    )


def _run(p: Paths, host: str, action: str, timeout: float = 180) -> str:
    exe = _script(p, host, action)
    if not os.access(exe, os.X_OK):
        raise RuntimeError(f"no power control for host {host!r} ({exe} missing)")
    cp = subprocess.run([str(exe)], capture_output=True, text=True, timeout=timeout)
    if cp.returncode != 0:
        raise RuntimeError(
            f"{action} {host} failed rc={cp.returncode}: {(cp.stderr or cp.stdout).strip()[-300:]}"
        )
    return cp.stdout.strip()


def dispatch(p: Paths, cmd: str, host: str) -> str:
    if cmd == "list":
        return " ".join(known_hosts(p))
    if host not in known_hosts(p):
        raise RuntimeError(f"unknown host {host!r}")
    if cmd == "status":
        return _run(p, host, "status", 30) or "unknown"
    with _lock(host):
        if cmd == "off":
            _run(p, host, "off")
            return "off"
        if cmd == "on":
            _run(p, host, "on")
            return "on"
        if cmd == "reboot":
            _run(p, host, "off")
            threading.Thread(target=_on_later, args=(p, host), daemon=True).start()
            return "off (power-on follows)"
    raise RuntimeError(f"unknown command {cmd!r}")


def _on_later(p: Paths, host: str) -> None:
    with _lock(host):
        try:
            _run(p, host, "on")
        except Exception as e:
            print(f"power-on after reboot of {host} failed: {e}", flush=True)


class _Handler(socketserver.StreamRequestHandler):
    needs_token = False

    def handle(self) -> None:
        p: Paths = self.server.lab_paths  # type: ignore[attr-defined]
        try:
            line = self.rfile.readline(512).decode(errors="replace").split()
            if self.needs_token:
                peer = self.client_address[0]
                token = p.power_token.read_text().strip()
                if (
                    not peer.startswith(POWER_TCP_ALLOWED_PREFIX)
                    or not line
                    or not hmac.compare_digest(line[0], token)
                ):
                    raise PermissionError("denied")
                line = line[1:]
            if not line:
                raise ValueError("empty request")
            cmd, host = line[0], (line[1] if len(line) > 1 else "")
            print(f"request {cmd} {host} from {self.client_address or 'unix'}", flush=True)
            reply = "ok " + dispatch(p, cmd, host)
        except Exception as e:
            reply = f"error {e}"
        print(f"  -> {reply}", flush=True)
        self.wfile.write((reply + "\n").encode())


class _TcpHandler(_Handler):
    needs_token = True


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve() -> None:
    p = paths()
    for root in CGROUP_ROOTS:
        if root.is_dir():
            cg = root / CGROUP_NAME / "power"
            cg.mkdir(parents=True, exist_ok=True)
            (cg / "cgroup.procs").write_text(str(os.getpid()))
    p.power_socket.parent.mkdir(parents=True, exist_ok=True)
    p.power_socket.unlink(missing_ok=True)
    unix = _UnixServer(str(p.power_socket), _Handler)
    os.chmod(p.power_socket, 0o666)
    tcp = _TcpServer(POWER_TCP, _TcpHandler)
    unix.lab_paths = p  # type: ignore[attr-defined]
    tcp.lab_paths = p  # type: ignore[attr-defined]
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    print(
        f"power switch listening on {p.power_socket} and {POWER_TCP[0]}:{POWER_TCP[1]}", flush=True
    )
    unix.serve_forever()


def request(p: Paths, cmd: str, host: str, timeout: float = 200) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(p.power_socket))
        s.sendall(f"{cmd} {host}\n".encode())
        reply = s.makefile().readline().strip()
    if not reply.startswith("ok"):
        raise RuntimeError(reply or "no reply from power switch")
    return reply[3:]


def write_container_scripts(p: Paths, names: list[str]) -> None:
    env = f"PYTHONPATH={REPO} HACERT_LAB_STATE={p.state} HACERT_LAB_CACHE={p.cache}"
    for name in names:
        d = p.power_dir / name
        d.mkdir(parents=True, exist_ok=True)
        for action in ("on", "off", "status"):
            f = d / action
            f.write_text(
                f"#!/bin/sh\n# container host power ({action}), written by python3 -m lab up\n"
                f"exec env {env} {sys.executable} -m lab.hostpower {action} {name}\n"
            )
            f.chmod(0o755)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()

#!/usr/bin/env python3
"""hacert's cluster lock tool, copied to the nodes and run there (stdlib only, Python 3.7+).

Every mode prints exactly one JSON object on stdout.

  pingpong FILE N [--seconds S] [--rw] [--barrier DIR --peers K --name NAME]
      CTDB ping_pong: lock byte (i+1)%N, unlock byte i, round and round; with --rw read
      byte i, count how much the other nodes incremented it since we last saw it, write it
      back +1 (the "data increment" equals the number of nodes running when coherent).
  hold FILE --kind flock|posix --release PATH [--marker PATH] [--timeout S]
      take an exclusive lock, create MARKER, keep it until PATH exists (or timeout).
  probe FILE --kind flock|posix
      try the lock without blocking: {"locked": true} if someone else holds it.
  acquire FILE --kind flock|posix [--timeout S]
      block until the lock is granted (or timeout): {"granted": true, "waited_s": ...}.
  write FILE --size BYTES --seed SEED / read FILE
      deterministic content, fsync'ed; read reports size and sha256.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import hashlib
import json
import os
import signal
import socket
import sys
import time
from collections import Counter


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def posix_lock(fd: int, start: int, length: int, kind: int, wait: bool = True) -> None:
    """POSIX (fcntl) byte-range lock: F_SETLKW when waiting, F_SETLK otherwise."""
    flags = kind if wait or kind == fcntl.LOCK_UN else kind | fcntl.LOCK_NB
    fcntl.lockf(fd, flags, length, start, os.SEEK_SET)


def barrier(directory: str, name: str, peers: int, timeout: float) -> float:
    """Announce ourselves in DIRECTORY, wait until PEERS have; returns the wait in seconds."""
    start = time.monotonic()
    os.makedirs(directory, exist_ok=True)
    open(os.path.join(directory, "ready." + name), "w").close()
    while time.monotonic() - start < timeout:
        if len([f for f in os.listdir(directory) if f.startswith("ready.")]) >= peers:
            return time.monotonic() - start
        time.sleep(0.05)
    raise TimeoutError(f"only some of {peers} peers reached the barrier in {timeout}s")


def pingpong(args: argparse.Namespace) -> dict:
    n = args.locks
    fd = os.open(args.file, os.O_RDWR | os.O_CREAT, 0o644)
    waited = (
        barrier(args.barrier, args.name, args.peers, args.barrier_timeout) if args.barrier else 0.0
    )
    val = [0] * n
    incr_seen: Counter = Counter()
    posix_lock(fd, 0, 1, fcntl.LOCK_EX)
    i = 0
    count = 0
    t0 = time.monotonic()
    window = (t0 + args.seconds * 0.3, t0 + args.seconds * 0.7)
    loops = 0
    while True:
        now = time.monotonic()
        if now - t0 >= args.seconds:
            break
        posix_lock(fd, (i + 1) % n, 1, fcntl.LOCK_EX)
        if args.rw:
            c = os.pread(fd, 1, i)
            value = c[0] if c else 0
            incr = (value - val[i]) % 256
            val[i] = value
            os.pwrite(fd, bytes([(value + 1) % 256]), i)
            if loops > 1 and window[0] <= now <= window[1]:
                incr_seen[incr] += 1
        posix_lock(fd, i, 1, fcntl.LOCK_UN)
        i = (i + 1) % n
        if i == 0:
            loops += 1
        count += 1
    elapsed = time.monotonic() - t0
    posix_lock(fd, i, 1, fcntl.LOCK_UN)
    os.close(fd)
    out = {
        "mode": "pingpong",
        "host": socket.gethostname(),
        "locks": n,
        "count": count,
        "seconds": round(elapsed, 3),
        "locks_per_sec": round(count / elapsed, 2) if elapsed else 0.0,
        "barrier_wait_s": round(waited, 3),
        "rw": bool(args.rw),
    }
    if args.rw:
        out["increments"] = {str(k): v for k, v in sorted(incr_seen.items())}
        out["increment"] = incr_seen.most_common(1)[0][0] if incr_seen else None
    return out


def _lock(fd: int, kind: str, wait: bool) -> None:
    if kind == "flock":
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    else:
        posix_lock(fd, 0, 0, fcntl.LOCK_EX, wait=wait)


def hold(args: argparse.Namespace) -> dict:
    fd = os.open(args.file, os.O_RDWR | os.O_CREAT, 0o644)
    t0 = time.monotonic()
    _lock(fd, args.kind, True)
    acquired = time.monotonic() - t0
    if args.marker:
        with open(args.marker, "w") as f:
            f.write(socket.gethostname())
    released_by = "timeout"
    while time.monotonic() - t0 < args.timeout:
        if os.path.exists(args.release):
            released_by = "release"
            break
        time.sleep(0.1)
    held = time.monotonic() - t0
    os.close(fd)
    return {
        "mode": "hold",
        "host": socket.gethostname(),
        "kind": args.kind,
        "acquired_after_s": round(acquired, 3),
        "held_s": round(held, 3),
        "ended_by": released_by,
    }


def probe(args: argparse.Namespace) -> dict:
    fd = os.open(args.file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(fd, args.kind, False)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return {
                "mode": "probe",
                "host": socket.gethostname(),
                "kind": args.kind,
                "locked": True,
            }
        raise
    finally:
        os.close(fd)
    return {"mode": "probe", "host": socket.gethostname(), "kind": args.kind, "locked": False}


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def acquire(args: argparse.Namespace) -> dict:
    fd = os.open(args.file, os.O_RDWR | os.O_CREAT, 0o644)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    t0 = time.monotonic()
    try:
        _lock(fd, args.kind, True)
        granted = True
    except _Timeout:
        granted = False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    waited = time.monotonic() - t0
    os.close(fd)
    return {
        "mode": "acquire",
        "host": socket.gethostname(),
        "kind": args.kind,
        "granted": granted,
        "waited_s": round(waited, 3),
    }


def _content(size: int, seed: str) -> bytes:
    out = bytearray()
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        out += block
        block = hashlib.sha256(block).digest()
    return bytes(out[:size])


def write(args: argparse.Namespace) -> dict:
    data = _content(args.size, args.seed)
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return {
        "mode": "write",
        "host": socket.gethostname(),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def read(args: argparse.Namespace) -> dict:
    digest = hashlib.sha256()
    size = 0
    with open(args.file, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return {
        "mode": "read",
        "host": socket.gethostname(),
        "size": size,
        "stat_size": os.stat(args.file).st_size,
        "sha256": digest.hexdigest(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="locktool")
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("pingpong")
    p.add_argument("file")
    p.add_argument("locks", type=int)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--rw", action="store_true")
    p.add_argument("--barrier")
    p.add_argument("--peers", type=int, default=1)
    p.add_argument("--name", default=socket.gethostname())
    p.add_argument("--barrier-timeout", type=float, default=60.0)
    for mode in ("hold", "probe", "acquire"):
        q = sub.add_parser(mode)
        q.add_argument("file")
        q.add_argument("--kind", choices=("flock", "posix"), required=True)
        q.add_argument("--timeout", type=float, default=60.0)
        if mode == "hold":
            q.add_argument("--release", required=True)
            q.add_argument("--marker")
    w = sub.add_parser("write")
    w.add_argument("file")
    w.add_argument("--size", type=int, required=True)
    w.add_argument("--seed", required=True)
    r = sub.add_parser("read")
    r.add_argument("file")
    args = parser.parse_args(argv)
    handler = {
        "pingpong": pingpong,
        "hold": hold,
        "probe": probe,
        "acquire": acquire,
        "write": write,
        "read": read,
    }[args.mode]
    try:
        emit(handler(args))
    except (OSError, TimeoutError) as error:
        emit({"mode": args.mode, "host": socket.gethostname(), "error": str(error)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""OpenSSH known_hosts files, read and appended to as OpenSSH does.

paramiko's own loader takes ``@revoked`` / ``@cert-authority`` lines for host names (or
fails on them) and its ``save_host_keys`` rewrites the whole file. Here: markers are
understood, hashed names (``|1|salt|hash``), wildcards and negations match as in sshd's
``match_hostname``, a line that cannot be read is skipped (as OpenSSH does), and a new key
is appended as one line, the rest of the file left byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import paramiko

REVOKED = "@revoked"
CERT_AUTHORITY = "@cert-authority"
_APPEND_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One key line: an optional marker, the host patterns, the key."""

    marker: str | None
    patterns: tuple[str, ...]
    key_type: str
    blob: bytes

    def matches(self, name: str) -> bool:
        hit = False
        for pattern in self.patterns:
            negated = pattern.startswith("!")
            if _pattern_matches(pattern.removeprefix("!"), name):
                if negated:
                    return False
                hit = True
        return hit

    def pkey(self) -> paramiko.PKey | None:
        try:
            return paramiko.PKey.from_type_string(self.key_type, self.blob)
        except (paramiko.SSHException, ValueError, TypeError):
            return None


def _pattern_matches(pattern: str, name: str) -> bool:
    if pattern.startswith("|1|"):
        try:
            salt, digest = (base64.b64decode(p) for p in pattern[3:].split("|", 1))
        except (binascii.Error, ValueError):
            return False
        mine = hmac.new(salt, name.encode(), hashlib.sha1).digest()
        return hmac.compare_digest(mine, digest)
    regex = "".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower()
    )
    return re.fullmatch(regex, name.lower()) is not None


def parse_line(line: str) -> Entry | None:
    """The entry on one line, or None for a blank, comment or unreadable line."""
    fields = line.split()
    if not fields or fields[0].startswith("#"):
        return None
    marker = fields.pop(0) if fields[0].startswith("@") else None
    if marker not in (None, REVOKED, CERT_AUTHORITY) or len(fields) < 3:
        return None
    try:
        blob = base64.b64decode(fields[2], validate=True)
    except (binascii.Error, ValueError):
        return None
    return Entry(marker, tuple(fields[0].split(",")), fields[1], blob)


class KnownHosts:
    """The entries of some known_hosts files (missing files are empty)."""

    def __init__(self, paths: list[Path]) -> None:
        self.entries: list[Entry] = []
        for path in paths:
            if path.is_file():
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                self.entries += [e for e in map(parse_line, lines) if e is not None]

    def keys_for(self, name: str) -> list[Entry]:
        """Plain (unmarked) keys listed for ``name``."""
        return [e for e in self.entries if e.marker is None and e.matches(name)]

    def revoked(self, name: str, key: paramiko.PKey) -> bool:
        blob = key.asbytes()
        return any(e.marker == REVOKED and e.blob == blob and e.matches(name) for e in self.entries)

    def has_cert_authority(self, name: str) -> bool:
        return any(e.marker == CERT_AUTHORITY and e.matches(name) for e in self.entries)


def append(path: Path, name: str, key: paramiko.PKey) -> None:
    """Adds ``name key`` as one line at the end of ``path``, touching nothing else."""
    line = f"{name} {key.get_name()} {key.get_base64()}\n"
    with _APPEND_LOCK:
        if any(e.blob == key.asbytes() for e in KnownHosts([path]).keys_for(name)):
            return  # another connection to the host added it meanwhile
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            if handle.tell() > 0:
                with path.open("rb") as reader:
                    reader.seek(-1, 2)
                    if reader.read(1) != b"\n":
                        handle.write(b"\n")
            handle.write(line.encode())

"""known_hosts as OpenSSH reads and writes it, against a real sshd on loopback: @revoked and
@cert-authority lines, hashed names, and accept-new appending one line, never rewriting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hacert.errors import HostKeyRejected
from hacert.inventory.settings import ConnectionSettings
from hacert.transport import ConnectionPool
from tests.conftest import LoopbackSshd
from tests.unit.test_transport import settings


@pytest.fixture
def pool() -> Iterator[ConnectionPool]:
    created = ConnectionPool()
    yield created
    created.close_all()


def _name(sshd: LoopbackSshd) -> str:
    return f"[127.0.0.1]:{sshd.port}"


def _other_key(sshd: LoopbackSshd) -> str:
    kind, blob = Path(f"{sshd.other_key_file}.pub").read_text().split()[:2]
    return f"{kind} {blob}"


def _hashed(name: str) -> str:
    salt = os.urandom(20)
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def _target(sshd: LoopbackSshd, path: Path, text: str, **changes: object) -> ConnectionSettings:
    path.write_text(text)
    return replace(settings(sshd), known_hosts=path, **changes)  # type: ignore[arg-type]


def test_marker_lines_are_understood_not_fatal(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = (
        "# site CA and a retired key\n"
        f"@cert-authority *.example.org {_other_key(loopback_sshd)}\n"
        f"@revoked * {_other_key(loopback_sshd)}\n"
        f"{_name(loopback_sshd)} {loopback_sshd.host_key_pub}\n"
    )
    target = _target(loopback_sshd, tmp_path / "known_hosts", text)
    assert pool.connect(target).run("true").ok


def test_revoked_key_is_refused_even_when_also_listed_as_known(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = (
        f"{_name(loopback_sshd)} {loopback_sshd.host_key_pub}\n"
        f"@revoked {_name(loopback_sshd)} {loopback_sshd.host_key_pub}\n"
    )
    target = _target(loopback_sshd, tmp_path / "known_hosts", text)
    with pytest.raises(HostKeyRejected, match="REVOKED"):
        pool.connect(target)


def test_revoked_key_is_not_accepted_as_new(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = f"@revoked * {loopback_sshd.host_key_pub}\n"
    path = tmp_path / "known_hosts"
    target = _target(loopback_sshd, path, text, host_keys="accept-new")
    with pytest.raises(HostKeyRejected, match="REVOKED"):
        pool.connect(target)
    assert path.read_text() == text


def test_host_trusted_only_through_a_cert_authority_says_why_it_is_refused(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = f"@cert-authority [127.0.0.*]:* {_other_key(loopback_sshd)}\n"
    target = _target(loopback_sshd, tmp_path / "known_hosts", text)
    with pytest.raises(HostKeyRejected, match="cannot verify host certificates"):
        pool.connect(target)


def test_hashed_entry_is_honoured(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = f"{_hashed(_name(loopback_sshd))} {loopback_sshd.host_key_pub}\n"
    target = _target(loopback_sshd, tmp_path / "known_hosts", text)
    assert pool.connect(target).run("true").ok


def test_negated_pattern_excludes_the_host(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    text = f"[127.0.0.*]:*,!{_name(loopback_sshd)} {loopback_sshd.host_key_pub}\n"
    target = _target(loopback_sshd, tmp_path / "known_hosts", text)
    with pytest.raises(HostKeyRejected, match="unknown"):
        pool.connect(target)


def test_accept_new_appends_one_line_and_keeps_the_file_byte_for_byte(
    loopback_sshd: LoopbackSshd, tmp_path: Path
) -> None:
    before = (
        "# my hosts — keep this comment\n"
        "\n"
        f"{_hashed('elsewhere.example.org')} {_other_key(loopback_sshd)}\n"
        f"@cert-authority *.example.org {_other_key(loopback_sshd)}\n"
        "  odd   spacing.example.org   " + _other_key(loopback_sshd).replace(" ", "\t") + "\n"
        "no-newline-at-end.example.org " + _other_key(loopback_sshd)
    )
    path = tmp_path / "known_hosts"
    target = _target(loopback_sshd, path, before, host_keys="accept-new")
    for _ in range(2):
        pool = ConnectionPool()
        try:
            assert pool.connect(target).run("true").ok
        finally:
            pool.close_all()
    after = path.read_bytes()
    added = f"\n{_name(loopback_sshd)} {loopback_sshd.host_key_pub}\n".encode()
    assert after == before.encode() + added

"""The SSH transport against a real sshd on loopback: timeouts, errors, quoting, reuse."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import paramiko
import pytest

from hacert import transport
from hacert.errors import (
    AuthenticationFailed,
    CommandTimeout,
    HostKeyRejected,
    HostUnreachable,
    ToolMissing,
)
from hacert.inventory.settings import ConnectionSettings
from hacert.transport import ConnectionPool
from tests.conftest import LoopbackSshd


def settings(sshd: LoopbackSshd, **changes: object) -> ConnectionSettings:
    base = ConnectionSettings(
        host="loop",
        cluster="test",
        address="127.0.0.1",
        port=sshd.port,
        user="root",
        key_file=sshd.key_file,
        password=None,
        sudo=False,
        host_keys="verify",
        known_hosts=sshd.known_hosts,
        connect_timeout=3.0,
        command_timeout=30.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def pool() -> Iterator[ConnectionPool]:
    created = ConnectionPool()
    yield created
    created.close_all()


def test_runs_a_command_and_returns_a_typed_result(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    connection = pool.connect(settings(loopback_sshd))
    result = connection.run("echo out; echo err >&2; exit 3")
    assert (result.exit_status, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert result.host == "loop" and result.duration < 5
    assert connection.host_key_fingerprint and connection.host_key_fingerprint.startswith("SHA256:")


def test_command_past_its_timeout_is_killed_within_timeout_plus_two_seconds(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    marker = f"sleep 37.{uuid.uuid4().int % 1000}"
    connection = pool.connect(settings(loopback_sshd))
    started = time.monotonic()
    with pytest.raises(CommandTimeout, match="timeout"):
        connection.run(marker, timeout=2)
    assert time.monotonic() - started < 2 + 2
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert leftover.stdout == "", "the remote command must be killed, not abandoned"


def test_host_dropping_packets_fails_within_connect_timeout(
    dropping_address: str, loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    started = time.monotonic()
    with pytest.raises(HostUnreachable, match="no answer"):
        pool.connect(
            settings(loopback_sshd, address=dropping_address, port=22, connect_timeout=2.0)
        )
    assert time.monotonic() - started < 2 + 1.5
    started = time.monotonic()
    with pytest.raises(HostUnreachable, match="remembered"):
        pool.connect(
            settings(loopback_sshd, address=dropping_address, port=22, connect_timeout=2.0)
        )
    assert time.monotonic() - started < 0.5


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts TCP connections and never says a word (a hung sshd)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_server_that_hangs_up_after_its_banner(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    """sshd dying mid-handshake (MaxStartups, a host being fenced): paramiko raises EOFError."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn = server.accept()[0]
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
        conn.recv(256)
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = int(server.getsockname()[1])
    try:
        with pytest.raises(HostUnreachable, match="closed the connection during the SSH handshake"):
            pool.connect(settings(loopback_sshd, port=port)).run("true")
    finally:
        thread.join(5)
        server.close()


def test_sshd_that_accepts_but_never_answers(
    loopback_sshd: LoopbackSshd, silent_server: int, pool: ConnectionPool
) -> None:
    started = time.monotonic()
    with pytest.raises(HostUnreachable):
        pool.connect(settings(loopback_sshd, port=silent_server, connect_timeout=2.0))
    assert time.monotonic() - started < 2 + 3


def test_refused_port_is_unreachable(loopback_sshd: LoopbackSshd, pool: ConnectionPool) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = int(sock.getsockname()[1])
    with pytest.raises(HostUnreachable, match="cannot connect"):
        pool.connect(settings(loopback_sshd, port=free))


def test_wrong_key_is_an_authentication_error(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    with pytest.raises(AuthenticationFailed, match="authentication failed"):
        pool.connect(settings(loopback_sshd, key_file=loopback_sshd.other_key_file))


def test_unknown_host_key_is_refused_by_default_with_how_to_trust_it(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(HostKeyRejected, match="ssh-keyscan"):
        pool.connect(settings(loopback_sshd, known_hosts=empty))


def test_changed_host_key_is_refused(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    other = (Path(str(loopback_sshd.other_key_file)).with_suffix(".pub")).read_text().split()
    wrong = tmp_path / "known_hosts"
    wrong.write_text(f"[127.0.0.1]:{loopback_sshd.port} {other[0]} {other[1]}\n")
    with pytest.raises(HostKeyRejected, match="CHANGED"):
        pool.connect(settings(loopback_sshd, known_hosts=wrong))


def test_accept_new_trusts_on_first_use(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    fresh = tmp_path / "known_hosts"
    pool.connect(settings(loopback_sshd, known_hosts=fresh, host_keys="accept-new"))
    assert loopback_sshd.host_key_pub.split()[1] in fresh.read_text()


def test_missing_tool_is_reported_as_such(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    with pytest.raises(ToolMissing, match="not found"):
        pool.connect(settings(loopback_sshd)).run("no-such-tool-hacert --version")


def test_inventory_values_reach_the_host_as_data(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, tmp_path: Path
) -> None:
    canary = tmp_path / "injected"
    hostile = [
        f"; touch {canary}",
        f"$(touch {canary})",
        f"`touch {canary}`",
        f"' ; touch {canary} ; '",
        f'" ; touch {canary} ; "',
        f"\ntouch {canary}\n",
        f"| touch {canary}",
    ]
    connection = pool.connect(settings(loopback_sshd))
    for value in hostile:
        result = connection.run(["printf", "%s", value])
        assert result.stdout == value
    assert not canary.exists()


def test_huge_output_is_capped_and_does_not_hang(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    connection = pool.connect(settings(loopback_sshd))
    started = time.monotonic()
    result = connection.run("head -c 10485760 /dev/zero | tr '\\0' x", max_output=1024 * 1024)
    assert result.truncated and len(result.stdout) == 1024 * 1024
    assert time.monotonic() - started < 20


def test_one_connection_per_host_is_reused(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    target = settings(loopback_sshd)
    for _ in range(30):
        pool.connect(target).run("true")
    assert pool.open_count() == 1


def test_open_connections_are_capped_least_recently_used_first(loopback_sshd: LoopbackSshd) -> None:
    pool = ConnectionPool(max_open=3)
    try:
        for index in range(8):
            pool.connect(settings(loopback_sshd, host=f"h{index}")).run("true")
            assert pool.open_count() <= 3
        assert pool.peak_open == 3
        pool.connect(settings(loopback_sshd, host="h0")).run("true")
        assert pool.open_count() == 3
    finally:
        pool.close_all()


def test_host_going_away_while_a_session_opens_is_unreachable(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host fenced between two commands: paramiko raises a bare EOFError from open_session."""
    connection = pool.connect(settings(loopback_sshd))
    assert connection.run("true").ok

    def gone(*_args: object, **_kwargs: object) -> None:
        raise EOFError

    monkeypatch.setattr(paramiko.Transport, "open_session", gone)
    with pytest.raises(HostUnreachable, match="SSH session failed: EOFError"):
        connection.run("true")
    monkeypatch.undo()
    assert pool.connect(settings(loopback_sshd)).run("true").ok  # reconnects afterwards


@pytest.fixture
def frozen_pids() -> Iterator[list[int]]:
    """Processes a test froze with SIGSTOP; killed afterwards."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        subprocess.run(["kill", "-KILL", str(pid)], capture_output=True)


def _hang(pool: ConnectionPool, target: ConnectionSettings, work: Path, frozen: list[int]) -> None:
    """Runs a command whose `timeout` wrapper freezes: it never reports back."""
    pid_file = work / f"timeout.{len(frozen)}.pid"
    with pytest.raises(CommandTimeout, match="host stopped answering"):
        try:
            pool.connect(target).run(f"echo $PPID > {pid_file}; kill -STOP $PPID", timeout=1)
        finally:
            frozen.append(int(pid_file.read_text()))


def test_host_that_stops_answering_fails_fast_afterwards(
    loopback_sshd: LoopbackSshd,
    pool: ConnectionPool,
    tmp_path: Path,
    frozen_pids: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Later commands to a host that stopped answering fail at once instead of each waiting its
    timeout, until the host is forgotten (a scenario waiting for it) or a short probe on a new
    session answers (every HUNG_RETRY_S)."""
    target = settings(loopback_sshd)
    started = time.monotonic()
    _hang(pool, target, tmp_path, frozen_pids)
    assert time.monotonic() - started < 1 + 3 + 1.5
    started = time.monotonic()
    for _ in range(5):
        with pytest.raises(CommandTimeout, match="previous command timed out after 1 s"):
            pool.connect(target).run("true")
    assert time.monotonic() - started < 0.5
    pool.forget(target.cluster, target.host)
    assert pool.connect(target).run("true").ok
    _hang(pool, target, tmp_path, frozen_pids)
    with pytest.raises(CommandTimeout, match="stopped answering"):
        pool.connect(target)
    monkeypatch.setattr(transport, "HUNG_RETRY_S", 0.0)
    assert pool.connect(target).run("true").ok


def test_a_command_killed_by_its_timeout_does_not_mark_the_host_hung(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    connection = pool.connect(settings(loopback_sshd))
    with pytest.raises(CommandTimeout, match="ran past its 1 s timeout"):
        connection.run("sleep 30", timeout=1)
    assert pool.connect(settings(loopback_sshd)).run("true").ok


def test_output_sent_after_the_exit_status_is_kept(
    loopback_sshd: LoopbackSshd, pool: ConnectionPool
) -> None:
    """sshd reports the exit status before output still in flight: read on until EOF."""
    result = pool.connect(settings(loopback_sshd)).run("(sleep 0.5; echo LATE) & echo early")
    assert result.stdout.split() == ["early", "LATE"]

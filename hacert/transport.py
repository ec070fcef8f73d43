"""SSH transport: one paramiko connection per host per process, a timeout on every command.

Every command runs remotely under coreutils ``timeout`` so a hung command is killed on the
host, not merely abandoned; a local deadline a little later guards against a host that stops
answering altogether. Errors are typed (see ``hacert.errors``) so reports can tell an
unreachable host (broken) from a cluster defect (failed).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import select
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import paramiko

from hacert import known_hosts, shell
from hacert.errors import (
    AuthenticationFailed,
    CommandTimeout,
    HostKeyRejected,
    HostUnreachable,
    InfrastructureError,
    SudoRefused,
    ToolMissing,
)
from hacert.inventory.settings import ConnectionSettings
from hacert.known_hosts import KnownHosts
from hacert.secrets import redact

log = logging.getLogger(__name__)

KILL_GRACE_S = 2.0
LOCAL_GRACE_S = 3.0
DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024
EOF_GRACE_S = 1.0
UNREACHABLE_MEMORY_S = 15.0
HUNG_RETRY_S = 30.0
HUNG_PROBE_S = 5.0
DEFAULT_MAX_OPEN = 32
_TIMEOUT_EXIT = 124
_NOT_FOUND_EXIT = 127


@dataclass(frozen=True)
class CommandResult:
    """What one remote command did."""

    host: str
    command: str
    exit_status: int
    stdout: str
    stderr: str
    duration: float
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def check(self) -> CommandResult:
        """Raises CommandFailed unless the command exited 0."""
        if not self.ok:
            raise CommandFailed(self)
        return self

    def describe(self) -> str:
        err = self.stderr.strip().splitlines()[-1:] if self.stderr.strip() else []
        tail = f": {err[0]}" if err else ""
        return redact(f"`{self.command}` exited {self.exit_status}{tail}")


class CommandFailed(InfrastructureError):
    """A command the check relies on failed (only raised when the caller asks: check=True)."""

    def __init__(self, result: CommandResult) -> None:
        self.result = result
        super().__init__(result.describe(), host=result.host)


class _AcceptAny(paramiko.MissingHostKeyPolicy):
    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        return None


class _KnownHostsPolicy(paramiko.MissingHostKeyPolicy):
    """A key not listed for the host: refused if revoked or if the host has other keys;
    appended to known_hosts under ``accept-new``; otherwise refused with how to trust it."""

    def __init__(self, settings: ConnectionSettings, known: KnownHosts, path: Path) -> None:
        self.settings, self.known, self.path = settings, known, path

    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        s, name = self.settings, _known_hosts_name(self.settings)
        if self.known.revoked(name, key):
            raise _revoked(s, key)
        if self.known.keys_for(name):
            raise _changed(s, key)
        if s.host_keys == "accept-new":
            known_hosts.append(self.path, name, key)
            return
        ca_limit = (
            "; known_hosts trusts a @cert-authority for it, but hacert (paramiko) cannot verify "
            "host certificates, so list the host's own key"
            if self.known.has_cert_authority(name)
            else ""
        )
        raise HostKeyRejected(
            f"host key for {s.address}:{s.port} is unknown{ca_limit}; after verifying it, "
            f"trust it with `ssh-keyscan -p {s.port} {s.address} >> {self.path}` or set "
            "`host_keys: accept-new` in the inventory",
            host=s.label,
        )


def _revoked(s: ConnectionSettings, key: paramiko.PKey) -> HostKeyRejected:
    return HostKeyRejected(
        f"host key for {s.address}:{s.port} ({fingerprint(key)}) is REVOKED (@revoked in "
        "known_hosts); the host must get a new key",
        host=s.label,
    )


def _changed(s: ConnectionSettings, key: paramiko.PKey) -> HostKeyRejected:
    return HostKeyRejected(
        f"host key for {s.address}:{s.port} CHANGED (got {fingerprint(key)}); "
        f"if the host was reinstalled, remove the old key with "
        f"`ssh-keygen -R {_known_hosts_name(s)}` and re-trust it",
        host=s.label,
    )


def fingerprint(key: paramiko.PKey) -> str:
    """The key's SHA256 fingerprint as ``ssh-keygen -l`` prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class Connection:
    """An SSH session to one host, opened lazily, reopened if it drops."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._client: paramiko.SSHClient | None = None
        self._lock = threading.Lock()
        self.host_key_fingerprint: str | None = None
        self.hung: tuple[float, CommandTimeout] | None = None

    @property
    def name(self) -> str:
        return self.settings.host

    def _open(self) -> paramiko.SSHClient:
        s = self.settings
        client = paramiko.SSHClient()
        known_hosts = s.known_hosts or Path("~/.ssh/known_hosts").expanduser()
        if s.host_keys == "ignore":
            client.set_missing_host_key_policy(_AcceptAny())
        else:
            known = KnownHosts([Path("~/.ssh/known_hosts").expanduser(), known_hosts])
            _trust(client, known, s)
            client.set_missing_host_key_policy(_KnownHostsPolicy(s, known, known_hosts))
        where = f"{s.user}@{s.address}:{s.port}"
        try:
            client.connect(
                s.address,
                port=s.port,
                username=s.user,
                key_filename=str(s.key_file) if s.key_file else None,
                password=s.password,
                timeout=s.connect_timeout,
                banner_timeout=s.connect_timeout,
                auth_timeout=s.connect_timeout,
                channel_timeout=s.connect_timeout,
                allow_agent=s.key_file is None and s.password is None,
                look_for_keys=s.key_file is None and s.password is None,
            )
        except HostKeyRejected:
            client.close()
            raise
        except paramiko.BadHostKeyException as error:
            client.close()
            revoked = s.host_keys != "ignore" and known.revoked(_known_hosts_name(s), error.key)
            raise (_revoked(s, error.key) if revoked else _changed(s, error.key)) from None
        except paramiko.AuthenticationException:
            client.close()
            raise AuthenticationFailed(
                f"authentication failed for {where} (check the user and key_file in the inventory)",
                host=s.label,
            ) from None
        except paramiko.SSHException as error:
            client.close()
            raise HostUnreachable(f"SSH to {where} failed: {error}", host=s.label) from None
        except TimeoutError:
            client.close()
            raise HostUnreachable(
                f"no answer from {where} within {s.connect_timeout:g} s", host=s.label
            ) from None
        except EOFError:
            client.close()
            raise HostUnreachable(
                f"{where} closed the connection during the SSH handshake", host=s.label
            ) from None
        except OSError as error:
            client.close()
            raise HostUnreachable(
                f"cannot connect to {where}: {error.strerror or error}", host=s.label
            ) from None
        transport = client.get_transport()
        if transport is not None:
            transport.set_keepalive(10)
            self.host_key_fingerprint = fingerprint(transport.get_remote_server_key())
        return client

    def _transport(self) -> paramiko.Transport:
        with self._lock:
            if self._client is not None:
                transport = self._client.get_transport()
                if transport is not None and transport.is_active():
                    return transport
                self._client.close()
                self._client = None
            self._client = self._open()
            transport = self._client.get_transport()
            assert transport is not None
            return transport

    def connect(self) -> None:
        """Opens the session now (it is otherwise opened by the first command)."""
        self._transport()

    def run(
        self,
        command: str | Sequence[object],
        *,
        timeout: float | None = None,
        sudo: bool | None = None,
        stdin: str | None = None,
        check: bool = False,
        missing_ok: bool = False,
        max_output: int = DEFAULT_MAX_OUTPUT,
    ) -> CommandResult:
        """Runs ``command`` (a shell line, or an argv that gets quoted) on the host."""
        line = command if isinstance(command, str) else shell.join(command)
        limit = self.settings.command_timeout if timeout is None else timeout
        use_sudo = self.settings.sudo if sudo is None else sudo
        wrapped = f"timeout -k {KILL_GRACE_S:g} {limit:g} sh -c {shell.quote(line)}"
        if use_sudo:
            wrapped = f"sudo -n -- {wrapped}"
        started = time.monotonic()
        channel = self._open_channel()
        try:
            channel.exec_command(wrapped)
            if stdin is not None:
                channel.sendall(stdin.encode())
            channel.shutdown_write()
            out, err, truncated = _drain(channel, started + limit + LOCAL_GRACE_S, max_output)
            if out is None:
                raise self._stopped_answering(line, limit)
            status = channel.recv_exit_status()
        except (OSError, EOFError, paramiko.SSHException) as error:
            self.close()
            raise HostUnreachable(
                f"connection lost while `{redact(line)}` ran: {_reason(error)}",
                host=self.settings.label,
            ) from None
        finally:
            channel.close()
        duration = time.monotonic() - started
        result = CommandResult(
            host=self.settings.host,
            command=line,
            exit_status=status,
            stdout=out.decode("utf-8", "replace"),
            stderr=err.decode("utf-8", "replace"),
            duration=duration,
            truncated=truncated,
        )
        log.debug("%s: %s -> %s (%.2fs)", self.settings.label, redact(line), status, duration)
        self._raise_for_infrastructure(result, limit, use_sudo, missing_ok)
        return result.check() if check else result

    def _stopped_answering(self, line: str, limit: float) -> CommandTimeout:
        """Remembers that the host hung (its later commands fail at once) and closes the session."""
        error = CommandTimeout(
            f"`{redact(line)}` did not finish within {limit:g} s (host stopped answering)",
            host=self.settings.label,
        )
        remembered = CommandTimeout(
            f"host {self.settings.label} stopped answering: a previous command timed out after "
            f"{limit:g} s (`{redact(line)}`)",
            host=self.settings.label,
        )
        self.hung = (time.monotonic(), remembered)
        self.close()
        return error

    def _open_channel(self) -> paramiko.Channel:
        try:
            return self._transport().open_session(timeout=self.settings.connect_timeout)
        except (OSError, EOFError, paramiko.SSHException) as error:  # EOF: the host went away
            self.close()
            raise HostUnreachable(
                f"SSH session failed: {_reason(error)}", host=self.settings.label
            ) from None

    def _raise_for_infrastructure(
        self, result: CommandResult, limit: float, use_sudo: bool, missing_ok: bool
    ) -> None:
        label = self.settings.label
        if result.exit_status == -1:
            raise HostUnreachable(
                f"connection lost while `{redact(result.command)}` ran (host went away?)",
                host=label,
            )
        if result.exit_status in (_TIMEOUT_EXIT, 128 + 9) and result.duration >= limit - 0.5:
            raise CommandTimeout(
                f"`{redact(result.command)}` ran past its {limit:g} s timeout and was killed",
                host=label,
            )
        if use_sudo and result.exit_status == 1 and result.stderr.startswith("sudo:"):
            raise SudoRefused(
                f"sudo -n refused ({result.stderr.strip()}); give {self.settings.user} "
                "passwordless sudo (NOPASSWD) or connect as root",
                host=label,
            )
        if result.exit_status == _NOT_FOUND_EXIT and not missing_ok:
            raise ToolMissing(
                f"`{redact(result.command)}`: command not found ({result.stderr.strip()[:200]}); "
                "install the package that provides it",
                host=label,
            )

    @property
    def is_open(self) -> bool:
        return self._client is not None

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _reason(error: BaseException) -> str:
    """The error's text, or its type when it has none (paramiko's bare EOFError)."""
    return str(error) or type(error).__name__


def _trust(client: paramiko.SSHClient, known: KnownHosts, s: ConnectionSettings) -> None:
    """Gives paramiko the host's plain keys (so it asks for their types) but no revoked one."""
    name = _known_hosts_name(s)
    for entry in known.keys_for(name):
        key = entry.pkey()
        if key is not None and not known.revoked(name, key):
            client.get_host_keys().add(name, entry.key_type, key)


def _known_hosts_name(s: ConnectionSettings) -> str:
    return s.address if s.port == 22 else f"[{s.address}]:{s.port}"


def _drain(
    channel: paramiko.Channel, deadline: float, max_output: int
) -> tuple[bytes | None, bytes, bool]:
    out, err = bytearray(), bytearray()
    truncated = False
    exited_at: float | None = None
    while True:
        got = False
        while channel.recv_ready():
            chunk = channel.recv(65536)
            got = True
            if len(out) < max_output:
                out += chunk[: max_output - len(out)]
            truncated = truncated or len(out) >= max_output
        while channel.recv_stderr_ready():
            chunk = channel.recv_stderr(65536)
            got = True
            if len(err) < max_output:
                err += chunk[: max_output - len(err)]
        if got:
            exited_at = None
        elif channel.exit_status_ready():
            # sshd may report the exit status before the last output: read on until EOF (a
            # command that leaves a background process holding stdout gets a short grace)
            exited_at = exited_at or time.monotonic()
            if channel.eof_received or time.monotonic() - exited_at > EOF_GRACE_S:
                return bytes(out), bytes(err), truncated
        if time.monotonic() > deadline:
            return None, bytes(err), truncated
        if not got:
            select.select([channel], [], [], 0.2)


class ConnectionPool:
    """One Connection per host per process, at most ``max_open`` open at once.

    Beyond the cap the least recently used connection is closed (a worker checking many
    clusters one after the other keeps only the recent ones open). Unreachable hosts are
    remembered for a while so that every later check on them fails at once.
    """

    def __init__(self, max_open: int = DEFAULT_MAX_OPEN) -> None:
        self.max_open = max_open
        self._connections: OrderedDict[tuple[str, str], Connection] = OrderedDict()
        self._failures: dict[tuple[str, str], tuple[float, InfrastructureError]] = {}
        self._lock = threading.Lock()
        self._opening = 0
        self.peak_open = 0

    def get(self, settings: ConnectionSettings) -> Connection:
        key = (settings.cluster, settings.host)
        with self._lock:
            connection = self._connections.get(key)
            if connection is None or connection.settings != settings:
                connection = Connection(settings)
                self._connections[key] = connection
            self._connections.move_to_end(key)
            return connection

    def connect(self, settings: ConnectionSettings) -> Connection:
        """Returns a connected Connection, failing fast for a host that just failed or hung."""
        key = (settings.cluster, settings.host)
        failure = self._failures.get(key)
        if failure and time.monotonic() - failure[0] < UNREACHABLE_MEMORY_S:
            raise type(failure[1])(f"{failure[1]} (remembered from an earlier attempt)")
        connection = self.get(settings)
        if connection.hung:
            self._probe_hung(connection)
        reserved = False
        with self._lock:
            if not connection.is_open:
                self._opening += 1
                reserved = True
                self._make_room()
        try:
            connection.connect()
        except (HostUnreachable, AuthenticationFailed, HostKeyRejected) as error:
            self._failures[key] = (time.monotonic(), error)
            raise
        finally:
            if reserved:
                with self._lock:
                    self._opening -= 1
        self._failures.pop(key, None)
        self.peak_open = max(self.peak_open, self.open_count())
        return connection

    @staticmethod
    def _probe_hung(connection: Connection) -> None:
        """Fails at once for a host that stopped answering; every HUNG_RETRY_S one short
        command on a new session may prove it answers again (say, after a reboot)."""
        assert connection.hung is not None
        since, remembered = connection.hung
        if time.monotonic() - since < HUNG_RETRY_S:
            raise remembered
        connection.hung = None
        try:
            connection.run("true", timeout=HUNG_PROBE_S)
        except CommandTimeout:
            connection.hung = (time.monotonic(), remembered)
            raise remembered from None

    def forget(self, cluster: str, host: str) -> None:
        """Drops the memory that ``host`` was unreachable or hung (it was just powered back on,
        fenced, or a scenario waits for it on purpose)."""
        self._failures.pop((cluster, host), None)
        connection = self._connections.get((cluster, host))
        if connection is not None:
            connection.hung = None

    def _make_room(self) -> None:
        """Closes least recently used connections so open + being opened <= max_open."""
        open_ones = [c for c in self._connections.values() if c.is_open]
        excess = len(open_ones) + self._opening - self.max_open
        for connection in open_ones[: max(0, excess)]:
            connection.close()

    def open_count(self) -> int:
        return sum(1 for c in list(self._connections.values()) if c.is_open)

    def close_all(self) -> None:
        with self._lock:
            for connection in self._connections.values():
                connection.close()
            self._connections.clear()


POOL = ConnectionPool()

"""Exceptions hacert raises.

Two families matter to reports: ``InfrastructureError`` (the check could not look: host
unreachable, command timed out, tool missing) is shown as *broken*; a failed assertion
about the cluster is shown as *failed*.
"""

from __future__ import annotations

from hacert.text import quote


class HacertError(Exception):
    """Base class of hacert's own errors."""


class ConfigurationError(HacertError):
    """A user-supplied file (inventory, rubric, waivers) is invalid: one line says why."""


class InfrastructureError(HacertError):
    """The suite could not observe the cluster; not a verdict about the cluster."""

    def __init__(self, message: str, *, host: str | None = None) -> None:
        self.host = host
        super().__init__(quote(f"{host}: {message}" if host else message))


class HostUnreachable(InfrastructureError):
    """No SSH session could be opened (no route, refused, dropped, sshd silent)."""


class AuthenticationFailed(InfrastructureError):
    """The host answered but refused the credentials."""


class HostKeyRejected(InfrastructureError):
    """The host's key is unknown or changed and host key checking is on."""


class CommandTimeout(InfrastructureError):
    """A remote command ran past its timeout and was killed."""


class ToolMissing(InfrastructureError):
    """A command the check needs is not installed on the host."""


class SudoRefused(InfrastructureError):
    """sudo -n refused: it would have asked for a password, or the user may not sudo."""


class UnexpectedOutput(InfrastructureError):
    """A tool's output could not be parsed into the expected shape."""


class Interrupted(HacertError):
    """The run was interrupted (Ctrl-C, SIGTERM, the run watchdog) while the check ran."""

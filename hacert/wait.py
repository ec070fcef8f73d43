"""Waiting for the cluster: the one poll loop every wait in hacert goes through.

Every wait looks at once, then every ``interval`` seconds, and a last time exactly at
``timeout`` (it never sleeps past it). Two forms:

- :func:`wait_for` when the state *must* be reached for hacert to go on (a restore, a
  precondition): it returns the first truthy value or raises :class:`WaitTimeout`, an
  :class:`InfrastructureError`, so an uncaught timeout reports the check as *broken*;
- :func:`poll` when reaching the state within its time is what a check judges (an SLO): the
  caller looks at each attempt, keeps the last value and decides the verdict itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from hacert.errors import InfrastructureError

T = TypeVar("T")


class WaitTimeout(InfrastructureError):
    """``what`` was not reached within ``timeout`` s; ``last`` is the last value seen,
    ``error`` the exception of the last attempt if it raised one it was told to ignore."""

    def __init__(
        self,
        what: str,
        *,
        timeout: float,
        elapsed: float,
        last: object = None,
        error: Exception | None = None,
        host: str | None = None,
    ) -> None:
        self.what = what
        self.timeout = timeout
        self.elapsed = elapsed
        self.last = last
        self.error = error
        detail = ""
        if error is not None:
            detail = f" (last error: {type(error).__name__}: {error})"
        elif last is not None and not isinstance(last, bool):
            detail = f" (last seen: {last!r})"
        super().__init__(f"timed out after {timeout:g} s waiting for {what}{detail}", host=host)


def poll(
    *,
    timeout: float,
    interval: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[float]:
    """Yields the seconds elapsed before each attempt: at once, after each ``interval`` of
    sleep, the last one at ``timeout``; break out of the loop when the attempt succeeded."""
    start = clock()
    while True:
        yield clock() - start
        remaining = timeout - (clock() - start)
        if remaining <= 0:
            return
        sleep(min(interval, remaining))


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float,
    interval: float,
    what: str,
    host: str | None = None,
    ignore: tuple[type[Exception], ...] = (),
) -> T:
    """The first truthy value of ``condition()``, polled as :func:`poll` does; exceptions of
    the types in ``ignore`` count as "not yet". Raises :class:`WaitTimeout` past ``timeout``."""
    start = time.monotonic()
    last: T | None = None
    error: Exception | None = None
    for _ in poll(timeout=timeout, interval=interval):
        try:
            value = condition()
        except ignore as caught:
            error = caught
            continue
        if value:
            return value
        last, error = value, None
    raise WaitTimeout(
        what,
        timeout=timeout,
        elapsed=time.monotonic() - start,
        last=last,
        error=error,
        host=host,
    )

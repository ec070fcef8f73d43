"""The one wait helper: when it looks, what it returns, what a timeout carries (real clock)."""

from __future__ import annotations

import time

import pytest

from hacert.errors import InfrastructureError, UnexpectedOutput
from hacert.wait import WaitTimeout, poll, wait_for


def test_poll_looks_at_once_every_interval_and_last_at_the_deadline() -> None:
    started = time.monotonic()
    offsets = list(poll(timeout=0.35, interval=0.1))
    total = time.monotonic() - started
    assert offsets[0] < 0.05
    assert len(offsets) == 5
    assert offsets[-1] == pytest.approx(0.35, abs=0.05)
    assert total < 0.35 + 0.1


def test_poll_never_sleeps_past_the_deadline() -> None:
    offsets = list(poll(timeout=0.1, interval=10))
    assert len(offsets) == 2
    assert offsets[1] == pytest.approx(0.1, abs=0.05)


def test_poll_attempt_longer_than_the_timeout_is_the_only_one() -> None:
    attempts = 0
    for _ in poll(timeout=0.05, interval=0.01):
        attempts += 1
        time.sleep(0.1)
    assert attempts == 1


def test_wait_for_returns_the_first_truthy_value_and_stops() -> None:
    answers = iter([None, [], [3]])
    calls: list[float] = []

    def condition() -> list[int] | None:
        calls.append(time.monotonic())
        return next(answers)

    assert wait_for(condition, timeout=5, interval=0.01, what="three") == [3]
    assert len(calls) == 3


def test_wait_for_timeout_is_infrastructure_error_carrying_what_was_awaited() -> None:
    with pytest.raises(WaitTimeout) as caught:
        wait_for(lambda: [], timeout=0.1, interval=0.02, what="a tick", host="node1")
    timeout = caught.value
    assert isinstance(timeout, InfrastructureError)
    assert not isinstance(timeout, AssertionError)
    assert (timeout.what, timeout.timeout, timeout.last, timeout.host) == (
        "a tick",
        0.1,
        [],
        "node1",
    )
    assert 0.1 <= timeout.elapsed < 0.3
    assert str(timeout) == "node1: timed out after 0.1 s waiting for a tick (last seen: [])"


def test_wait_for_a_false_condition_says_only_what_it_waited_for() -> None:
    with pytest.raises(WaitTimeout, match=r"^timed out after 0.05 s waiting for x$"):
        wait_for(lambda: False, timeout=0.05, interval=0.01, what="x")


def test_wait_for_counts_ignored_errors_as_not_yet_and_reports_the_last() -> None:
    answers: list[Exception | bool] = [UnexpectedOutput("garbled"), False, True]

    def condition() -> bool:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert wait_for(condition, timeout=5, interval=0.01, what="x", ignore=(InfrastructureError,))
    with pytest.raises(WaitTimeout, match=r"last error: OSError: gone") as caught:
        wait_for(_raise_oserror, timeout=0.05, interval=0.01, what="x", ignore=(OSError,))
    assert isinstance(caught.value.error, OSError)


def test_wait_for_lets_an_error_it_was_not_told_to_ignore_through_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(OSError, match="gone"):
        wait_for(_raise_oserror, timeout=5, interval=0.01, what="x")
    assert time.monotonic() - started < 1


def _raise_oserror() -> bool:
    raise OSError("gone")

"""Exit codes scripts can act on: 0 passed, 1 failed, 7 only broken, 4 usage, 6 only waived;
one place decides, and the terminal says which and why."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from hacert.certification import exitcodes
from hacert.cli.run import HELP
from hacert.fixtures.summary import final_exit_code
from tests.conftest import LoopbackSshd
from tests.unit import summary_probe


@pytest.mark.parametrize(
    ("selection", "code", "says"),
    [
        ("COROSYNC-911 or OVS-911", 0, "exit code 0: every check passed or did not apply"),
        ("PCMK-911 or HOSTS-911", 1, "exit code 1: 1 check failed"),
        ("HOSTS-911 or HOSTS-912", 7, "exit code 7: no check failed, but 3 checks are broken"),
    ],
)
def test_exit_code_of_a_run(
    tmp_path: Path, loopback_sshd: LoopbackSshd, selection: str, code: int, says: str
) -> None:
    run = summary_probe.run(tmp_path, loopback_sshd, "-k", selection)
    assert run.returncode == code, run.stdout[-3000:] + run.stderr[-2000:]
    assert says in run.stdout, run.stdout[-3000:]


@pytest.mark.parametrize(
    ("status", "outcomes", "regression", "code"),
    [
        (pytest.ExitCode.OK, {"passed": 3, "skipped": 1}, False, exitcodes.PASSED),
        (pytest.ExitCode.TESTS_FAILED, {"failed": 1, "broken": 2}, False, exitcodes.FAILED),
        (pytest.ExitCode.TESTS_FAILED, {"broken": 2, "waived": 1}, False, exitcodes.BROKEN),
        (pytest.ExitCode.OK, {"waived": 1, "passed": 1}, False, exitcodes.PASSED_WITH_WAIVERS),
        (pytest.ExitCode.OK, {"waived": 1}, True, exitcodes.FAILED),
        (pytest.ExitCode.TESTS_FAILED, {"broken": 1}, True, exitcodes.FAILED),
        (pytest.ExitCode.TESTS_FAILED, {"passed": 1}, False, exitcodes.FAILED),
        (pytest.ExitCode.INTERRUPTED, {"broken": 1}, False, pytest.ExitCode.INTERRUPTED),
        (pytest.ExitCode.INTERNAL_ERROR, {"failed": 1}, False, pytest.ExitCode.INTERNAL_ERROR),
        (pytest.ExitCode.NO_TESTS_COLLECTED, {}, False, pytest.ExitCode.NO_TESTS_COLLECTED),
    ],
)
def test_one_decision_orders_failed_over_broken_over_waived(
    status: int, outcomes: dict[str, int], regression: bool, code: int
) -> None:
    """A failure not from a check (TESTS_FAILED, no failed check) stays a failure."""
    assert final_exit_code(status, Counter(outcomes), regression=regression) == code


def test_exit_codes_are_documented_in_help_and_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for text in (HELP, readme):
        flat = " ".join(text.split())
        assert "7 only broken checks" in flat, flat[-800:]
        assert "6 only waived failures" in flat and "4 usage error" in flat
    assert exitcodes.BROKEN == 7

"""The ``hacert`` command: run checks, list and explain them, grade, certify, perf, lab."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence

from hacert.cli import checks, run, tools

USAGE = """\
usage: hacert COMMAND [ARGS...]

Validate and certify Linux HA and virtualization clusters over SSH.

commands:
  run        check clusters of an inventory (pytest underneath; every pytest option passes)
  checks     list the checks, or explain one (`hacert checks list`, `hacert checks explain ID`)
  grade      grade a class from results files (`hacert grade gradebook ...`, `verify ...`)
  certify    certificates per cluster from a results.json
  verify     verify a certificate (and its page and results)
  perf       the performance result store: summary, runs, accept-baseline, export, history
  lab        the local lab (only from a checkout): up, status, down, power ...

`hacert COMMAND --help` explains a command. Exit codes of `hacert run`: see `hacert run --help`.
"""

COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "run": run.main,
    "checks": checks.main,
    "grade": tools.grade,
    "certify": tools.certify,
    "verify": tools.verify,
    "perf": tools.perf,
    "lab": tools.lab,
}


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `hacert checks list | head` ends quietly
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE, end="")
        return 0
    if args[0] == "--version":
        from importlib.metadata import version

        print(f"hacert {version('hacert')}")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(USAGE, end="", file=sys.stderr)
        print(f"hacert: unknown command {args[0]!r}", file=sys.stderr)
        return run.USAGE_ERROR
    return command(args[1:])

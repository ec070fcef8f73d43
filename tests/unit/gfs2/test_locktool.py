"""The lock tool itself, run locally (one machine = a one-node 'cluster' of processes)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.gfs2 import locktool
from hacert.gfs2.lockrun import parse_tool_output

TOOL = Path(locktool.__file__)


def run(*args: object) -> dict:
    out = subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=60
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def start(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(TOOL), *map(str, args)], stdout=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str]) -> dict:
    out, _ = proc.communicate(timeout=60)
    return json.loads(out.strip().splitlines()[-1])


def test_pingpong_two_processes_see_increment_two(tmp_path: Path) -> None:
    args = (
        "pingpong",
        tmp_path / "f",
        3,
        "--seconds",
        1.5,
        "--rw",
        "--barrier",
        tmp_path / "bar",
        "--peers",
        2,
    )
    a = start(*args, "--name", "a")
    b = start(*args, "--name", "b")
    results = [finish(a), finish(b)]
    for result in results:
        assert result["count"] > 0
        assert result["locks_per_sec"] > 0
        assert result["increment"] == 2


def test_pingpong_alone_sees_increment_one(tmp_path: Path) -> None:
    result = run("pingpong", tmp_path / "f", 2, "--seconds", 0.5, "--rw")
    assert result["increment"] == 1


@pytest.mark.parametrize("kind", ["flock", "posix"])
def test_hold_probe_acquire(tmp_path: Path, kind: str) -> None:
    lock, release, marker = tmp_path / "lock", tmp_path / "release", tmp_path / "held"
    holder = start(
        "hold", lock, "--kind", kind, "--release", release, "--marker", marker, "--timeout", 30
    )
    deadline = time.monotonic() + 20
    while not marker.exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert run("probe", lock, "--kind", kind)["locked"] is True
    assert run("acquire", lock, "--kind", kind, "--timeout", 0.5)["granted"] is False
    waiter = start("acquire", lock, "--kind", kind, "--timeout", 20)
    time.sleep(0.5)
    release.touch()
    held = finish(holder)
    got = finish(waiter)
    assert held["ended_by"] == "release"
    assert got["granted"] is True
    assert run("probe", lock, "--kind", kind)["locked"] is False


def test_write_then_read_agree(tmp_path: Path) -> None:
    wrote = run("write", tmp_path / "d", "--size", 100_003, "--seed", "s")
    read = run("read", tmp_path / "d")
    assert (
        (read["size"], read["sha256"])
        == (wrote["size"], wrote["sha256"])
        == (100_003, wrote["sha256"])
    )


def test_barrier_timeout_is_reported(tmp_path: Path) -> None:
    result = run(
        "pingpong",
        tmp_path / "f",
        3,
        "--seconds",
        0.2,
        "--barrier",
        tmp_path / "b",
        "--peers",
        2,
        "--barrier-timeout",
        0.3,
    )
    assert "error" in result


def test_parse_tool_output() -> None:
    assert parse_tool_output('noise\n{"a": 1}\n') == {"a": 1}
    with pytest.raises(UnexpectedOutput):
        parse_tool_output("")
    with pytest.raises(UnexpectedOutput):
        parse_tool_output("Traceback ...")

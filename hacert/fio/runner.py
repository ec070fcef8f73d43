"""Building fio command lines from a profile, a target and the inventory's settings; running
them on a host and parsing the JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hacert.cluster import Node
from hacert.fio.expect import FioSettings
from hacert.fio.parse import FioResult, extract_json, parse_fio_json
from hacert.fio.profiles import Profile
from hacert.fio.targets import FioTarget

_PREFILLED: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class FioRun:
    argv: list[str]
    raw: dict[str, Any]
    result: FioResult
    host: str

    def json_text(self) -> str:
        return json.dumps(self.raw, indent=2)


def fio_argv(profile: Profile, target: FioTarget, settings: FioSettings) -> list[str]:
    argv = [
        "fio",
        f"--name={profile.name}",
        f"--rw={profile.rw}",
        f"--bs={profile.bs}",
        f"--iodepth={settings.iodepth or profile.iodepth}",
        f"--numjobs={settings.numjobs or profile.numjobs}",
        "--direct=1",
        "--time_based=1",
        f"--runtime={settings.runtime_s}",
        f"--ramp_time={settings.ramp_s}",
        f"--size={settings.size}",
        "--output-format=json",
    ]
    if profile.rwmixread is not None:
        argv.append(f"--rwmixread={profile.rwmixread}")
    argv.extend(f"--{k}={v}" for k, v in target.options.items())
    return argv


def prefill_argv(target: FioTarget, settings: FioSettings) -> list[str]:
    """Writes the whole test region once (sequential 4 MiB), so reads hit allocated data."""
    return [
        "fio",
        "--name=prefill",
        "--rw=write",
        "--bs=4M",
        "--iodepth=16",
        "--direct=1",
        f"--size={settings.size}",
        "--output-format=json",
        *(f"--{k}={v}" for k, v in target.options.items()),
    ]


def _timeout(settings: FioSettings) -> float:
    return settings.runtime_s + settings.ramp_s + 120.0


def run_json(node: Node, argv: list[str], timeout: float) -> dict[str, Any]:
    result = node.run(argv, timeout=timeout).check()
    return extract_json(result.stdout)


def prefill(node: Node, target: FioTarget, settings: FioSettings) -> bool:
    """Prefills once per (host, target, size) in this process; True when it ran."""
    key = (node.label, target.label, settings.size)
    if key in _PREFILLED:
        return False
    run_json(node, prefill_argv(target, settings), timeout=600)
    _PREFILLED.add(key)
    return True


def run_profile(node: Node, profile: Profile, target: FioTarget, settings: FioSettings) -> FioRun:
    if profile.prefill and settings.prefill:
        prefill(node, target, settings)
    argv = fio_argv(profile, target, settings)
    raw = run_json(node, argv, timeout=_timeout(settings))
    return FioRun(argv=argv, raw=raw, result=parse_fio_json(raw), host=node.label)
